#pragma once
// Plain C++ building blocks shared by the kernel sets. Each kernels_*.cpp is compiled with its ISA's flags
// (gemm.cmake), so they are compiled (and auto-vectorized) for that ISA. Internal linkage and no inline
// function from a system header, so the instantiations of different files never merge across ISAs.
#include <cstdint>

#include "kernels.h"

#if defined(__GNUC__) || defined(__clang__)
#define NABLA_INLINE inline __attribute__((always_inline))
// Loops over the rows and vectors of a register tile, unrolled before the compiler decides whether the
// accumulator array can live in registers.
#define NABLA_UNROLL _Pragma("GCC unroll 32")
#else
#define NABLA_INLINE inline
#define NABLA_UNROLL
#endif

namespace nabla {
namespace detail {
namespace {

constexpr uint64_t kNoMask = 0;

NABLA_INLINE int64_t min_i64(int64_t a, int64_t b) { return a < b ? a : b; }

// The k steps set in a mask of kc bits (KernelSet::micro_masked), in increasing order: next() gives each,
// then -1.
class StepBits {
 public:
  StepBits(const uint64_t* mask, int64_t kc) : mask_(mask), words_((kc + 63) / 64), bits_(mask[0]) {}
  NABLA_INLINE int64_t next() {
    while (bits_ == 0u) {
      if (++word_ >= words_) return -1;
      bits_ = mask_[word_];
    }
    const int64_t p = word_ * 64 + lowest_bit(bits_);
    bits_ &= bits_ - 1u;
    return p;
  }

 private:
  static NABLA_INLINE int lowest_bit(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(x);
#else
    int i = 0;
    for (; (x & 1u) == 0u; x >>= 1) ++i;
    return i;
#endif
  }

  const uint64_t* mask_;
  int64_t words_;
  int64_t word_ = 0;
  uint64_t bits_;
};

template <int MR>
NABLA_INLINE void pack_a_generic(bool trans, const float* A, int64_t lda, int64_t rows, int64_t kc,
                                 float* dst) {
  for (int64_t i0 = 0; i0 < rows; i0 += MR, dst += MR * kc) {
    const int64_t h = min_i64(MR, rows - i0);
    if (trans) {  // op(A)(i, p) = A[p*lda + i]: each p gives h contiguous values
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = A + p * lda + i0;
        float* d = dst + p * MR;
        if (h == MR) {
          for (int r = 0; r < MR; ++r) d[r] = src[r];
        } else {
          for (int r = 0; r < MR; ++r) d[r] = r < h ? src[r] : 0.0f;
        }
      }
    } else {  // op(A)(i, p) = A[i*lda + p]: interleave h rows
      const float* src = A + i0 * lda;
      if (h == MR) {
        for (int64_t p = 0; p < kc; ++p)
          for (int r = 0; r < MR; ++r) dst[p * MR + r] = src[r * lda + p];
      } else {
        for (int64_t p = 0; p < kc; ++p)
          for (int r = 0; r < MR; ++r) dst[p * MR + r] = r < h ? src[r * lda + p] : 0.0f;
      }
    }
  }
}

template <int NR>
NABLA_INLINE void pack_b_generic(bool trans, const float* B, int64_t ldb, int64_t kc, int64_t cols,
                                 float* dst) {
  for (int64_t j0 = 0; j0 < cols; j0 += NR, dst += NR * kc) {
    const int64_t w = min_i64(NR, cols - j0);
    if (!trans) {  // op(B)(p, j) = B[p*ldb + j]: each p gives w contiguous values
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = B + p * ldb + j0;
        float* d = dst + p * NR;
        if (w == NR) {
          for (int j = 0; j < NR; ++j) d[j] = src[j];
        } else {
          for (int j = 0; j < NR; ++j) d[j] = j < w ? src[j] : 0.0f;
        }
      }
    } else {  // op(B)(p, j) = B[j*ldb + p]: interleave w rows of the stored B
      const float* src = B + j0 * ldb;
      if (w == NR) {
        for (int64_t p = 0; p < kc; ++p)
          for (int j = 0; j < NR; ++j) dst[p * NR + j] = src[j * ldb + p];
      } else {
        for (int64_t p = 0; p < kc; ++p)
          for (int j = 0; j < NR; ++j) dst[p * NR + j] = j < w ? src[j * ldb + p] : 0.0f;
      }
    }
  }
}

// The one epilogue of every tile on every path: C = alpha * acc + beta * C with alpha * acc exact inside one
// FMA (beta * C rounded first), as the full AVX tiles compute it. Spelled out, because the compiler may
// contract `alpha * acc + beta * c` either way round, and edge tiles must round as full tiles do whatever
// the tile width of the ISA in use.
NABLA_INLINE float epilogue(float alpha, float acc, float beta, float c) {
#ifdef __FMA__
  return __builtin_fmaf(alpha, acc, beta * c);
#else
  return alpha * acc + beta * c;
#endif
}

// Writes an accumulated tile: C = alpha * acc + beta * C, never reading C when beta == 0.
NABLA_INLINE void store_tile(const float* acc, int64_t acc_ld, float* c, int64_t ldc, float alpha, float beta,
                             int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* a = acc + r * acc_ld;
    float* cr = c + r * ldc;
    if (beta == 0.0f) {
      for (int64_t j = 0; j < cols; ++j) cr[j] = alpha * a[j];
    } else {
      for (int64_t j = 0; j < cols; ++j) cr[j] = epilogue(alpha, a[j], beta, cr[j]);
    }
  }
}

#if defined(__GNUC__) || defined(__clang__)
// GCC/Clang vector extensions: four floats the compiler maps onto SSE2 on x86-64, NEON on ARM64.
typedef float vec4 __attribute__((vector_size(16)));
#define NABLA_HAVE_VEC4 1

NABLA_INLINE vec4 vec4_load(const float* p) {
  vec4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
NABLA_INLINE vec4 vec4_splat(float x) { return vec4{x, x, x, x}; }
#endif

// Register-tiled micro-kernel in portable code: MR×NR accumulators (NR a multiple of 4) as vec4 where the
// compiler has vector extensions, plain loops elsewhere. Masked: only the k steps set in mask (at least one).
template <int MR, int NR, bool Masked = false>
NABLA_INLINE void micro_generic(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha,
                                float beta, int64_t rows, int64_t cols, const uint64_t* mask = nullptr) {
  alignas(16) float tile[MR][NR];
  StepBits steps(Masked ? mask : &kNoMask, kc);
  int64_t p = Masked ? steps.next() : 0;
  const auto next = [&]() -> int64_t { return Masked ? steps.next() : (p + 1 < kc ? p + 1 : -1); };
#ifdef NABLA_HAVE_VEC4
  constexpr int NV = NR / 4;
  // Initialized by the first k step: a zeroing loop would become a memset and pin the accumulators to the
  // stack.
  vec4 acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = vec4_splat(a[p * MR + r]) * vec4_load(b + p * NR + 4 * v);
  while ((p = next()) >= 0) {
    const float* ap = a + p * MR;
    const float* bp = b + p * NR;
    vec4 bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = vec4_load(bp + 4 * v);
    for (int r = 0; r < MR; ++r) {
      const vec4 ar = vec4_splat(ap[r]);
      for (int v = 0; v < NV; ++v) acc[r][v] += ar * bv[v];
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) __builtin_memcpy(&tile[r][4 * v], &acc[r][v], sizeof(vec4));
#else
  for (int r = 0; r < MR; ++r)
    for (int j = 0; j < NR; ++j) tile[r][j] = a[p * MR + r] * b[p * NR + j];
  while ((p = next()) >= 0)
    for (int r = 0; r < MR; ++r)
      for (int j = 0; j < NR; ++j) tile[r][j] += a[p * MR + r] * b[p * NR + j];
#endif
  store_tile(&tile[0][0], NR, c, ldc, alpha, beta, rows, cols);
}

// The direct kernel for narrow shapes (see KernelSet::narrow): RB rows of C at a time against CB-column
// strips of B, so RB independent accumulator chains hide the FMA latency. `rows` <= RB; rows past it are
// neither read from A nor written to C. The last strip, narrower than CB, goes column by column (B is read
// only where it has columns), with the same arithmetic.
template <int RB, int CB, bool TA>
NABLA_INLINE void narrow_rows(int64_t rows, int64_t n, int64_t k, float alpha, const float* A, int64_t lda,
                              const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  alignas(16) float tile[RB][CB];
  for (int64_t j0 = 0; j0 < n; j0 += CB) {
    const int64_t cols = min_i64(CB, n - j0);
#ifdef NABLA_HAVE_VEC4
    if (cols == CB) {
      constexpr int NV = CB / 4;
      vec4 acc[RB][NV];
      for (int r = 0; r < RB; ++r)
        for (int v = 0; v < NV; ++v) acc[r][v] = vec4{0.0f, 0.0f, 0.0f, 0.0f};
      for (int64_t p = 0; p < k; ++p) {
        vec4 bv[NV];
        for (int v = 0; v < NV; ++v) bv[v] = vec4_load(B + p * ldb + j0 + 4 * v);
        for (int r = 0; r < RB; ++r) {
          const vec4 ar = vec4_splat(TA ? A[p * lda + r] : A[r * lda + p]);
          for (int v = 0; v < NV; ++v) acc[r][v] += ar * bv[v];
        }
      }
      for (int r = 0; r < RB; ++r)
        for (int v = 0; v < NV; ++v) __builtin_memcpy(&tile[r][4 * v], &acc[r][v], sizeof(vec4));
      store_tile(&tile[0][0], CB, C + j0, ldc, alpha, beta, rows, cols);
      continue;
    }
#endif
    for (int r = 0; r < RB; ++r)
      for (int j = 0; j < CB; ++j) tile[r][j] = 0.0f;
    for (int64_t p = 0; p < k; ++p)
      for (int r = 0; r < RB; ++r) {
        const float ar = TA ? A[p * lda + r] : A[r * lda + p];
        for (int64_t j = 0; j < cols; ++j) tile[r][j] += ar * B[p * ldb + j0 + j];
      }
    store_tile(&tile[0][0], CB, C + j0, ldc, alpha, beta, rows, cols);
  }
}

template <int RB, int CB, bool TA>
NABLA_INLINE void narrow_all(int64_t m, int64_t n, int64_t k, float alpha, const float* A, int64_t lda,
                             const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  int64_t i0 = 0;
  for (; i0 + RB <= m; i0 += RB) {
    narrow_rows<RB, CB, TA>(RB, n, k, alpha, TA ? A + i0 : A + i0 * lda, lda, B, ldb, beta, C + i0 * ldc, ldc);
  }
  for (; i0 < m; ++i0) {  // the last m % RB rows, one at a time
    narrow_rows<1, CB, TA>(1, n, k, alpha, TA ? A + i0 : A + i0 * lda, lda, B, ldb, beta, C + i0 * ldc, ldc);
  }
}

template <int RB, int CB>
NABLA_INLINE void narrow_generic(bool transA, int64_t m, int64_t n, int64_t k, float alpha, const float* A,
                                 int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (transA) {
    narrow_all<RB, CB, true>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  } else {
    narrow_all<RB, CB, false>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  }
}

}  // namespace
}  // namespace detail
}  // namespace nabla

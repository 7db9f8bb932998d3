// The AVX-512 kernel set: an 8×32 micro-kernel (two zmm of B per k step, one broadcast of A per row,
// 16 zmm accumulators; 8×16 at a right edge of at most 16 columns), which also reads A or B in place, and
// the shared C++ blocks, this whole file compiled with -mavx512f -mavx2 -mfma (gemm.cmake); its functions
// run only when active_isa() is Avx512, which best_isa() allows only after seeing avx512f and fma.
#include "kernels.h"

#ifdef NABLA_HAVE_X86_KERNELS
#if !defined(__AVX512F__) || !defined(__FMA__)
#error "kernels_avx512.cpp must be compiled with -mavx512f -mavx2 -mfma"
#endif
#include <immintrin.h>

#include "kernel_templates.h"

#include "pack_x86.h"

namespace nabla {
namespace detail {
namespace {

constexpr int kMr = 8;
constexpr int kNr = 32;

// One k step of the 8 × 16NV tile: the accumulators get a[r * a_row] * b[0..16NV) added (First: set to
// it). NV is 2, or 1 for a tile at the right edge with at most 16 columns (half the FMAs).
template <bool First, int NV>
NABLA_INLINE void tile_step(const float* a, int64_t a_row, const float* b, __m512 (&acc)[kMr][NV]) {
  __m512 bv[NV];
  NABLA_UNROLL
  for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
  NABLA_UNROLL
  for (int r = 0; r < kMr; ++r) {
    const __m512 ar = _mm512_set1_ps(a[r * a_row]);
    NABLA_UNROLL
    for (int v = 0; v < NV; ++v) acc[r][v] = First ? _mm512_mul_ps(ar, bv[v]) : _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
  }
}

// micro (Masked false: every k step of 0..kc) and micro_masked (the steps set in mask, at least one), on the
// first 16NV columns of the panel of B. A is a packed panel (value r of k step p at a[p * kMr + r]) or, with
// AStored, mr rows of A as stored (at a[r * lda + p]); k step p of B starts at b + p * ldb (kNr when packed:
// its columns past `cols` are zeros).
template <bool Masked, int NV, bool AStored = false>
NABLA_INLINE void micro_steps(int64_t kc, const uint64_t* mask, const float* a, int64_t lda, const float* b,
                              int64_t ldb, float* c, int64_t ldc, float alpha, float beta, int64_t rows,
                              int64_t cols) {
  const int64_t a_step = AStored ? 1 : kMr, a_row = AStored ? lda : 1;
  constexpr int MR = kMr;
  NABLA_UNROLL
  for (int r = 0; r < MR; ++r) {  // the C tile is written at the end: start fetching its lines
    NABLA_UNROLL
    for (int v = 0; v < NV; ++v) _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 16 * v), _MM_HINT_T0);
  }
  // The first k step initializes the accumulators: a zeroing loop would be turned into a memset, which pins
  // the accumulators to the stack.
  __m512 acc[MR][NV];
  if (!Masked) {
    tile_step<true, NV>(a, a_row, b, acc);
    for (int64_t p = 1; p < kc; ++p) tile_step<false, NV>(a + p * a_step, a_row, b + p * ldb, acc);
  } else {
    StepBits steps(mask, kc);
    int64_t p = steps.next();
    tile_step<true, NV>(a + p * a_step, a_row, b + p * ldb, acc);
    while ((p = steps.next()) >= 0) tile_step<false, NV>(a + p * a_step, a_row, b + p * ldb, acc);
  }
  const __m512 va = _mm512_set1_ps(alpha);
  if (rows == MR && cols == 16 * NV) {
    if (beta != 0.0f) {
      const __m512 vb = _mm512_set1_ps(beta);
      NABLA_UNROLL
      for (int r = 0; r < MR; ++r) {
        NABLA_UNROLL
        for (int v = 0; v < NV; ++v) {
          float* cv = c + r * ldc + 16 * v;
          _mm512_storeu_ps(cv, _mm512_fmadd_ps(va, acc[r][v], _mm512_mul_ps(vb, _mm512_loadu_ps(cv))));
        }
      }
    } else if (alpha == 1.0f) {  // alpha * acc is acc (never a signalling NaN)
      NABLA_UNROLL
      for (int r = 0; r < MR; ++r) {
        NABLA_UNROLL
        for (int v = 0; v < NV; ++v) _mm512_storeu_ps(c + r * ldc + 16 * v, acc[r][v]);
      }
    } else {
      NABLA_UNROLL
      for (int r = 0; r < MR; ++r) {
        NABLA_UNROLL
        for (int v = 0; v < NV; ++v) _mm512_storeu_ps(c + r * ldc + 16 * v, _mm512_mul_ps(va, acc[r][v]));
      }
    }
    return;
  }
  // Edge tile: masked columns, only the rows that exist. The accumulators go through a small tile first so
  // that they are only ever indexed by constants (and so stay in registers in the loop above).
  alignas(64) float tile[MR][16 * NV];
  NABLA_UNROLL
  for (int r = 0; r < MR; ++r) {
    NABLA_UNROLL
    for (int v = 0; v < NV; ++v) _mm512_store_ps(tile[r] + 16 * v, acc[r][v]);
  }
  __mmask16 m[NV];
  for (int v = 0; v < NV; ++v) {
    const int64_t left = cols - 16 * v;
    m[v] = static_cast<__mmask16>(left >= 16 ? 0xFFFFu : left <= 0 ? 0u : (1u << left) - 1u);
  }
  const __m512 vb = _mm512_set1_ps(beta);
  for (int64_t r = 0; r < rows; ++r) {
    for (int v = 0; v < NV; ++v) {
      float* cv = c + r * ldc + 16 * v;
      const __m512 t = _mm512_load_ps(tile[r] + 16 * v);
      // the epilogue of the full tile above, so that edge columns round as full ones do
      const __m512 x = beta != 0.0f ? _mm512_fmadd_ps(va, t, _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(m[v], cv)))
                                    : _mm512_mul_ps(va, t);
      _mm512_mask_storeu_ps(cv, m[v], x);
    }
  }
}

void micro(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta,
           int64_t rows, int64_t cols) {
  if (cols <= 16) {
    micro_steps<false, 1>(kc, nullptr, a, 0, b, kNr, c, ldc, alpha, beta, rows, cols);
  } else {
    micro_steps<false, 2>(kc, nullptr, a, 0, b, kNr, c, ldc, alpha, beta, rows, cols);
  }
}

void micro_masked(int64_t kc, const uint64_t* mask, const float* a, const float* b, float* c, int64_t ldc,
                  float alpha, float beta, int64_t rows, int64_t cols) {
  if (cols <= 16) {
    micro_steps<true, 1>(kc, mask, a, 0, b, kNr, c, ldc, alpha, beta, rows, cols);
  } else {
    micro_steps<true, 2>(kc, mask, a, 0, b, kNr, c, ldc, alpha, beta, rows, cols);
  }
}

template <bool AStored>
void micro_stored_a(int64_t kc, const uint64_t* mask, const float* a, int64_t lda, const float* b, int64_t ldb,
                    float* c, int64_t ldc, float alpha, float beta, int64_t rows, int64_t cols) {
  if (cols <= 16) {
    if (mask == nullptr) {
      micro_steps<false, 1, AStored>(kc, nullptr, a, lda, b, ldb, c, ldc, alpha, beta, rows, cols);
    } else {
      micro_steps<true, 1, AStored>(kc, mask, a, lda, b, ldb, c, ldc, alpha, beta, rows, cols);
    }
  } else if (mask == nullptr) {
    micro_steps<false, 2, AStored>(kc, nullptr, a, lda, b, ldb, c, ldc, alpha, beta, rows, cols);
  } else {
    micro_steps<true, 2, AStored>(kc, mask, a, lda, b, ldb, c, ldc, alpha, beta, rows, cols);
  }
}

void micro_strided(int64_t kc, const uint64_t* mask, const float* a, int64_t lda, const float* b, int64_t ldb,
                   float* c, int64_t ldc, float alpha, float beta, int64_t rows, int64_t cols) {
  if (lda == 0) {
    micro_stored_a<false>(kc, mask, a, 0, b, ldb, c, ldc, alpha, beta, rows, cols);
  } else {
    micro_stored_a<true>(kc, mask, a, lda, b, ldb, c, ldc, alpha, beta, rows, cols);
  }
}

void pack_a(bool trans, const float* A, int64_t lda, int64_t rows, int64_t kc, float* dst) {
  pack_a_x86<kMr>(trans, A, lda, rows, kc, dst);
}

void pack_b(bool trans, const float* B, int64_t ldb, int64_t kc, int64_t cols, float* dst) {
  pack_b_x86<kNr>(trans, B, ldb, kc, cols, dst);
}

// The direct kernel (KernelSet::narrow) reads a row of B per k step where it lies (op(B) itself, or the
// driver's copy of a transposed one); A's values are broadcast straight from A. A tile is RB rows × NV vectors of 16 columns, NV chosen so that
// there are at least four accumulator chains and few loads per FMA.

// Lane masks of a tile's NV vectors when only its first `cols` columns are real.
template <int NV>
NABLA_INLINE void column_masks(int64_t cols, __mmask16 (&mask)[NV]) {
  for (int v = 0; v < NV; ++v) {
    const int64_t left = cols - 16 * v;
    mask[v] = static_cast<__mmask16>(left >= 16 ? 0xFFFFu : left <= 0 ? 0u : (1u << left) - 1u);
  }
}

template <bool Tail>
NABLA_INLINE void narrow_store(float* c, __mmask16 mask, __m512 x) {
  if (Tail) {
    _mm512_mask_storeu_ps(c, mask, x);
  } else {
    _mm512_storeu_ps(c, x);
  }
}

// One tile: RB rows of C × NV*16 columns, over all k (k >= 1). Tail: only the first `cols` columns are
// real, and B and C are touched only there.
template <int RB, int NV, bool TA, bool Tail>
void narrow_tile(int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float alpha, float beta,
                 float* c, int64_t ldc, int64_t cols) {
  __mmask16 mask[NV];
  column_masks<NV>(Tail ? cols : 16 * NV, mask);
  // As in micro(): the first k step initializes the accumulators, so they stay in registers.
  __m512 acc[RB][NV];
  {
    __m512 bv[NV];
    NABLA_UNROLL
    for (int v = 0; v < NV; ++v)
      bv[v] = Tail ? _mm512_maskz_loadu_ps(mask[v], b + 16 * v) : _mm512_loadu_ps(b + 16 * v);
    NABLA_UNROLL
    for (int r = 0; r < RB; ++r) {
      const __m512 ar = _mm512_set1_ps(a[TA ? r : r * lda]);
      NABLA_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_mul_ps(ar, bv[v]);
    }
  }
  for (int64_t p = 1; p < k; ++p) {
    const float* row = b + p * ldb;
    __m512 bv[NV];
    NABLA_UNROLL
    for (int v = 0; v < NV; ++v)
      bv[v] = Tail ? _mm512_maskz_loadu_ps(mask[v], row + 16 * v) : _mm512_loadu_ps(row + 16 * v);
    NABLA_UNROLL
    for (int r = 0; r < RB; ++r) {
      const __m512 ar = _mm512_set1_ps(TA ? a[p * lda + r] : a[r * lda + p]);
      NABLA_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  }
  // The one epilogue (alpha * acc is acc itself when alpha is 1: acc is never a signalling NaN). Three
  // loops rather than a choice per vector, which would keep the accumulators in memory in the loop above.
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  if (beta != 0.0f) {
    NABLA_UNROLL
    for (int r = 0; r < RB; ++r)
      NABLA_UNROLL
      for (int v = 0; v < NV; ++v) {
        float* cv = c + r * ldc + 16 * v;
        const __m512 old = Tail ? _mm512_maskz_loadu_ps(mask[v], cv) : _mm512_loadu_ps(cv);
        narrow_store<Tail>(cv, mask[v], _mm512_fmadd_ps(va, acc[r][v], _mm512_mul_ps(vb, old)));
      }
  } else if (alpha == 1.0f) {
    NABLA_UNROLL
    for (int r = 0; r < RB; ++r)
      NABLA_UNROLL
      for (int v = 0; v < NV; ++v) narrow_store<Tail>(c + r * ldc + 16 * v, mask[v], acc[r][v]);
  } else {
    NABLA_UNROLL
    for (int r = 0; r < RB; ++r)
      NABLA_UNROLL
      for (int v = 0; v < NV; ++v) narrow_store<Tail>(c + r * ldc + 16 * v, mask[v], _mm512_mul_ps(va, acc[r][v]));
  }
}

// RB rows of C, all n columns: tiles of NV vectors, then one tile as wide as the columns left.
template <int RB, int NV, bool TA>
void narrow_rows(int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b, int64_t ldb,
                 float beta, float* c, int64_t ldc) {
  int64_t j0 = 0;
  for (; j0 + 16 * NV <= n; j0 += 16 * NV)
    narrow_tile<RB, NV, TA, false>(k, a, lda, b + j0, ldb, alpha, beta, c + j0, ldc, 16 * NV);
  const int64_t left = n - j0;
  if (left <= 0) return;
  const int64_t vectors = (left + 15) / 16;
  if (NV >= 4 && vectors == 3) {
    narrow_tile<RB, (NV >= 4 ? 3 : 1), TA, true>(k, a, lda, b + j0, ldb, alpha, beta, c + j0, ldc, left);
  } else if (NV >= 2 && vectors >= 2) {
    narrow_tile<RB, (NV >= 2 ? 2 : 1), TA, true>(k, a, lda, b + j0, ldb, alpha, beta, c + j0, ldc,
                                                 vectors == 2 ? left : 32);
    if (vectors == 4) narrow_tile<RB, (NV >= 2 ? 2 : 1), TA, true>(k, a, lda, b + j0 + 32, ldb, alpha, beta,
                                                                   c + j0 + 32, ldc, left - 32);
  } else {
    narrow_tile<RB, 1, TA, true>(k, a, lda, b + j0, ldb, alpha, beta, c + j0, ldc, left);
  }
}

// The widest tile of RB rows whose accumulators, B vectors and broadcast fit the 32 registers.
template <int RB>
constexpr int narrow_vectors() {
  return RB <= 6 ? 4 : 2;
}

template <bool TA>
void narrow_block(int64_t rows, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                  int64_t ldb, float beta, float* c, int64_t ldc) {
  switch (rows) {
#define NABLA_NARROW_ROWS(R) \
  case R:                    \
    return narrow_rows<R, narrow_vectors<R>(), TA>(n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    NABLA_NARROW_ROWS(1) NABLA_NARROW_ROWS(2) NABLA_NARROW_ROWS(3) NABLA_NARROW_ROWS(4)
    NABLA_NARROW_ROWS(5) NABLA_NARROW_ROWS(6) NABLA_NARROW_ROWS(7) NABLA_NARROW_ROWS(8)
#undef NABLA_NARROW_ROWS
    default:
      return;
  }
}

// Rows go in blocks of nearly equal height, at most: 8 against a B one vector wide (1 vector of B per 8
// FMAs); 4 when k is short (the tiles of 4 × 64 measured fastest there, e.g. 128×128 with k = 10); else 6
// (6 × 64 tiles: 24 accumulators, 10 loads per 24 FMAs).
int64_t narrow_block_rows(int64_t n, int64_t k) { return n <= 16 ? 8 : k < 16 ? 4 : 6; }

template <bool TA>
void narrow_all(int64_t m, int64_t n, int64_t k, float alpha, const float* A, int64_t lda, const float* B,
                int64_t ldb, float beta, float* C, int64_t ldc) {
  if (m <= 0) return;
  const int64_t most = narrow_block_rows(n, k);
  const int64_t blocks = (m + most - 1) / most;
  const int64_t base = m / blocks, taller = m % blocks;
  for (int64_t q = 0, i0 = 0; q < blocks; ++q) {
    const int64_t rows = base + (q < taller ? 1 : 0);
    narrow_block<TA>(rows, n, k, alpha, TA ? A + i0 : A + i0 * lda, lda, B, ldb, beta, C + i0 * ldc, ldc);
    i0 += rows;
  }
}

void narrow(bool transA, int64_t m, int64_t n, int64_t k, float alpha, const float* A, int64_t lda,
            const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (transA) {
    narrow_all<true>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  } else {
    narrow_all<false>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  }
}

}  // namespace

const KernelSet& avx512_kernels() {
  static const KernelSet set{Isa::Avx512, kMr, kNr, 128, 256, 1024, pack_a, pack_b, micro, narrow, micro_masked,
                             micro_strided};
  return set;
}

}  // namespace detail
}  // namespace nabla
#endif  // NABLA_HAVE_X86_KERNELS

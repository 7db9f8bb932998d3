// The AVX-512 kernel set: an 8×32 micro-kernel (two zmm of B per k step, one broadcast of A per row,
// 16 zmm accumulators) and the shared C++ blocks, this whole file compiled with -mavx512f -mavx2 -mfma
// (gemm.cmake); its functions run only when active_isa() is Avx512, which best_isa() allows only after
// seeing avx512f and fma.
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

// One k step of the 8×32 tile: the accumulators get a[r] * b[0..32) added (First: set to it).
template <bool First>
NABLA_INLINE void tile_step(const float* a, const float* b, __m512 (&lo)[kMr], __m512 (&hi)[kMr]) {
  const __m512 b0 = _mm512_load_ps(b);
  const __m512 b1 = _mm512_load_ps(b + 16);
  for (int r = 0; r < kMr; ++r) {
    const __m512 ar = _mm512_set1_ps(a[r]);
    lo[r] = First ? _mm512_mul_ps(ar, b0) : _mm512_fmadd_ps(ar, b0, lo[r]);
    hi[r] = First ? _mm512_mul_ps(ar, b1) : _mm512_fmadd_ps(ar, b1, hi[r]);
  }
}

// micro (Masked false: every k step of 0..kc) and micro_masked (the steps set in mask, at least one).
template <bool Masked>
NABLA_INLINE void micro_steps(int64_t kc, const uint64_t* mask, const float* a, const float* b, float* c,
                                           int64_t ldc, float alpha, float beta, int64_t rows, int64_t cols) {
  constexpr int MR = kMr;
  for (int r = 0; r < MR; ++r) {  // the C tile is written at the end: start fetching its two lines per row
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 16), _MM_HINT_T0);
  }
  // The first k step initializes the accumulators: a zeroing loop would be turned into a memset, which pins
  // the accumulators to the stack.
  __m512 lo[MR], hi[MR];
  if (!Masked) {
    tile_step<true>(a, b, lo, hi);
    for (int64_t p = 1; p < kc; ++p) tile_step<false>(a + p * MR, b + p * kNr, lo, hi);
  } else {
    StepBits steps(mask, kc);
    int64_t p = steps.next();
    tile_step<true>(a + p * MR, b + p * kNr, lo, hi);
    while ((p = steps.next()) >= 0) tile_step<false>(a + p * MR, b + p * kNr, lo, hi);
  }
  const __m512 va = _mm512_set1_ps(alpha);
  if (rows == MR && cols == kNr) {
    if (beta == 0.0f) {
      for (int r = 0; r < MR; ++r) {
        _mm512_storeu_ps(c + r * ldc, _mm512_mul_ps(va, lo[r]));
        _mm512_storeu_ps(c + r * ldc + 16, _mm512_mul_ps(va, hi[r]));
      }
    } else {
      const __m512 vb = _mm512_set1_ps(beta);
      for (int r = 0; r < MR; ++r) {
        float* cr = c + r * ldc;
        _mm512_storeu_ps(cr, _mm512_fmadd_ps(va, lo[r], _mm512_mul_ps(vb, _mm512_loadu_ps(cr))));
        _mm512_storeu_ps(cr + 16, _mm512_fmadd_ps(va, hi[r], _mm512_mul_ps(vb, _mm512_loadu_ps(cr + 16))));
      }
    }
    return;
  }
  // Edge tile: masked columns, only the rows that exist. The accumulators go through a small tile first so
  // that they are only ever indexed by constants (and so stay in registers in the loop above).
  alignas(64) float tile[MR][kNr];
  for (int r = 0; r < MR; ++r) {
    _mm512_store_ps(tile[r], lo[r]);
    _mm512_store_ps(tile[r] + 16, hi[r]);
  }
  const __mmask16 m0 = static_cast<__mmask16>(cols >= 16 ? 0xFFFFu : (1u << cols) - 1u);
  const __mmask16 m1 = static_cast<__mmask16>(cols >= 32 ? 0xFFFFu : cols <= 16 ? 0u : (1u << (cols - 16)) - 1u);
  const __m512 vb = _mm512_set1_ps(beta);
  for (int64_t r = 0; r < rows; ++r) {
    float* cr = c + r * ldc;
    __m512 x0, x1;
    if (beta != 0.0f) {  // the epilogue of the full tile above, so that edge columns round as full ones do
      x0 = _mm512_fmadd_ps(va, _mm512_load_ps(tile[r]), _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(m0, cr)));
      x1 = _mm512_fmadd_ps(va, _mm512_load_ps(tile[r] + 16), _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(m1, cr + 16)));
    } else {
      x0 = _mm512_mul_ps(va, _mm512_load_ps(tile[r]));
      x1 = _mm512_mul_ps(va, _mm512_load_ps(tile[r] + 16));
    }
    _mm512_mask_storeu_ps(cr, m0, x0);
    _mm512_mask_storeu_ps(cr + 16, m1, x1);
  }
}

void micro(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta,
                        int64_t rows, int64_t cols) {
  micro_steps<false>(kc, nullptr, a, b, c, ldc, alpha, beta, rows, cols);
}

void micro_masked(int64_t kc, const uint64_t* mask, const float* a, const float* b, float* c, int64_t ldc,
                               float alpha, float beta, int64_t rows, int64_t cols) {
  micro_steps<true>(kc, mask, a, b, c, ldc, alpha, beta, rows, cols);
}

void pack_a(bool trans, const float* A, int64_t lda, int64_t rows, int64_t kc, float* dst) {
  pack_a_x86<kMr>(trans, A, lda, rows, kc, dst);
}

void pack_b(bool trans, const float* B, int64_t ldb, int64_t kc, int64_t cols, float* dst) {
  pack_b_x86<kNr>(trans, B, ldb, kc, cols, dst);
}

// One strip of the direct kernel: RB rows of C × NV*16 columns (cols of them real), over all k.
template <int RB, int NV, bool TA>
void narrow_tile(int64_t k, const float* a, int64_t lda, const float* bp, int64_t ldbp, float alpha,
                              float beta, float* c, int64_t ldc, int64_t cols) {
  // As in micro(): the first k step (k >= 1) initializes the accumulators, so they stay in registers.
  __m512 acc[RB][NV];
  for (int r = 0; r < RB; ++r) {
    const __m512 ar = _mm512_set1_ps(a[TA ? r : r * lda]);
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_mul_ps(ar, _mm512_load_ps(bp + 16 * v));
  }
  for (int64_t p = 1; p < k; ++p) {
    bp += ldbp;
    __m512 b[NV];
    for (int v = 0; v < NV; ++v) b[v] = _mm512_load_ps(bp + 16 * v);
    for (int r = 0; r < RB; ++r) {
      const __m512 ar = _mm512_set1_ps(TA ? a[p * lda + r] : a[r * lda + p]);
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(ar, b[v], acc[r][v]);
    }
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int v = 0; v < NV; ++v) {
    const int64_t left = cols - 16 * v;
    const __mmask16 mask = static_cast<__mmask16>(left >= 16 ? 0xFFFFu : (1u << left) - 1u);
    for (int r = 0; r < RB; ++r) {
      float* cr = c + r * ldc + 16 * v;
      const __m512 x = beta != 0.0f
          ? _mm512_fmadd_ps(va, acc[r][v], _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(mask, cr)))
          : _mm512_mul_ps(va, acc[r][v]);
      _mm512_mask_storeu_ps(cr, mask, x);
    }
  }
}

// RB rows of C: strips of NV*16 columns, then 16-column strips for the rest. Fewer rows get wider strips, so
// there are always at least four independent accumulator chains.
template <int RB, bool TA>
void narrow_rows(int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* bp,
                              int64_t ldbp, float beta, float* c, int64_t ldc) {
  constexpr int NV = RB >= 4 ? 2 : 4;
  int64_t j0 = 0;
  for (; j0 + 16 * NV <= n; j0 += 16 * NV)
    narrow_tile<RB, NV, TA>(k, a, lda, bp + j0, ldbp, alpha, beta, c + j0, ldc, 16 * NV);
  for (; j0 < n; j0 += 16)
    narrow_tile<RB, 1, TA>(k, a, lda, bp + j0, ldbp, alpha, beta, c + j0, ldc, min_i64(16, n - j0));
}

template <bool TA>
void narrow_all(int64_t m, int64_t n, int64_t k, float alpha, const float* A, int64_t lda,
                             const float* Bp, int64_t ldbp, float beta, float* C, int64_t ldc) {
  auto rows_at = [&](int64_t i0) { return TA ? A + i0 : A + i0 * lda; };
  int64_t i0 = 0;
  for (; i0 + 8 <= m; i0 += 8) narrow_rows<8, TA>(n, k, alpha, rows_at(i0), lda, Bp, ldbp, beta, C + i0 * ldc, ldc);
  // The last m % 8 rows in blocks of 4, 2 and 1.
  if (m - i0 >= 4) {
    narrow_rows<4, TA>(n, k, alpha, rows_at(i0), lda, Bp, ldbp, beta, C + i0 * ldc, ldc);
    i0 += 4;
  }
  if (m - i0 >= 2) {
    narrow_rows<2, TA>(n, k, alpha, rows_at(i0), lda, Bp, ldbp, beta, C + i0 * ldc, ldc);
    i0 += 2;
  }
  if (m - i0 >= 1) narrow_rows<1, TA>(n, k, alpha, rows_at(i0), lda, Bp, ldbp, beta, C + i0 * ldc, ldc);
}

void narrow(bool transA, int64_t m, int64_t n, int64_t k, float alpha, const float* A, int64_t lda,
                         const float* Bp, int64_t ldbp, float beta, float* C, int64_t ldc) {
  if (transA) {
    narrow_all<true>(m, n, k, alpha, A, lda, Bp, ldbp, beta, C, ldc);
  } else {
    narrow_all<false>(m, n, k, alpha, A, lda, Bp, ldbp, beta, C, ldc);
  }
}

}  // namespace

const KernelSet& avx512_kernels() {
  static const KernelSet set{Isa::Avx512, kMr, kNr, 128, 256, 1024, pack_a, pack_b, micro, narrow, micro_masked};
  return set;
}

}  // namespace detail
}  // namespace nabla
#endif  // NABLA_HAVE_X86_KERNELS

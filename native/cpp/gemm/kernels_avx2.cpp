// The AVX2 kernel set: a 6×16 micro-kernel (two ymm of B per k step, one broadcast of A per row, 12 ymm
// accumulators: 15 of the 16 registers) and the shared C++ blocks, this whole file compiled with -mavx2
// -mfma (gemm.cmake); its functions run only when active_isa() is Avx2, which best_isa() allows only after
// seeing avx2 and fma.
#include "kernels.h"

#ifdef NABLA_HAVE_X86_KERNELS
#if !defined(__AVX2__) || !defined(__FMA__)
#error "kernels_avx2.cpp must be compiled with -mavx2 -mfma"
#endif
#include <immintrin.h>

#include "kernel_templates.h"

#include "pack_x86.h"

namespace nabla {
namespace detail {
namespace {

constexpr int kMr = 6;
constexpr int kNr = 16;

// micro (Masked false: every k step of 0..kc) and micro_masked (the steps set in mask, at least one).
template <bool Masked>
NABLA_INLINE void micro_steps(int64_t kc, const uint64_t* mask, const float* a, const float* b, float* c,
                                         int64_t ldc, float alpha, float beta, int64_t rows, int64_t cols) {
  for (int r = 0; r < kMr; ++r) _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
  // Named accumulators, not an array: with an array GCC keeps a memory copy updated inside the loop.
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
#define NABLA_AVX2_ROW(r)                               \
  {                                                     \
    const __m256 ar = _mm256_broadcast_ss(ap + r);      \
    c##r##0 = _mm256_fmadd_ps(ar, b0, c##r##0);         \
    c##r##1 = _mm256_fmadd_ps(ar, b1, c##r##1);         \
  }
#define NABLA_AVX2_STEP(p)                              \
  {                                                     \
    const float* ap = a + (p) * kMr;                    \
    const __m256 b0 = _mm256_load_ps(b + (p) * kNr);    \
    const __m256 b1 = _mm256_load_ps(b + (p) * kNr + 8); \
    NABLA_AVX2_ROW(0)                                   \
    NABLA_AVX2_ROW(1)                                   \
    NABLA_AVX2_ROW(2)                                   \
    NABLA_AVX2_ROW(3)                                   \
    NABLA_AVX2_ROW(4)                                   \
    NABLA_AVX2_ROW(5)                                   \
  }
  if (!Masked) {
    for (int64_t p = 0; p < kc; ++p) NABLA_AVX2_STEP(p)
  } else {
    StepBits steps(mask, kc);
    for (int64_t p = steps.next(); p >= 0; p = steps.next()) NABLA_AVX2_STEP(p)
  }
#undef NABLA_AVX2_STEP
#undef NABLA_AVX2_ROW
  const __m256 lo[kMr] = {c00, c10, c20, c30, c40, c50};
  const __m256 hi[kMr] = {c01, c11, c21, c31, c41, c51};
  const __m256 va = _mm256_set1_ps(alpha);
  if (rows == kMr && cols == kNr) {
    if (beta == 0.0f) {
      for (int r = 0; r < kMr; ++r) {
        _mm256_storeu_ps(c + r * ldc, _mm256_mul_ps(va, lo[r]));
        _mm256_storeu_ps(c + r * ldc + 8, _mm256_mul_ps(va, hi[r]));
      }
    } else {
      const __m256 vb = _mm256_set1_ps(beta);
      for (int r = 0; r < kMr; ++r) {
        float* cr = c + r * ldc;
        _mm256_storeu_ps(cr, _mm256_fmadd_ps(va, lo[r], _mm256_mul_ps(vb, _mm256_loadu_ps(cr))));
        _mm256_storeu_ps(cr + 8, _mm256_fmadd_ps(va, hi[r], _mm256_mul_ps(vb, _mm256_loadu_ps(cr + 8))));
      }
    }
    return;
  }
  // Edge tile: through a small buffer (the accumulators stay indexed by constants only), then plain loops.
  alignas(32) float tile[kMr][kNr];
  for (int r = 0; r < kMr; ++r) {
    _mm256_store_ps(tile[r], lo[r]);
    _mm256_store_ps(tile[r] + 8, hi[r]);
  }
  store_tile(&tile[0][0], kNr, c, ldc, alpha, beta, rows, cols);
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
  pack_a_x86_6(trans, A, lda, rows, kc, dst);
  static_assert(kMr == 6, "pack_a_x86_6 packs 6-row panels");
}

void pack_b(bool trans, const float* B, int64_t ldb, int64_t kc, int64_t cols, float* dst) {
  pack_b_x86<kNr>(trans, B, ldb, kc, cols, dst);
}

// One strip of the direct kernel: RB rows of C × 16 columns (cols of them real; B is read and C written only
// there), over all k, B read in place (row stride ldb).
template <int RB, bool TA, bool Tail>
void narrow_tile(int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float alpha, float beta,
                 float* c, int64_t ldc, int64_t cols) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(Tail ? cols : 16)), lane);
  const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(Tail ? cols - 8 : 8)), lane);
  // The first k step (k >= 1) initializes the accumulators: a zeroing loop would become a memset and pin
  // them to the stack.
  __m256 lo[RB], hi[RB];
  {
    const __m256 b0 = Tail ? _mm256_maskload_ps(b, m0) : _mm256_loadu_ps(b);
    const __m256 b1 = Tail ? _mm256_maskload_ps(b + 8, m1) : _mm256_loadu_ps(b + 8);
    for (int r = 0; r < RB; ++r) {
      const __m256 ar = _mm256_set1_ps(a[TA ? r : r * lda]);
      lo[r] = _mm256_mul_ps(ar, b0);
      hi[r] = _mm256_mul_ps(ar, b1);
    }
  }
  for (int64_t p = 1; p < k; ++p) {
    const float* row = b + p * ldb;
    const __m256 b0 = Tail ? _mm256_maskload_ps(row, m0) : _mm256_loadu_ps(row);
    const __m256 b1 = Tail ? _mm256_maskload_ps(row + 8, m1) : _mm256_loadu_ps(row + 8);
    for (int r = 0; r < RB; ++r) {
      const __m256 ar = _mm256_set1_ps(TA ? a[p * lda + r] : a[r * lda + p]);
      lo[r] = _mm256_fmadd_ps(ar, b0, lo[r]);
      hi[r] = _mm256_fmadd_ps(ar, b1, hi[r]);
    }
  }
  if (!Tail) {
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    for (int r = 0; r < RB; ++r) {
      __m256 x0, x1;
      if (beta != 0.0f) {  // store_tile's epilogue
        x0 = _mm256_fmadd_ps(va, lo[r], _mm256_mul_ps(vb, _mm256_loadu_ps(c + r * ldc)));
        x1 = _mm256_fmadd_ps(va, hi[r], _mm256_mul_ps(vb, _mm256_loadu_ps(c + r * ldc + 8)));
      } else if (alpha == 1.0f) {  // alpha * acc is acc (never a signalling NaN)
        x0 = lo[r];
        x1 = hi[r];
      } else {
        x0 = _mm256_mul_ps(va, lo[r]);
        x1 = _mm256_mul_ps(va, hi[r]);
      }
      _mm256_storeu_ps(c + r * ldc, x0);
      _mm256_storeu_ps(c + r * ldc + 8, x1);
    }
    return;
  }
  alignas(32) float tile[RB][16];
  NABLA_UNROLL
  for (int r = 0; r < RB; ++r) {
    _mm256_store_ps(tile[r], lo[r]);
    _mm256_store_ps(tile[r] + 8, hi[r]);
  }
  store_tile(&tile[0][0], 16, c, ldc, alpha, beta, RB, cols);
}

template <int RB, bool TA>
void narrow_rows(int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b, int64_t ldb,
                 float beta, float* c, int64_t ldc) {
  int64_t j0 = 0;
  for (; j0 + 16 <= n; j0 += 16) narrow_tile<RB, TA, false>(k, a, lda, b + j0, ldb, alpha, beta, c + j0, ldc, 16);
  if (j0 < n) narrow_tile<RB, TA, true>(k, a, lda, b + j0, ldb, alpha, beta, c + j0, ldc, n - j0);
}

template <bool TA>
void narrow_all(int64_t m, int64_t n, int64_t k, float alpha, const float* A, int64_t lda,
                           const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  auto rows_at = [&](int64_t i0) { return TA ? A + i0 : A + i0 * lda; };
  int64_t i0 = 0;
  for (; i0 + 6 <= m; i0 += 6) narrow_rows<6, TA>(n, k, alpha, rows_at(i0), lda, B, ldb, beta, C + i0 * ldc, ldc);
  // The last m % 6 rows in blocks of 4, 2 and 1, so that most keep several accumulator chains.
  if (m - i0 >= 4) {
    narrow_rows<4, TA>(n, k, alpha, rows_at(i0), lda, B, ldb, beta, C + i0 * ldc, ldc);
    i0 += 4;
  }
  if (m - i0 >= 2) {
    narrow_rows<2, TA>(n, k, alpha, rows_at(i0), lda, B, ldb, beta, C + i0 * ldc, ldc);
    i0 += 2;
  }
  if (m - i0 >= 1) narrow_rows<1, TA>(n, k, alpha, rows_at(i0), lda, B, ldb, beta, C + i0 * ldc, ldc);
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

const KernelSet& avx2_kernels() {
  static const KernelSet set{Isa::Avx2, kMr, kNr, 120, 256, 1024, pack_a, pack_b, micro, narrow, micro_masked,
                             nullptr};
  return set;
}

}  // namespace detail
}  // namespace nabla
#endif  // NABLA_HAVE_X86_KERNELS

#pragma once
// Transposing packs for x86 kernel sets, built from 8×8 AVX transposes (the scalar versions read eight or
// more strided streams a float at a time and were the third of the run time for X·Wᵀ). Included by
// kernels_avx2.cpp and kernels_avx512.cpp, each compiled with its ISA's flags; internal linkage, so each
// file gets its own copy compiled for its ISA.
#include <immintrin.h>

#include <cstdint>

#include "kernel_templates.h"

namespace nabla {
namespace detail {
namespace {

// dst rows c (stride ldd) = src column c of the 8×8 block at src (row stride lds).
NABLA_INLINE void transpose8x8(const float* src, int64_t lds, float* dst, int64_t ldd) {
  const __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + lds);
  const __m256 r2 = _mm256_loadu_ps(src + 2 * lds), r3 = _mm256_loadu_ps(src + 3 * lds);
  const __m256 r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds);
  const __m256 r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);
  // Pairs of rows interleaved, then groups of four, then the 128-bit halves swapped into place.
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(s0, s4, 0x20));
  _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(s1, s5, 0x20));
  _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(s2, s6, 0x20));
  _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(s3, s7, 0x20));
  _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(s0, s4, 0x31));
  _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(s1, s5, 0x31));
  _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(s2, s6, 0x31));
  _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(s3, s7, 0x31));
}

// dst rows c (stride ldd, 6 floats each) = src column c of the 6×8 block at src (row stride lds): the 8×8
// transpose with the last row repeated, keeping the first six lanes of each result.
NABLA_INLINE void transpose6x8(const float* src, int64_t lds, float* dst, int64_t ldd) {
  const __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + lds);
  const __m256 r2 = _mm256_loadu_ps(src + 2 * lds), r3 = _mm256_loadu_ps(src + 3 * lds);
  const __m256 r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds);
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  // Rows 4 and 5 give two floats per column: t4 holds columns 0,1 | 4,5 and t5 columns 2,3 | 6,7, in pairs.
  const __m256 cols[8] = {_mm256_permute2f128_ps(s0, t4, 0x20), _mm256_permute2f128_ps(s1, t4, 0x20),
                          _mm256_permute2f128_ps(s2, t5, 0x20), _mm256_permute2f128_ps(s3, t5, 0x20),
                          _mm256_permute2f128_ps(s0, t4, 0x31), _mm256_permute2f128_ps(s1, t4, 0x31),
                          _mm256_permute2f128_ps(s2, t5, 0x31), _mm256_permute2f128_ps(s3, t5, 0x31)};
  // cols[c] lanes 0..3 are rows 0..3 of column c; lanes 4..7 hold the (row 4, row 5) pairs of two columns:
  // the pair of column c sits at lanes 4 + 2 * (c % 2).
  for (int c = 0; c < 8; ++c) {
    float* d = dst + c * ldd;
    _mm_storeu_ps(d, _mm256_castps256_ps128(cols[c]));
    const __m128 high = _mm256_extractf128_ps(cols[c], 1);
    _mm_storel_pi(reinterpret_cast<__m64*>(d + 4), c % 2 == 0 ? high : _mm_movehl_ps(high, high));
  }
}

// Packs W rows of a stored matrix (each contiguous along p, stride ld), kc long, into one panel of W-wide
// rows: dst[p*W + j] = src[j*ld + p]. W is a multiple of 8; the last kc % 8 columns go one at a time.
template <int W>
NABLA_INLINE void transpose_panel(const float* src, int64_t ld, int64_t kc, float* dst) {
  int64_t p = 0;
  for (; p + 8 <= kc; p += 8)
    for (int j = 0; j < W; j += 8) transpose8x8(src + j * ld + p, ld, dst + p * W + j, W);
  for (; p < kc; ++p)
    for (int j = 0; j < W; ++j) dst[p * W + j] = src[j * ld + p];
}

// Copies W contiguous floats (W a multiple of 8) from each of kc rows of a stored matrix (stride ld) into one
// panel: dst[p*W + j] = src[p*ld + j]. The packs whose panel rows are already contiguous in memory.
template <int W>
NABLA_INLINE void copy_panel(const float* src, int64_t ld, int64_t kc, float* dst) {
  for (int64_t p = 0; p < kc; ++p, src += ld, dst += W)
    for (int j = 0; j < W; j += 8) _mm256_storeu_ps(dst + j, _mm256_loadu_ps(src + j));
}

// copy_panel for two neighbouring panels at once: dst (panel 0) and dst + W*kc (panel 1).
template <int W>
NABLA_INLINE void copy_panel_pair(const float* src, int64_t ld, int64_t kc, float* dst) {
  float* dst1 = dst + W * kc;
  for (int64_t p = 0; p < kc; ++p, src += ld, dst += W, dst1 += W) {
    for (int j = 0; j < W; j += 8) _mm256_storeu_ps(dst + j, _mm256_loadu_ps(src + j));
    for (int j = 0; j < W; j += 8) _mm256_storeu_ps(dst1 + j, _mm256_loadu_ps(src + W + j));
  }
}

// pack_a for a kernel whose MR is a multiple of 8: full panels by 8×8 transposes (A as stored) or by copies
// (A transposed: each k step is MR contiguous floats).
template <int MR>
NABLA_INLINE void pack_a_x86(bool trans, const float* A, int64_t lda, int64_t rows, int64_t kc,
                                              float* dst) {
  const int64_t full = rows / MR * MR;
  int64_t i0 = 0;
  if (trans) {  // two panels at a time, so that each cache line of A is read once
    for (; i0 + 2 * MR <= full; i0 += 2 * MR) copy_panel_pair<MR>(A + i0, lda, kc, dst + i0 * kc);
  }
  for (; i0 < full; i0 += MR) {
    if (trans) {
      copy_panel<MR>(A + i0, lda, kc, dst + i0 * kc);
    } else {
      transpose_panel<MR>(A + i0 * lda, lda, kc, dst + i0 * kc);
    }
  }
  pack_a_generic<MR>(trans, trans ? A + full : A + full * lda, lda, rows - full, kc, dst + full * kc);
}

// pack_a for the 6-row kernel: full panels of a non-transposed A by 6×8 transposes.
NABLA_INLINE void pack_a_x86_6(bool trans, const float* A, int64_t lda, int64_t rows, int64_t kc,
                                                float* dst) {
  const int64_t full = trans ? 0 : rows / 6 * 6;
  for (int64_t i0 = 0; i0 < full; i0 += 6) {
    const float* src = A + i0 * lda;
    float* panel = dst + i0 * kc;
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) transpose6x8(src + p, lda, panel + p * 6, 6);
    for (; p < kc; ++p)
      for (int r = 0; r < 6; ++r) panel[p * 6 + r] = src[r * lda + p];
  }
  pack_a_generic<6>(trans, trans ? A : A + full * lda, lda, rows - full, kc, dst + full * kc);
}

// pack_b for a kernel whose NR is a multiple of 8: full panels by 8×8 transposes (B transposed) or by copies
// (B as stored: each k step is NR contiguous floats).
template <int NR>
NABLA_INLINE void pack_b_x86(bool trans, const float* B, int64_t ldb, int64_t kc, int64_t cols,
                                              float* dst) {
  const int64_t full = cols / NR * NR;
  for (int64_t j0 = 0; j0 < full; j0 += NR) {
    if (trans) {
      transpose_panel<NR>(B + j0 * ldb, ldb, kc, dst + j0 * kc);
    } else {
      copy_panel<NR>(B + j0, ldb, kc, dst + j0 * kc);
    }
  }
  pack_b_generic<NR>(trans, trans ? B + full * ldb : B + full, ldb, kc, cols - full, dst + full * kc);
}

}  // namespace
}  // namespace detail
}  // namespace nabla

#pragma once
// The single-core FMA peak of an ISA path, measured: twelve independent chains of vector FMAs (enough to
// cover the FMA latency on current x86 cores), so the bench can print its results as a share of it.
#include <cstdint>

#include "sgemm.h"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace nabla_bench {

// Runs `iters` steps of 12 FMAs on `Vec`; returns a value that depends on all of them, so none is dropped.
#define NABLA_FMA_PEAK_BODY(Vec, set1, fmadd, add, first_lane)                                          \
  Vec a0 = set1(0.1f), a1 = set1(0.2f), a2 = set1(0.3f), a3 = set1(0.4f), a4 = set1(0.5f), a5 = set1(0.6f); \
  Vec a6 = set1(0.7f), a7 = set1(0.8f), a8 = set1(0.9f), a9 = set1(1.1f), a10 = set1(1.2f), a11 = set1(1.3f); \
  const Vec x = set1(0.999f), y = set1(1e-4f);                                                           \
  for (int64_t i = 0; i < iters; ++i) {                                                                  \
    a0 = fmadd(a0, x, y), a1 = fmadd(a1, x, y), a2 = fmadd(a2, x, y), a3 = fmadd(a3, x, y);              \
    a4 = fmadd(a4, x, y), a5 = fmadd(a5, x, y), a6 = fmadd(a6, x, y), a7 = fmadd(a7, x, y);              \
    a8 = fmadd(a8, x, y), a9 = fmadd(a9, x, y), a10 = fmadd(a10, x, y), a11 = fmadd(a11, x, y);          \
  }                                                                                                      \
  const Vec s = add(add(add(add(a0, a1), add(a2, a3)), add(add(a4, a5), add(a6, a7))),                   \
                    add(add(a8, a9), add(a10, a11)));                                                    \
  return first_lane(s);

__attribute__((target("avx512f,fma"), noinline)) inline float fma_chains_avx512(int64_t iters) {
  NABLA_FMA_PEAK_BODY(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_cvtss_f32)
}
__attribute__((target("avx2,fma"), noinline)) inline float fma_chains_avx2(int64_t iters) {
  NABLA_FMA_PEAK_BODY(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, _mm256_cvtss_f32)
}
#undef NABLA_FMA_PEAK_BODY

// FLOPs per step of fma_chains_*: 12 FMAs of `lanes` floats, 2 FLOPs each.
inline double fma_chain_flops(nabla::Isa isa) { return isa == nabla::Isa::Avx512 ? 12.0 * 16 * 2 : 12.0 * 8 * 2; }

inline float fma_chains(nabla::Isa isa, int64_t iters) {
  return isa == nabla::Isa::Avx512 ? fma_chains_avx512(iters) : fma_chains_avx2(iters);
}

inline bool has_fma_peak(nabla::Isa isa) { return isa != nabla::Isa::Portable; }

}  // namespace nabla_bench

#else
namespace nabla_bench {
inline bool has_fma_peak(nabla::Isa) { return false; }
inline double fma_chain_flops(nabla::Isa) { return 0.0; }
inline float fma_chains(nabla::Isa, int64_t) { return 0.0f; }
}  // namespace nabla_bench
#endif

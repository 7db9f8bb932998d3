#pragma once
// The kernel table of the ISA in use (set by NABLA_NATIVE_ISA or setIsa, clamped to the CPU), and the
// helper that splits work over the thread pool only when it is large enough to gain.
#include <cstdint>

#include "gemm/sgemm.h"
#include "kernels/kernels.h"

namespace nabla {

inline const KernelTable& kernels() {
#if NABLA_HAVE_X86_KERNELS
  switch (active_isa()) {
    case Isa::Avx512: return k_avx512::table();
    case Isa::Avx2: return k_avx2::table();
    default: break;
  }
#endif
  return k_portable::table();
}

/** Grains (work items per chunk) below which splitting costs more than it saves. */
constexpr int64_t kGrainCheap = 1 << 15;   // add, copy, relu: memory-bound, under 1 ns per element
constexpr int64_t kGrainMedium = 1 << 13;  // exp, sigmoid, tanh (vectorized polynomials): 1-3 ns per element
constexpr int64_t kGrainCostly = 1 << 12;  // log, pow, expm1 (a libm call per element): 5-20 ns

/** Runs fn(begin, end) over [0, n): inline when small (no std::function), else on the pool. */
template <class Fn>
void run_parallel(int64_t n, int64_t grain, const Fn& fn) {
  if (n <= 0) return;
  if (n < 2 * grain || get_num_threads() <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  parallel_for(n, grain, fn);
}

}  // namespace nabla

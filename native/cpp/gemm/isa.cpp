// CPU feature detection and the run-time choice of micro-kernel family.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "sgemm.h"

namespace nabla {
namespace {

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define NABLA_X86_DISPATCH 1
#endif

Isa detect_isa() {
#ifdef NABLA_X86_DISPATCH
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks (via XGETBV) that the OS saves the wide registers.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma")) return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Portable;
}

Isa clamp_to_best(Isa isa) {
  return static_cast<int>(isa) > static_cast<int>(best_isa()) ? best_isa() : isa;
}

// NABLA_NATIVE_ISA=portable|avx2|avx512 forces a path (clamped); any other value is reported on stderr and
// leaves the best one.
Isa initial_isa() {
  const char* env = std::getenv("NABLA_NATIVE_ISA");
  if (env == nullptr || *env == '\0') return best_isa();
  if (std::strcmp(env, "portable") == 0) return Isa::Portable;
  if (std::strcmp(env, "avx2") == 0) return clamp_to_best(Isa::Avx2);
  if (std::strcmp(env, "avx512") == 0) return clamp_to_best(Isa::Avx512);
  std::fprintf(stderr, "nabla: ignoring NABLA_NATIVE_ISA='%s' (expected portable, avx2 or avx512); using %s\n", env,
               isa_name(best_isa()));
  return best_isa();
}

std::atomic<int>& active_slot() {
  static std::atomic<int> slot{static_cast<int>(initial_isa())};
  return slot;
}

}  // namespace

Isa best_isa() {
  static const Isa best = detect_isa();
  return best;
}

Isa active_isa() { return static_cast<Isa>(active_slot().load(std::memory_order_relaxed)); }

void set_isa(Isa isa) {
  int wanted = static_cast<int>(isa);
  if (wanted < 0) wanted = 0;
  active_slot().store(static_cast<int>(clamp_to_best(static_cast<Isa>(wanted))), std::memory_order_relaxed);
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "portable";
  }
}

}  // namespace nabla

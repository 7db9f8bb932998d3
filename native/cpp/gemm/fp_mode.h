#pragma once
// The floating-point environment the addon computes in. Policy: IEEE denormals everywhere, never
// flush-to-zero. Every entry point clears flush-to-zero / denormals-are-zero on the calling thread for the
// length of the call (restoring what it found), and a pool job carries its caller's mode to the workers that
// run its chunks, so a result does not depend on the thread count, on which thread ran a chunk, or on what
// other code in the process did to the mode. The same policy as the JavaScript backend and PyTorch's default.
#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define NABLA_FP_MODE_X86 1
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
#define NABLA_FP_MODE_ARM64 1
#endif

namespace nabla {

/** The thread's control word: MXCSR on x86-64, FPCR on AArch64, 0 elsewhere. */
inline uint64_t fp_mode() {
#if defined(NABLA_FP_MODE_X86)
  return _mm_getcsr();
#elif defined(NABLA_FP_MODE_ARM64)
  uint64_t mode;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(mode));
  return mode;
#else
  return 0;
#endif
}

inline void set_fp_mode(uint64_t mode) {
#if defined(NABLA_FP_MODE_X86)
  _mm_setcsr(static_cast<unsigned int>(mode));
#elif defined(NABLA_FP_MODE_ARM64)
  __asm__ __volatile__("msr fpcr, %0" : : "r"(mode));
#else
  (void)mode;
#endif
}

/** `mode` with flush-to-zero and denormals-are-zero (x86: FTZ bit 15, DAZ bit 6; AArch64: FZ bit 24) off. */
inline uint64_t ieee_denormals(uint64_t mode) {
#if defined(NABLA_FP_MODE_X86)
  return mode & ~uint64_t{0x8040};
#elif defined(NABLA_FP_MODE_ARM64)
  return mode & ~(uint64_t{1} << 24);
#else
  return mode;
#endif
}

/** IEEE denormals on this thread while it lives; the previous mode comes back on the way out. */
class IeeeDenormalsScope {
 public:
  IeeeDenormalsScope() : saved_(fp_mode()) {
    if (ieee_denormals(saved_) != saved_) set_fp_mode(ieee_denormals(saved_));
  }
  ~IeeeDenormalsScope() {
    if (fp_mode() != saved_) set_fp_mode(saved_);
  }
  IeeeDenormalsScope(const IeeeDenormalsScope&) = delete;
  IeeeDenormalsScope& operator=(const IeeeDenormalsScope&) = delete;

 private:
  uint64_t saved_;
};

}  // namespace nabla

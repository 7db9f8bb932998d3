// Host memory stays mapped once it has been touched.
//
// Every tensor in host memory is an ArrayBuffer whose block comes from malloc. With glibc's defaults a block
// of 128 KiB or more (a threshold that only grows as such blocks are freed) is mapped fresh with mmap and
// unmapped when the collector frees it, and free memory at the top of the heap goes back to the kernel past
// 128 KiB. Either way the next output of that size starts on pages the kernel must fault in and zero: a
// 128×784 · 784×256 product into a fresh C ran at about half the speed of the same product into a warm one.
// So the addon asks glibc to serve blocks up to 32 MiB from its heap and to keep up to 64 MiB of free memory
// at the top of it: blocks the collector frees come back warm, and the process keeps at most that much
// memory it is not using. A user who set glibc's own knobs (MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_,
// GLIBC_TUNABLES) keeps them; other C libraries are left as they are.
#include "host_malloc.h"

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nabla {
namespace {

constexpr int kMmapThreshold = 32 << 20;
constexpr int kTrimThreshold = 64 << 20;

const char* policy = "the C library's defaults";

}  // namespace

void configure_host_malloc() {
#if defined(__GLIBC__)
  static const bool done = [] {
    if (std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("MALLOC_MMAP_THRESHOLD_") ||
        std::getenv("GLIBC_TUNABLES")) {
      policy = "glibc, as set in the environment";
    } else if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1) {
      policy = "glibc, freed blocks kept mapped (heap up to 32 MiB blocks, 64 MiB trim threshold)";
    }
    return true;
  }();
  (void)done;
#endif
}

const char* host_malloc_policy() { return policy; }

}  // namespace nabla

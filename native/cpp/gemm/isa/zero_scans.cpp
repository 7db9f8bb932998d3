// Compiled once per ISA into the namespace NABLA_SCANS_NS (see gemm.cmake). Includes only C headers and our
// plain structs, so no inline function of a system header is compiled with AVX flags and then shared with
// the portable build by the linker.
#include <stdint.h>
#include <string.h>

#include "zero_scans.h"

namespace nabla {
namespace detail {
namespace NABLA_SCANS_NS {
namespace {

#if defined(__GNUC__) || defined(__clang__)
#define NABLA_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define NABLA_ALWAYS_INLINE inline
#endif

NABLA_ALWAYS_INLINE uint32_t bits_of(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

// Integer ops only, so the loops vectorize.
bool all_finite(const float* x, int64_t rows, int64_t cols, int64_t ld) {
  uint32_t bad = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * ld;
    for (int64_t i = 0; i < cols; ++i) bad |= static_cast<uint32_t>((bits_of(row[i]) & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

void or_magnitudes(const float* row, int64_t n, uint32_t* acc) {
  for (int64_t j = 0; j < n; ++j) acc[j] |= bits_of(row[j]) & 0x7fffffffu;
}

void gather_rows(const float* src, int64_t ld, int64_t rows, const Run* runs, int64_t nruns, float* dst, int64_t kept) {
  for (int64_t i = 0; i < rows; ++i) {
    const float* s = src + i * ld;
    float* d = dst + i * kept;
    for (int64_t q = 0; q < nruns; ++q) {
      const float* from = s + runs[q].from;
      for (int64_t t = 0; t < runs[q].length; ++t) d[t] = from[t];
      d += runs[q].length;
    }
  }
}

void scatter_rows(const float* src, int64_t kept, int64_t rows, const Run* runs, int64_t nruns, float beta, float* C,
                  int64_t ldc, int64_t n) {
  for (int64_t i = 0; i < rows; ++i) {
    float* row = C + i * ldc;
    const float* s = src + i * kept;
    if (beta == 0.0f) {
      for (int64_t j = 0; j < n; ++j) row[j] = 0.0f;  // C is not read
    } else if (beta != 1.0f) {
      for (int64_t j = 0; j < n; ++j) row[j] *= beta;
    }
    for (int64_t q = 0; q < nruns; ++q) {
      float* d = row + runs[q].from;
      for (int64_t t = 0; t < runs[q].length; ++t) d[t] += s[t];
      s += runs[q].length;
    }
  }
}

// nonzero_steps for a panel width known at compile time (W > 0), so that the compiler unrolls the row and
// vectorizes across steps, or given at run time (W == 0); the flags are packed into bits afterwards.
template <int W>
NABLA_ALWAYS_INLINE int64_t nonzero_steps_of(const float* panel, int64_t width, int64_t kc, uint64_t* mask,
                                             bool* finite) {
  const int64_t w = W > 0 ? W : width;
  uint8_t flags[kMaxSteps];
  uint32_t bad = 0;
  for (int64_t p = 0; p < kc; ++p) {
    uint32_t any = 0;
    for (int64_t r = 0; r < w; ++r) {
      const uint32_t u = bits_of(panel[p * w + r]);
      any |= u & 0x7fffffffu;
      bad |= static_cast<uint32_t>((u & 0x7f800000u) == 0x7f800000u);
    }
    flags[p] = any != 0u;
  }
  int64_t count = 0;
  for (int64_t word = 0; word * 64 < kc; ++word) {
    uint64_t bits = 0;
    const int64_t left = kc - word * 64;
    const int64_t n = left < 64 ? left : 64;
    for (int64_t j = 0; j < n; ++j) {
      bits |= static_cast<uint64_t>(flags[word * 64 + j]) << j;
      count += flags[word * 64 + j];
    }
    mask[word] = bits;
  }
  *finite = bad == 0u;
  return count;
}

int64_t nonzero_steps(const float* panel, int64_t width, int64_t kc, uint64_t* mask, bool* finite) {
  switch (width) {  // the kernel sets' mr and nr
    case 4: return nonzero_steps_of<4>(panel, width, kc, mask, finite);
    case 6: return nonzero_steps_of<6>(panel, width, kc, mask, finite);
    case 8: return nonzero_steps_of<8>(panel, width, kc, mask, finite);
    case 16: return nonzero_steps_of<16>(panel, width, kc, mask, finite);
    case 32: return nonzero_steps_of<32>(panel, width, kc, mask, finite);
    default: return nonzero_steps_of<0>(panel, width, kc, mask, finite);
  }
}

}  // namespace

const ZeroScans& table() {
  static const ZeroScans scans{all_finite, or_magnitudes, gather_rows, scatter_rows, nonzero_steps};
  return scans;
}

}  // namespace NABLA_SCANS_NS
}  // namespace detail
}  // namespace nabla

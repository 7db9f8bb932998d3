#pragma once
// The scans and copies of structural zeros (zero_slices.cpp), which run over whole operands: isa/zero_scans.cpp
// is compiled once per ISA, like every ISA-specific source of the addon, and zero_scans() picks the set of
// the ISA in use on each call, so NABLA_NATIVE_ISA and setIsa switch it with everything else.
#include <cstdint>

namespace nabla {
namespace detail {

struct Run {
  int64_t from, length;  // kept indices from .. from+length-1
};

/** The longest panel nonzero_steps takes. */
constexpr int64_t kMaxSteps = 256;

struct ZeroScans {
  // True when all rows × cols values (row stride ld) are finite.
  bool (*all_finite)(const float* x, int64_t rows, int64_t cols, int64_t ld);
  // acc[j] |= the magnitude bits of row[j], for j < n.
  void (*or_magnitudes)(const float* row, int64_t n, uint32_t* acc);
  // The kept values of `rows` rows of src (stride ld), each packed run after run into dst (stride kept).
  void (*gather_rows)(const float* src, int64_t ld, int64_t rows, const Run* runs, int64_t nruns, float* dst,
                      int64_t kept);
  // rows of C (stride ldc, n wide) = beta * C, then the dense src rows (stride kept) added at the kept places.
  void (*scatter_rows)(const float* src, int64_t kept, int64_t rows, const Run* runs, int64_t nruns, float beta,
                       float* C, int64_t ldc, int64_t n);
  // See nonzero_steps in zero_slices.h.
  int64_t (*nonzero_steps)(const float* panel, int64_t width, int64_t kc, uint64_t* mask, bool* finite);
};

namespace scans_portable {
const ZeroScans& table();
}
#if NABLA_HAVE_X86_SCANS
namespace scans_avx2 {
const ZeroScans& table();
}
namespace scans_avx512 {
const ZeroScans& table();
}
#endif

/** The set of the ISA in use. */
const ZeroScans& zero_scans();

}  // namespace detail
}  // namespace nabla

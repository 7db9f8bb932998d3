// The loader's kernel: rows of a byte dataset (MNIST pixels), picked by a shuffled index, turned into float32
// and divided. The division is IEEE float32 division (no reciprocal), so every ISA and the JavaScript
// composition give the same bits: float32(b) / float32(divisor).
#include "impl.h"

namespace nabla {
namespace NABLA_KNS {

// A shuffled index makes every row a cache miss. Converting a row takes less time than fetching one from
// memory, so rows are requested kPrefetchRows ahead of their conversion.
constexpr int64_t kPrefetchRows = 16;

static inline void prefetch_row(const uint8_t* row, int64_t bytes) {
#if defined(__GNUC__) || defined(__clang__)
  for (int64_t b = 0; b < bytes; b += 64) __builtin_prefetch(row + b, 0, 0);
#else
  (void)row;
  (void)bytes;
#endif
}

void gather_bytes(const GatherBytesArgs& a, int64_t begin, int64_t end) {
  const int64_t n = a.rowLength;
  const float d = a.divisor;
  for (int64_t r = begin; r < end && r < begin + kPrefetchRows; ++r) prefetch_row(a.src + static_cast<int64_t>(a.rows[r]) * n, n);
  for (int64_t r = begin; r < end; ++r) {
    if (r + kPrefetchRows < end) prefetch_row(a.src + static_cast<int64_t>(a.rows[r + kPrefetchRows]) * n, n);
    const uint8_t* __restrict src = a.src + static_cast<int64_t>(a.rows[r]) * n;
    float* __restrict out = a.out + r * n;
    if (d == 1.0f) {
      for (int64_t j = 0; j < n; ++j) out[j] = static_cast<float>(src[j]);
    } else {
      for (int64_t j = 0; j < n; ++j) out[j] = static_cast<float>(src[j]) / d;
    }
  }
}

}  // namespace NABLA_KNS
}  // namespace nabla

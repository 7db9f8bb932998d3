// Entry point of the loader kernel:
//   gatherBytes(src: Uint8Array, rowLength, rows: Uint32Array, start, count, divisor, out: Float32Array)
// out[r * rowLength + j] = src[rows[start + r] * rowLength + j] / divisor for r < count, j < rowLength.
#include <cmath>
#include <string>

#include "args.h"
#include "dispatch.h"
#include "entries.h"

namespace nabla {

Napi::Value GatherBytes(const Napi::CallbackInfo& info) {
  const Args args(info, "gatherBytes", 7);
  const U8 src = args.u8(0, "src");
  const int64_t rowLength = args.count(1, "rowLength");
  const U32 rows = args.u32(2, "rows");
  const int64_t start = args.count(3, "start");
  const int64_t count = args.count(4, "count");
  const double divisor = args.number(5, "divisor");
  const F32 out = args.f32(6, "out");
  if (rowLength < 1) args.range_error("argument 'rowLength' must be at least 1, got 0");
  // A float32 divisor that is positive and finite: anything else would fill the batch with inf or NaN.
  const float d = static_cast<float>(divisor);
  if (!(d > 0.0f) || !std::isfinite(d)) {
    args.range_error("argument 'divisor' must be a positive number within float32 range, got " + std::to_string(divisor));
  }
  if (start > rows.length || count > rows.length - start) {
    args.range_error("rows[start .. start + count) = [" + std::to_string(start) + ", " + std::to_string(start + count) +
                     ") is outside 'rows' (length " + std::to_string(rows.length) + ")");
  }
  const int64_t n = checked_mul(args, count, rowLength, "count × rowLength");
  args.min_length("out", out, n, "count × rowLength");
  const int64_t srcRows = src.length / rowLength;
  for (int64_t r = 0; r < count; ++r) {
    const uint32_t index = rows.data[start + r];
    if (index >= srcRows) {
      args.range_error("rows[" + std::to_string(start + r) + "] = " + std::to_string(index) + " is out of range for 'src' of " +
                       std::to_string(srcRows) + " rows of " + std::to_string(rowLength) + " bytes");
    }
  }
  if (n == 0) return info.Env().Undefined();
  // The arrays may be views of one ArrayBuffer: refuse an `out` that overlaps the bytes or the indices.
  const auto* outBegin = reinterpret_cast<const uint8_t*>(out.data);
  const auto* outEnd = outBegin + n * static_cast<int64_t>(sizeof(float));
  const auto overlaps = [&](const void* p, int64_t bytes) {
    const auto* b = static_cast<const uint8_t*>(p);
    return b != nullptr && b < outEnd && outBegin < b + bytes;
  };
  if (overlaps(src.data, src.length)) args.range_error("argument 'out' shares memory with 'src'");
  if (overlaps(rows.data, rows.length * static_cast<int64_t>(sizeof(uint32_t)))) {
    args.range_error("argument 'out' shares memory with 'rows'");
  }
  GatherBytesArgs g{};
  g.src = src.data;
  g.rows = rows.data + start;
  g.rowLength = rowLength;
  g.divisor = d;
  g.out = out.data;
  const KernelTable& k = kernels();
  run_parallel(count, std::max<int64_t>(1, kGrainCheap / rowLength), [&](int64_t b, int64_t e) { k.gather_bytes(g, b, e); });
  return info.Env().Undefined();
}

}  // namespace nabla

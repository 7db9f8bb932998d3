// Entry points of the loader kernels:
//   gatherBytes(src: Uint8Array, rowLength, rows: Uint32Array, start, count, divisor, out: Float32Array)
// out[r * rowLength + j] = src[rows[start + r] * rowLength + j] / divisor for r < count, j < rowLength.
//   gatherRows(src: Float32Array, rowLength, rows: Uint32Array, start, count, out: Float32Array)
// out[r * rowLength + j] = src[rows[start + r] * rowLength + j]: a batch of a float dataset, copied as is.
#include <cmath>
#include <cstring>
#include <string>

#include "args.h"
#include "dispatch.h"
#include "entries.h"

namespace nabla {

namespace {

// Refuses an `out` that overlaps the source or the indices (the arrays may be views of one ArrayBuffer).
void check_disjoint(const Args& args, const float* out, int64_t n, const void* src, int64_t src_bytes,
                    const uint32_t* rows, int64_t row_count) {
  const auto* outBegin = reinterpret_cast<const uint8_t*>(out);
  const auto* outEnd = outBegin + n * static_cast<int64_t>(sizeof(float));
  const auto overlaps = [&](const void* p, int64_t bytes) {
    const auto* b = static_cast<const uint8_t*>(p);
    return b != nullptr && b < outEnd && outBegin < b + bytes;
  };
  if (overlaps(src, src_bytes)) args.range_error("argument 'out' shares memory with 'src'");
  if (overlaps(rows, row_count * static_cast<int64_t>(sizeof(uint32_t)))) {
    args.range_error("argument 'out' shares memory with 'rows'");
  }
}

// Checks a gather's row picks: rows[start .. start + count) inside `rows`, each naming a whole row of a
// source of srcLength values (`unit`: what they are, for the message); returns count × rowLength.
int64_t check_picks(const Args& args, const U32& rows, int64_t start, int64_t count, int64_t rowLength,
                    int64_t srcLength, const char* unit) {
  if (rowLength < 1) args.range_error("argument 'rowLength' must be at least 1, got 0");
  if (start > rows.length || count > rows.length - start) {
    args.range_error("rows[start .. start + count) = [" + std::to_string(start) + ", " + std::to_string(start + count) +
                     ") is outside 'rows' (length " + std::to_string(rows.length) + ")");
  }
  const int64_t n = checked_mul(args, count, rowLength, "count × rowLength");
  const int64_t srcRows = srcLength / rowLength;
  for (int64_t r = 0; r < count; ++r) {
    const uint32_t index = rows.data[start + r];
    if (index >= srcRows) {
      args.range_error("rows[" + std::to_string(start + r) + "] = " + std::to_string(index) + " is out of range for 'src' of " +
                       std::to_string(srcRows) + " rows of " + std::to_string(rowLength) + " " + unit);
    }
  }
  return n;
}

// Rows picked by a shuffled index are cache misses one after the other; copying a row takes less time than
// fetching it, so rows are requested this many ahead of their copy.
constexpr int64_t kPrefetchRowsAhead = 8;

void gather_rows(const float* src, const uint32_t* rows, int64_t rowLength, float* out, int64_t begin, int64_t end) {
  const auto prefetch = [&](int64_t r) {
#if defined(__GNUC__) || defined(__clang__)
    const auto* row = reinterpret_cast<const char*>(src + static_cast<int64_t>(rows[r]) * rowLength);
    for (int64_t b = 0; b < rowLength * 4; b += 64) __builtin_prefetch(row + b, 0, 0);
#else
    (void)r;
#endif
  };
  for (int64_t r = begin; r < end && r < begin + kPrefetchRowsAhead; ++r) prefetch(r);
  for (int64_t r = begin; r < end; ++r) {
    if (r + kPrefetchRowsAhead < end) prefetch(r + kPrefetchRowsAhead);
    std::memcpy(out + r * rowLength, src + static_cast<int64_t>(rows[r]) * rowLength,
                static_cast<size_t>(rowLength) * sizeof(float));
  }
}

}  // namespace

Napi::Value GatherBytes(const Napi::CallbackInfo& info) {
  const Args args(info, "gatherBytes", 7);
  const U8 src = args.u8(0, "src");
  const int64_t rowLength = args.count(1, "rowLength");
  const U32 rows = args.u32(2, "rows");
  const int64_t start = args.count(3, "start");
  const int64_t count = args.count(4, "count");
  const double divisor = args.number(5, "divisor");
  const F32 out = args.f32(6, "out");
  // A float32 divisor that is positive and finite: anything else would fill the batch with inf or NaN.
  const float d = static_cast<float>(divisor);
  if (!(d > 0.0f) || !std::isfinite(d)) {
    args.range_error("argument 'divisor' must be a positive number within float32 range, got " + std::to_string(divisor));
  }
  const int64_t n = check_picks(args, rows, start, count, rowLength, src.length, "bytes");
  args.min_length("out", out, n, "count × rowLength");
  if (n == 0) return info.Env().Undefined();
  check_disjoint(args, out.data, n, src.data, src.length, rows.data, rows.length);
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

// gatherRows(src, rowLength, rows, start, count, out)
Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  const Args args(info, "gatherRows", 6);
  const F32 src = args.f32(0, "src");
  const int64_t rowLength = args.count(1, "rowLength");
  const U32 rows = args.u32(2, "rows");
  const int64_t start = args.count(3, "start");
  const int64_t count = args.count(4, "count");
  const F32 out = args.f32(5, "out");
  const int64_t n = check_picks(args, rows, start, count, rowLength, src.length, "values");
  args.min_length("out", out, n, "count × rowLength");
  if (n == 0) return info.Env().Undefined();
  check_disjoint(args, out.data, n, src.data, src.length * static_cast<int64_t>(sizeof(float)), rows.data, rows.length);
  const uint32_t* picked = rows.data + start;
  run_parallel(count, std::max<int64_t>(1, kGrainCheap / rowLength),
               [&](int64_t b, int64_t e) { gather_rows(src.data, picked, rowLength, out.data, b, e); });
  return info.Env().Undefined();
}

}  // namespace nabla

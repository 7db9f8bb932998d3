// Entry points of the strided element-wise primitives: unary, binary, where, copy; and fill.
// JavaScript passes shape, offsets and strides in a Float64Array `meta`:
//   [ndim, shape[ndim], then per input view: offset, strides[ndim]]
#include <algorithm>

#include "args.h"
#include "dispatch.h"
#include "entries.h"

namespace nabla {

const char* const kUnaryNames[kUnaryCount] = {"neg", "exp", "log", "sqrt", "abs", "copy"};
const char* const kBinaryNames[kBinaryCount] = {"add", "sub", "mul", "div", "max", "min", "pow",
                                                "eq", "ne", "lt", "le", "gt", "ge"};

namespace {

using EwKernel = void (*)(const EwArgs&, int64_t, int64_t);

// Validates `nviews` strided inputs (arguments first .. first+nviews-1) and the contiguous output after
// them, then runs the kernel over the output's elements.
void run_elementwise(const Args& args, size_t first, int nviews, const char* const* names, int op,
                     EwKernel kernel, int64_t grain) {
  int64_t metaLength = 0;
  const double* meta = args.f64(first - 1, "meta", &metaLength);
  F32 in[3];
  for (int v = 0; v < nviews; ++v) in[v] = args.f32(first + v, names[v]);
  const F32 out = args.f32(first + nviews, "out");
  int64_t cursor = 0;
  const ViewLayout L = args.views(meta, metaLength, &cursor, nviews, names, in);
  args.out_length("out", out, L.numel);
  for (int v = 0; v < nviews; ++v) args.no_partial_overlap(L, v, names[v], in[v], out, "out");
  if (L.numel == 0) return;
  Strided space;
  coalesce(L, nviews, &space);
  EwArgs ew;
  ew.space = &space;
  for (int v = 0; v < 3; ++v) ew.in[v] = v < nviews ? in[v].data + L.offset[v] : nullptr;
  ew.out = out.data;
  ew.op = op;
  const int nd = space.ndim;
  if (nviews == 1 && nd >= 2 && space.stride[0][nd - 1] != 1 && space.stride[0][nd - 2] == 1 &&
      space.shape[nd - 1] >= kTile / 2) {
    // A transposed input: tiles keep reads and writes in cache (see unary_tiled in kernels.h).
    const KernelTable& k = kernels();
    const int64_t matrixSize = space.shape[nd - 2] * space.shape[nd - 1];
    const int64_t units = L.numel / matrixSize * ((space.shape[nd - 2] + kTile - 1) / kTile);
    const int64_t unitGrain = std::max<int64_t>(1, kGrainCheap / (kTile * space.shape[nd - 1]));
    run_parallel(units, unitGrain, [&](int64_t b, int64_t e) { k.unary_tiled(ew, b, e); });
    return;
  }
  run_parallel(L.numel, grain, [&](int64_t b, int64_t e) { kernel(ew, b, e); });
}

}  // namespace

// unary(op, meta, x, out)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  const Args args(info, "unary", 4);
  const int op = args.code(0, "op", kCopy, kUnaryNames);  // copy has its own entry point
  static const char* const names[] = {"x"};
  const int64_t grain = op == kLog ? kGrainCostly : op == kExp ? kGrainMedium : kGrainCheap;
  run_elementwise(args, 2, 1, names, op, kernels().unary, grain);
  return info.Env().Undefined();
}

// binary(op, meta, a, b, out)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const Args args(info, "binary", 5);
  const int op = args.code(0, "op", kBinaryCount, kBinaryNames);
  static const char* const names[] = {"a", "b"};
  run_elementwise(args, 2, 2, names, op, kernels().binary, op == kPow ? kGrainCostly : kGrainCheap);
  return info.Env().Undefined();
}

// where(meta, cond, a, b, out)
Napi::Value Where(const Napi::CallbackInfo& info) {
  const Args args(info, "where", 5);
  static const char* const names[] = {"cond", "a", "b"};
  run_elementwise(args, 1, 3, names, 0, kernels().where, kGrainCheap);
  return info.Env().Undefined();
}

// copy(meta, x, out)
Napi::Value Copy(const Napi::CallbackInfo& info) {
  const Args args(info, "copy", 3);
  static const char* const names[] = {"x"};
  run_elementwise(args, 1, 1, names, kCopy, kernels().unary, kGrainCheap);
  return info.Env().Undefined();
}

// fill(out, value, offset, length)
Napi::Value Fill(const Napi::CallbackInfo& info) {
  const Args args(info, "fill", 4);
  const F32 out = args.f32(0, "out");
  const float value = static_cast<float>(args.number(1, "value"));
  const int64_t offset = args.count(2, "offset");
  const int64_t length = args.count(3, "length");
  if (offset > out.length || length > out.length - offset) {
    args.range_error("offset " + std::to_string(offset) + " + length " + std::to_string(length) +
                     " exceeds argument 'out' of " + std::to_string(out.length) + " elements");
  }
  if (length == 0) return info.Env().Undefined();
  float* base = out.data + offset;
  const KernelTable& k = kernels();
  run_parallel(length, kGrainCheap, [&](int64_t b, int64_t e) { k.fill(base + b, value, e - b); });
  return info.Env().Undefined();
}

}  // namespace nabla

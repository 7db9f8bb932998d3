// Entry points of the reductions:
//   reduce(op, meta, x, out)  meta = [ndim, shape[ndim], xOffset, xStrides[ndim], naxes, axes[naxes]]
//   argmax(meta, x, out)      meta = [ndim, shape[ndim], xOffset, xStrides[ndim], axis]
// `out` is contiguous over x's shape with the reduced axes set to 1.
#include <algorithm>
#include <cmath>

#include "args.h"
#include "dispatch.h"
#include "entries.h"

namespace nabla {

const char* const kReduceNames[kReduceCount] = {"sum", "max", "min"};

namespace {

// Appends dim (size, stride) to a list, merging it into the previous one when the pair is contiguous.
void push_dim(int* n, int64_t* shape, int64_t* stride, int64_t size, int64_t s) {
  if (*n > 0 && stride[*n - 1] == s * size) {
    shape[*n - 1] *= size;
    stride[*n - 1] = s;
    return;
  }
  shape[*n] = size;
  stride[*n] = s;
  ++*n;
}

void check_out(const Args& args, const ViewLayout& L, const F32& x, const F32& out, int64_t outNumel) {
  args.out_length("out", out, outNumel);
  if (L.numel > 0) {
    int64_t lo = 0, hi = 0;
    args.view_range(L, 0, &lo, &hi);
    args.disjoint("x", x.data + lo, hi - lo + 1, "out", out.data, outNumel);
  }
}

}  // namespace

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  const Args args(info, "reduce", 4);
  const int op = args.code(0, "op", kReduceCount, kReduceNames);
  int64_t metaLength = 0;
  const double* meta = args.f64(1, "meta", &metaLength);
  const F32 x = args.f32(2, "x");
  const F32 out = args.f32(3, "out");
  static const char* const names[] = {"x"};
  int64_t c = 0;
  const ViewLayout L = args.views(meta, metaLength, &c, 1, names, &x);
  args.need_meta("meta", metaLength, c + 1, "the axis count");
  const int naxes = static_cast<int>(args.meta_int(meta, c++, 0, L.ndim, "axis count"));
  args.need_meta("meta", metaLength, c + naxes, "the axes");
  bool reduced[kMaxDims] = {};
  for (int i = 0; i < naxes; ++i) {
    const int64_t axis = args.meta_int(meta, c + i, 0, L.ndim - 1, Label(nullptr, "axes", i));
    if (i > 0 && axis <= meta[c + i - 1]) args.range_error("axes must be sorted and distinct");
    reduced[axis] = true;
  }
  int64_t outNumel = 1;  // checked: a 0 in a reduced dim leaves the kept dims unbounded by numel
  for (int d = 0; d < L.ndim; ++d) {
    if (!reduced[d]) outNumel = checked_mul(args, outNumel, L.shape[d], "the output element count");
  }
  check_out(args, L, x, out, outNumel);
  if (outNumel == 0) return info.Env().Undefined();
  if (L.numel == 0) {  // reducing an empty axis: the identity of the op
    const float identity = op == kSum ? 0.0f : op == kRedMax ? -INFINITY : INFINITY;
    std::fill(out.data, out.data + outNumel, identity);
    return info.Env().Undefined();
  }

  ReduceArgs r;
  r.op = op;
  r.nk = r.nr = 0;
  r.x = x.data + L.offset[0];
  r.out = out.data;
  for (int d = 0; d < L.ndim; ++d) {
    if (L.shape[d] == 1) continue;
    if (reduced[d]) {
      push_dim(&r.nr, r.rshape, r.rstride, L.shape[d], L.strides[0][d]);
    } else {
      push_dim(&r.nk, r.kshape, r.kstride, L.shape[d], L.strides[0][d]);
    }
  }
  const int64_t perOut = L.numel / outNumel;
  const KernelTable& k = kernels();
  if (r.nk > 0 && r.nr > 0 && r.kstride[r.nk - 1] == 1 && r.rstride[r.nr - 1] != 1) {
    // Kept innermost dim is contiguous: accumulate whole rows (e.g. column sums).
    const int64_t len = r.kshape[r.nk - 1];
    const int64_t chunks = (len + kReduceChunk - 1) / kReduceChunk;
    const int64_t units = outNumel / len * chunks;
    const int64_t grain = std::max<int64_t>(1, kGrainCheap / (perOut * std::min(len, kReduceChunk)));
    run_parallel(units, grain, [&](int64_t b, int64_t e) { k.reduce_outer(r, b, e); });
  } else {
    const int64_t grain = std::max<int64_t>(1, kGrainCheap / perOut);
    run_parallel(outNumel, grain, [&](int64_t b, int64_t e) { k.reduce_inner(r, b, e); });
  }
  return info.Env().Undefined();
}

Napi::Value Argmax(const Napi::CallbackInfo& info) {
  const Args args(info, "argmax", 3);
  int64_t metaLength = 0;
  const double* meta = args.f64(0, "meta", &metaLength);
  const F32 x = args.f32(1, "x");
  const F32 out = args.f32(2, "out");
  static const char* const names[] = {"x"};
  int64_t c = 0;
  const ViewLayout L = args.views(meta, metaLength, &c, 1, names, &x);
  args.need_meta("meta", metaLength, c + 1, "the axis");
  if (L.ndim == 0) args.range_error("argmax needs a tensor of rank >= 1");
  const int axis = static_cast<int>(args.meta_int(meta, c, 0, L.ndim - 1, "axis"));
  int64_t outNumel = 1;
  for (int d = 0; d < L.ndim; ++d) {
    if (d != axis) outNumel = checked_mul(args, outNumel, L.shape[d], "the output element count");
  }
  check_out(args, L, x, out, outNumel);
  if (outNumel == 0) return info.Env().Undefined();
  if (L.shape[axis] == 0) {
    args.range_error("argmax over axis " + std::to_string(axis) + " of size 0 (shape " + fmt_dims(L.shape, L.ndim) +
                     ")");
  }
  ReduceArgs r;
  r.op = kRedMax;
  r.nk = 0;
  r.nr = 1;
  r.rshape[0] = L.shape[axis];
  r.rstride[0] = L.strides[0][axis];
  r.x = x.data + L.offset[0];
  r.out = out.data;
  for (int d = 0; d < L.ndim; ++d) {
    if (d != axis && L.shape[d] != 1) push_dim(&r.nk, r.kshape, r.kstride, L.shape[d], L.strides[0][d]);
  }
  const KernelTable& k = kernels();
  const int64_t grain = std::max<int64_t>(1, kGrainCheap / L.shape[axis]);
  run_parallel(outNumel, grain, [&](int64_t b, int64_t e) { k.argmax(r, b, e); });
  return info.Env().Undefined();
}

}  // namespace nabla

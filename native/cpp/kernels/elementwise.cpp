// Element-wise kernels over strided inputs and a contiguous output: unary ops (and copy), binary ops with
// broadcasting (stride-0 dims), where, fill. Each innermost run picks a contiguous or scalar-broadcast loop
// the compiler vectorizes for this build's ISA, else a strided loop.
#include "impl.h"

namespace nabla {
namespace NABLA_KNS {
namespace {

struct Neg { static float f(float x) { return -x; } };
struct Exp { static float f(float x) { return exp_f(x); } };
struct Log { static float f(float x) { return logf(x); } };
struct Sqrt { static float f(float x) { return sqrtf(x); } };
struct Abs { static float f(float x) { return fabsf(x); } };
struct Copy { static float f(float x) { return x; } };

// max/min propagate NaN, like torch.maximum / torch.minimum.
struct Add { static float f(float a, float b) { return a + b; } };
struct Sub { static float f(float a, float b) { return a - b; } };
struct Mul { static float f(float a, float b) { return a * b; } };
struct Div { static float f(float a, float b) { return a / b; } };
struct Max { static float f(float a, float b) { return (a > b || a != a) ? a : b; } };
struct Min { static float f(float a, float b) { return (a < b || a != a) ? a : b; } };
struct Pow { static float f(float a, float b) { return powf(a, b); } };
struct Eq { static float f(float a, float b) { return a == b ? 1.0f : 0.0f; } };
struct Ne { static float f(float a, float b) { return a != b ? 1.0f : 0.0f; } };
struct Lt { static float f(float a, float b) { return a < b ? 1.0f : 0.0f; } };
struct Le { static float f(float a, float b) { return a <= b ? 1.0f : 0.0f; } };
struct Gt { static float f(float a, float b) { return a > b ? 1.0f : 0.0f; } };
struct Ge { static float f(float a, float b) { return a >= b ? 1.0f : 0.0f; } };

template <class Op>
void unary_run(const EwArgs& a, int64_t begin, int64_t end) {
  const Strided& s = *a.space;
  const int64_t sx = s.stride[0][s.ndim - 1];
  for_each_run<1>(s, begin, end, [&](int64_t pos, int64_t len, const int64_t* off) {
    const float* __restrict x = a.in[0] + off[0];
    float* __restrict o = a.out + pos;
    if (sx == 1) {
      for (int64_t i = 0; i < len; ++i) o[i] = Op::f(x[i]);
    } else if (sx == 0) {
      const float v = Op::f(x[0]);
      for (int64_t i = 0; i < len; ++i) o[i] = v;
    } else {
      for (int64_t i = 0; i < len; ++i) o[i] = Op::f(x[i * sx]);
    }
  });
}

// Transposed input: for each matrix (outer dims) and block of kTile output rows, move kTile × kTile tiles
// through a small buffer: whole input columns in, whole output rows out. Neither side then needs a cache
// line to survive across the tile, which matters when the row length is a multiple of 4 KiB (every line of
// a tile would map to the same cache set).
template <class Op>
void unary_tiled_run(const EwArgs& a, int64_t begin, int64_t end) {
  const Strided& s = *a.space;
  const int nd = s.ndim;
  const int64_t rows = s.shape[nd - 2], cols = s.shape[nd - 1];
  const int64_t sr = s.stride[0][nd - 2], sc = s.stride[0][nd - 1];
  const int64_t blocks = (rows + kTile - 1) / kTile;
  float buf[kTile * kTile];
  for (int64_t u = begin; u < end; ++u) {
    const int64_t matrix = u / blocks;
    const int64_t r0 = (u % blocks) * kTile;
    const int64_t nr = min64(rows - r0, kTile);
    const float* x = a.in[0] + offset_of(matrix, nd - 2, s.shape, s.stride[0]) + r0 * sr;
    float* o = a.out + matrix * rows * cols + r0 * cols;
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t nc = min64(cols - c0, kTile);
      for (int64_t c = 0; c < nc; ++c) {
        const float* src = x + (c0 + c) * sc;
        for (int64_t r = 0; r < nr; ++r) buf[c * kTile + r] = src[r * sr];
      }
      for (int64_t r = 0; r < nr; ++r) {
        float* dst = o + r * cols + c0;
        for (int64_t c = 0; c < nc; ++c) dst[c] = Op::f(buf[c * kTile + r]);
      }
    }
  }
}

template <class Op>
void binary_run(const EwArgs& a, int64_t begin, int64_t end) {
  const Strided& s = *a.space;
  const int64_t sa = s.stride[0][s.ndim - 1];
  const int64_t sb = s.stride[1][s.ndim - 1];
  for_each_run<2>(s, begin, end, [&](int64_t pos, int64_t len, const int64_t* off) {
    const float* __restrict x = a.in[0] + off[0];
    const float* __restrict y = a.in[1] + off[1];
    float* __restrict o = a.out + pos;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < len; ++i) o[i] = Op::f(x[i], y[i]);
    } else if (sa == 1 && sb == 0) {
      const float yv = y[0];
      for (int64_t i = 0; i < len; ++i) o[i] = Op::f(x[i], yv);
    } else if (sa == 0 && sb == 1) {
      const float xv = x[0];
      for (int64_t i = 0; i < len; ++i) o[i] = Op::f(xv, y[i]);
    } else {
      for (int64_t i = 0; i < len; ++i) o[i] = Op::f(x[i * sa], y[i * sb]);
    }
  });
}

}  // namespace

void unary(const EwArgs& a, int64_t begin, int64_t end) {
  switch (a.op) {
    case kNeg: return unary_run<Neg>(a, begin, end);
    case kExp: return unary_run<Exp>(a, begin, end);
    case kLog: return unary_run<Log>(a, begin, end);
    case kSqrt: return unary_run<Sqrt>(a, begin, end);
    case kAbs: return unary_run<Abs>(a, begin, end);
    case kCopy: return unary_run<Copy>(a, begin, end);
    default: return;  // codes are validated by the entry point
  }
}

void unary_tiled(const EwArgs& a, int64_t begin, int64_t end) {
  switch (a.op) {
    case kNeg: return unary_tiled_run<Neg>(a, begin, end);
    case kExp: return unary_tiled_run<Exp>(a, begin, end);
    case kLog: return unary_tiled_run<Log>(a, begin, end);
    case kSqrt: return unary_tiled_run<Sqrt>(a, begin, end);
    case kAbs: return unary_tiled_run<Abs>(a, begin, end);
    case kCopy: return unary_tiled_run<Copy>(a, begin, end);
    default: return;
  }
}

void binary(const EwArgs& a, int64_t begin, int64_t end) {
  switch (a.op) {
    case kAdd: return binary_run<Add>(a, begin, end);
    case kSub: return binary_run<Sub>(a, begin, end);
    case kMul: return binary_run<Mul>(a, begin, end);
    case kDiv: return binary_run<Div>(a, begin, end);
    case kMax: return binary_run<Max>(a, begin, end);
    case kMin: return binary_run<Min>(a, begin, end);
    case kPow: return binary_run<Pow>(a, begin, end);
    case kEq: return binary_run<Eq>(a, begin, end);
    case kNe: return binary_run<Ne>(a, begin, end);
    case kLt: return binary_run<Lt>(a, begin, end);
    case kLe: return binary_run<Le>(a, begin, end);
    case kGt: return binary_run<Gt>(a, begin, end);
    case kGe: return binary_run<Ge>(a, begin, end);
    default: return;
  }
}

void where(const EwArgs& a, int64_t begin, int64_t end) {
  const Strided& s = *a.space;
  const int last = s.ndim - 1;
  const int64_t sc = s.stride[0][last], sa = s.stride[1][last], sb = s.stride[2][last];
  for_each_run<3>(s, begin, end, [&](int64_t pos, int64_t len, const int64_t* off) {
    const float* __restrict c = a.in[0] + off[0];
    const float* __restrict x = a.in[1] + off[1];
    const float* __restrict y = a.in[2] + off[2];
    float* __restrict o = a.out + pos;
    if (sc == 1 && sa == 1 && sb == 1) {
      for (int64_t i = 0; i < len; ++i) o[i] = c[i] != 0.0f ? x[i] : y[i];
    } else {
      for (int64_t i = 0; i < len; ++i) o[i] = c[i * sc] != 0.0f ? x[i * sa] : y[i * sb];
    }
  });
}

void fill(float* out, float value, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = value;
}

}  // namespace NABLA_KNS
}  // namespace nabla

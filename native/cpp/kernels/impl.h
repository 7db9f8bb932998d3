#pragma once
// Private to the per-ISA kernel builds: declarations of each build's kernels (in namespace NABLA_KNS) and
// small inline helpers. Internal linkage or the ISA namespace only, so no symbol is shared across builds.
#include <math.h>
#include <string.h>

#include "kernels.h"

#ifndef NABLA_KNS
#error "kernel sources are compiled with -DNABLA_KNS=k_<isa> (see CMakeLists.txt)"
#endif

namespace nabla {
namespace NABLA_KNS {

static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

// Calls run(pos, len, off) for each innermost run of the flat range [begin, end) of `s`: elements
// pos .. pos+len of the output, whose inputs k start at off[k] and step by s.stride[k][ndim-1].
template <int N, class Run>
static inline void for_each_run(const Strided& s, int64_t begin, int64_t end, Run run) {
  const int last = s.ndim - 1;
  int64_t idx[kMaxDims];
  int64_t off[3] = {0, 0, 0};
  int64_t rem = begin;
  for (int d = last; d >= 0; --d) {
    idx[d] = rem % s.shape[d];
    rem /= s.shape[d];
    for (int k = 0; k < N; ++k) off[k] += idx[d] * s.stride[k][d];
  }
  int64_t pos = begin;
  while (pos < end) {
    const int64_t len = min64(s.shape[last] - idx[last], end - pos);
    run(pos, len, off);
    pos += len;
    idx[last] += len;
    for (int k = 0; k < N; ++k) off[k] += len * s.stride[k][last];
    for (int d = last; d > 0 && idx[d] == s.shape[d]; --d) {
      for (int k = 0; k < N; ++k) off[k] += s.stride[k][d - 1] - idx[d] * s.stride[k][d];
      idx[d] = 0;
      ++idx[d - 1];
    }
  }
}

// Offset of multi-index number `i` (row-major over shape[0..n)) in a strided layout.
static inline int64_t offset_of(int64_t i, int n, const int64_t* shape, const int64_t* stride) {
  int64_t off = 0;
  for (int d = n - 1; d >= 0; --d) {
    off += (i % shape[d]) * stride[d];
    i /= shape[d];
  }
  return off;
}

static inline uint32_t bits_of(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static inline float float_of(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

// e^x in float, within about 2 ulp of the exact value, as straight-line arithmetic the compiler vectorizes
// (libm's expf is a call per element). x = n ln2 + r with |r| <= ln2/2 (Cody-Waite: ln2 split in two so
// n * ln2hi is exact), e^r by its degree-7 Taylor polynomial (truncation error 7e-9), times 2^n applied
// as two powers of two so that results down to the denormals round once. Overflows to +inf above
// ln(FLT_MAX); 0 below -104; NaN stays NaN (every step propagates it).
static inline float exp_f(float x) {
  const float kShift = 12582912.0f;  // 1.5 * 2^23: t = y + kShift holds round(y) in its low mantissa bits
  float xc = x < -104.0f ? -104.0f : x;
  xc = xc > 88.8f ? 88.8f : xc;
  const float t = xc * 1.44269504088896341f + kShift;
  const float n = t - kShift;
  float r = xc - n * 0.693145751953125f;
  r = r - n * 1.42860682030941723212e-6f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // n in [-150, 129] from the low bits of t; unsigned arithmetic keeps garbage (NaN input) defined.
  const uint32_t nu = bits_of(t) - bits_of(kShift);
  const uint32_t n1 = static_cast<uint32_t>(static_cast<int32_t>(nu) >> 1);
  const uint32_t n2 = nu - n1;
  return p * float_of((n1 + 127u) << 23) * float_of((n2 + 127u) << 23);
}

// tanh in float, vectorizable: 1 - 2 / (e^(2|x|) + 1) with the sign of x, which cancels for small |x|, so
// below 0.55 the Taylor series to x^17 takes over (truncation error below 5e-9 relative there).
static inline float tanh_f(float x) {
  const float ax = fabsf(x);
  const float big = 1.0f - 2.0f / (exp_f(2.0f * ax) + 1.0f);
  const float x2 = x * x;
  float p = 6404582.0f / 10854718875.0f;
  p = p * x2 - 929569.0f / 638512875.0f;
  p = p * x2 + 21844.0f / 6081075.0f;
  p = p * x2 - 1382.0f / 155925.0f;
  p = p * x2 + 62.0f / 2835.0f;
  p = p * x2 - 17.0f / 315.0f;
  p = p * x2 + 2.0f / 15.0f;
  p = p * x2 - 1.0f / 3.0f;
  const float small = x + x * x2 * p;
  return copysignf(ax < 0.55f ? small : big, x);  // copysign also keeps tanh(-0) = -0
}

static inline float sigmoidf(float x) {
  // Never exponentiates a positive number, so no overflow: exact 0/1 limits at +-inf, stable at +-50.
  const float e = exp_f(-fabsf(x));
  return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

void unary(const EwArgs&, int64_t, int64_t);
void unary_tiled(const EwArgs&, int64_t, int64_t);
void binary(const EwArgs&, int64_t, int64_t);
void where(const EwArgs&, int64_t, int64_t);
void fill(float*, float, int64_t);
void reduce_inner(const ReduceArgs&, int64_t, int64_t);
void reduce_outer(const ReduceArgs&, int64_t, int64_t);
void argmax(const ReduceArgs&, int64_t, int64_t);
void activation(const ActArgs&, int64_t, int64_t);
void activation_backward(const ActArgs&, int64_t, int64_t);
void prelu(const PreluArgs&, int64_t, int64_t);
void prelu_backward(const PreluArgs&, int64_t, int64_t, int64_t);
void linear_epilogue(const EpilogueArgs&, int64_t, int64_t);
void cross_entropy(const CrossEntropyArgs&, int64_t, int64_t);
void cross_entropy_backward(const CrossEntropyArgs&, int64_t, int64_t);
void batch_norm_stats(const BatchNormArgs&, int64_t, int64_t);
void batch_norm_apply(const BatchNormArgs&, int64_t, int64_t);
void batch_norm_backward_sums(const BatchNormArgs&, int64_t, int64_t);
void batch_norm_backward_dx(const BatchNormArgs&, int64_t, int64_t);
void sgd(const SgdArgs&, int64_t, int64_t);
void adam(const AdamArgs&, int64_t, int64_t);
void rmsprop(const RmspropArgs&, int64_t, int64_t);
void adagrad(const AdagradArgs&, int64_t, int64_t);
void gather_bytes(const GatherBytesArgs&, int64_t, int64_t);

}  // namespace NABLA_KNS
}  // namespace nabla

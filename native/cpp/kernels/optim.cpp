// In-place optimizer steps (PyTorch's single-tensor update rules), element by element over [begin, end).
// The arithmetic is float32 in PyTorch's order of operations, so results match torch.optim to the rounding;
// options are template parameters so that each loop has no branches and vectorizes (sqrt and divide too).
#include "impl.h"

namespace nabla {
namespace NABLA_KNS {

template <bool kMomentum, bool kNesterov, bool kFirst>
static void sgd_loop(const SgdArgs& a, int64_t begin, int64_t end) {
  float* __restrict p = a.param;
  const float* __restrict gr = a.grad;
  float* __restrict buf = a.buf;
  const float lr = static_cast<float>(a.lr), wd = static_cast<float>(a.weightDecay);
  const float mom = static_cast<float>(a.momentum), keep = static_cast<float>(1.0 - a.dampening);
  for (int64_t i = begin; i < end; ++i) {
    float g = gr[i] + wd * p[i];
    if (kMomentum) {
      const float b = kFirst ? g : mom * buf[i] + keep * g;
      buf[i] = b;
      g = kNesterov ? g + mom * b : b;
    }
    p[i] = p[i] - lr * g;
  }
}

void sgd(const SgdArgs& a, int64_t begin, int64_t end) {
  if (a.momentum == 0.0) return sgd_loop<false, false, false>(a, begin, end);
  if (a.firstStep) {
    return a.nesterov ? sgd_loop<true, true, true>(a, begin, end) : sgd_loop<true, false, true>(a, begin, end);
  }
  return a.nesterov ? sgd_loop<true, true, false>(a, begin, end) : sgd_loop<true, false, false>(a, begin, end);
}

template <bool kDecoupled, bool kAmsgrad>
static void adam_loop(const AdamArgs& a, int64_t begin, int64_t end) {
  float* __restrict p = a.param;
  const float* __restrict gr = a.grad;
  float* __restrict m = a.expAvg;
  float* __restrict v = a.expAvgSq;
  float* __restrict vmax = a.maxExpAvgSq;
  const float b1 = static_cast<float>(a.beta1), b2 = static_cast<float>(a.beta2);
  const float omb1 = static_cast<float>(1.0 - a.beta1), omb2 = static_cast<float>(1.0 - a.beta2);
  const float stepSize = static_cast<float>(a.lr / a.biasCorrection1);
  const float sqrtBc2 = static_cast<float>(sqrt(a.biasCorrection2));
  const float eps = static_cast<float>(a.eps), wd = static_cast<float>(a.weightDecay);
  const float decay = static_cast<float>(1.0 - a.lr * a.weightDecay);
  for (int64_t i = begin; i < end; ++i) {
    float pi = p[i];
    float g = gr[i];
    if (kDecoupled) pi *= decay;
    else g += wd * pi;
    const float mi = b1 * m[i] + omb1 * g;
    float vi = b2 * v[i] + omb2 * (g * g);
    m[i] = mi;
    v[i] = vi;
    if (kAmsgrad) {
      vi = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = vi;
    }
    p[i] = pi - stepSize * (mi / (sqrtf(vi) / sqrtBc2 + eps));
  }
}

void adam(const AdamArgs& a, int64_t begin, int64_t end) {
  if (a.decoupled) return a.amsgrad ? adam_loop<true, true>(a, begin, end) : adam_loop<true, false>(a, begin, end);
  return a.amsgrad ? adam_loop<false, true>(a, begin, end) : adam_loop<false, false>(a, begin, end);
}

template <bool kCentered, bool kMomentum>
static void rmsprop_loop(const RmspropArgs& a, int64_t begin, int64_t end) {
  float* __restrict p = a.param;
  const float* __restrict gr = a.grad;
  float* __restrict sq = a.squareAvg;
  float* __restrict buf = a.buf;
  float* __restrict ga = a.gradAvg;
  const float alpha = static_cast<float>(a.alpha), oma = static_cast<float>(1.0 - a.alpha);
  const float lr = static_cast<float>(a.lr), eps = static_cast<float>(a.eps);
  const float wd = static_cast<float>(a.weightDecay), mom = static_cast<float>(a.momentum);
  for (int64_t i = begin; i < end; ++i) {
    const float g = gr[i] + wd * p[i];
    const float s = alpha * sq[i] + oma * (g * g);
    sq[i] = s;
    float avg;
    if (kCentered) {
      const float gi = alpha * ga[i] + oma * g;
      ga[i] = gi;
      avg = sqrtf(s - gi * gi) + eps;
    } else {
      avg = sqrtf(s) + eps;
    }
    if (kMomentum) {
      const float b = mom * buf[i] + g / avg;
      buf[i] = b;
      p[i] = p[i] - lr * b;
    } else {
      p[i] = p[i] - lr * (g / avg);
    }
  }
}

void rmsprop(const RmspropArgs& a, int64_t begin, int64_t end) {
  const bool momentum = a.momentum > 0.0;
  if (a.centered) return momentum ? rmsprop_loop<true, true>(a, begin, end) : rmsprop_loop<true, false>(a, begin, end);
  return momentum ? rmsprop_loop<false, true>(a, begin, end) : rmsprop_loop<false, false>(a, begin, end);
}

void adagrad(const AdagradArgs& a, int64_t begin, int64_t end) {
  float* __restrict p = a.param;
  const float* __restrict gr = a.grad;
  float* __restrict sum = a.stateSum;
  const float clr = static_cast<float>(a.clr), eps = static_cast<float>(a.eps), wd = static_cast<float>(a.weightDecay);
  for (int64_t i = begin; i < end; ++i) {
    const float g = gr[i] + wd * p[i];
    const float s = sum[i] + g * g;
    sum[i] = s;
    p[i] = p[i] - clr * (g / (sqrtf(s) + eps));
  }
}

}  // namespace NABLA_KNS
}  // namespace nabla

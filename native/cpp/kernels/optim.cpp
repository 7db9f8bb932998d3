// In-place optimizer steps (PyTorch's update rules), element by element over [begin, end). The arithmetic
// runs in double and rounds once per stored value, so results track a float64 reference closely.
#include "impl.h"

namespace nabla {
namespace NABLA_KNS {

void sgd(const SgdArgs& a, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const double p = a.param[i];
    double g = static_cast<double>(a.grad[i]) + a.weightDecay * p;
    if (a.momentum != 0.0) {
      const double b = a.firstStep ? g : a.momentum * static_cast<double>(a.buf[i]) + (1.0 - a.dampening) * g;
      a.buf[i] = static_cast<float>(b);
      g = a.nesterov ? g + a.momentum * b : b;
    }
    a.param[i] = static_cast<float>(p - a.lr * g);
  }
}

void adam(const AdamArgs& a, int64_t begin, int64_t end) {
  const double stepSize = a.lr / a.biasCorrection1;
  const double sqrtBc2 = sqrt(a.biasCorrection2);
  for (int64_t i = begin; i < end; ++i) {
    double p = a.param[i];
    double g = a.grad[i];
    if (a.weightDecay != 0.0) {
      if (a.decoupled) {
        p *= 1.0 - a.lr * a.weightDecay;
      } else {
        g += a.weightDecay * p;
      }
    }
    const double m = a.beta1 * static_cast<double>(a.expAvg[i]) + (1.0 - a.beta1) * g;
    double v = a.beta2 * static_cast<double>(a.expAvgSq[i]) + (1.0 - a.beta2) * g * g;
    a.expAvg[i] = static_cast<float>(m);
    a.expAvgSq[i] = static_cast<float>(v);
    if (a.amsgrad) {
      const double prev = a.maxExpAvgSq[i];
      v = v > prev ? v : prev;
      a.maxExpAvgSq[i] = static_cast<float>(v);
    }
    a.param[i] = static_cast<float>(p - stepSize * m / (sqrt(v) / sqrtBc2 + a.eps));
  }
}

void rmsprop(const RmspropArgs& a, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const double p = a.param[i];
    const double g = static_cast<double>(a.grad[i]) + a.weightDecay * p;
    const double sq = a.alpha * static_cast<double>(a.squareAvg[i]) + (1.0 - a.alpha) * g * g;
    a.squareAvg[i] = static_cast<float>(sq);
    double avg;
    if (a.centered) {
      const double ga = a.alpha * static_cast<double>(a.gradAvg[i]) + (1.0 - a.alpha) * g;
      a.gradAvg[i] = static_cast<float>(ga);
      avg = sqrt(sq - ga * ga) + a.eps;
    } else {
      avg = sqrt(sq) + a.eps;
    }
    if (a.momentum > 0.0) {
      const double b = a.momentum * static_cast<double>(a.buf[i]) + g / avg;
      a.buf[i] = static_cast<float>(b);
      a.param[i] = static_cast<float>(p - a.lr * b);
    } else {
      a.param[i] = static_cast<float>(p - a.lr * g / avg);
    }
  }
}

void adagrad(const AdagradArgs& a, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const double p = a.param[i];
    const double g = static_cast<double>(a.grad[i]) + a.weightDecay * p;
    const double s = static_cast<double>(a.stateSum[i]) + g * g;
    a.stateSum[i] = static_cast<float>(s);
    a.param[i] = static_cast<float>(p - a.clr * g / (sqrt(s) + a.eps));
  }
}

}  // namespace NABLA_KNS
}  // namespace nabla

// Log-softmax + cross-entropy (forward and gradient, row by row) and training-mode BatchNorm over
// [rows, features] (statistics per feature in double, two passes, so large means do not cancel).
#include "impl.h"

namespace nabla {
namespace NABLA_KNS {

void cross_entropy(const CrossEntropyArgs& a, int64_t rowBegin, int64_t rowEnd) {
  const int64_t c = a.classes;
  for (int64_t r = rowBegin; r < rowEnd; ++r) {
    const float* x = a.logits + r * c;
    float m = -INFINITY;
    for (int64_t j = 0; j < c; ++j) m = (x[j] > m || x[j] != x[j]) ? x[j] : m;
    double s = 0.0;
    for (int64_t j = 0; j < c; ++j) s += static_cast<double>(exp_f(x[j] - m));
    const double lse = static_cast<double>(m) + log(s);
    // Read the target's logit before writing: logProbs may be the logits array itself (in place).
    const int64_t t = static_cast<int64_t>(a.targets[r]);
    const float lossValue = static_cast<float>(lse - static_cast<double>(x[t]));
    float* lp = a.outLogProbs + r * c;
    for (int64_t j = 0; j < c; ++j) lp[j] = static_cast<float>(static_cast<double>(x[j]) - lse);
    a.loss[r] = lossValue;
  }
}

void cross_entropy_backward(const CrossEntropyArgs& a, int64_t rowBegin, int64_t rowEnd) {
  const int64_t c = a.classes;
  for (int64_t r = rowBegin; r < rowEnd; ++r) {
    const float* lp = a.logProbs + r * c;
    float* d = a.dlogits + r * c;
    const float g = a.gradLoss[r];
    const int64_t t = static_cast<int64_t>(a.targets[r]);
    const float atTarget = g * (exp_f(lp[t]) - 1.0f);  // before the loop: dlogits may alias logProbs
    for (int64_t j = 0; j < c; ++j) d[j] = g * exp_f(lp[j]);
    d[t] = atTarget;
  }
}

void batch_norm_stats(const BatchNormArgs& a, int64_t fb, int64_t fe) {
  const int64_t f = a.features, n = fe - fb;
  double* mean = a.mean + fb;
  double* var = a.invStd + fb;
  for (int64_t j = 0; j < n; ++j) mean[j] = var[j] = 0.0;
  for (int64_t r = 0; r < a.rows; ++r) {
    const float* x = a.x + r * f + fb;
    for (int64_t j = 0; j < n; ++j) mean[j] += static_cast<double>(x[j]);
  }
  const double rows = static_cast<double>(a.rows);
  for (int64_t j = 0; j < n; ++j) mean[j] /= rows;
  for (int64_t r = 0; r < a.rows; ++r) {
    const float* x = a.x + r * f + fb;
    for (int64_t j = 0; j < n; ++j) {
      const double d = static_cast<double>(x[j]) - mean[j];
      var[j] += d * d;
    }
  }
  for (int64_t j = 0; j < n; ++j) var[j] = 1.0 / sqrt(var[j] / rows + a.eps);  // now invStd
}

void batch_norm_apply(const BatchNormArgs& a, int64_t rowBegin, int64_t rowEnd) {
  const int64_t f = a.features;
  for (int64_t r = rowBegin; r < rowEnd; ++r) {
    const float* x = a.x + r * f;
    float* y = a.y + r * f;
    for (int64_t j = 0; j < f; ++j) {
      double v = (static_cast<double>(x[j]) - a.mean[j]) * a.invStd[j];
      if (a.gamma != nullptr) v *= static_cast<double>(a.gamma[j]);
      if (a.beta != nullptr) v += static_cast<double>(a.beta[j]);
      y[j] = static_cast<float>(v);
    }
  }
}

void batch_norm_backward_sums(const BatchNormArgs& a, int64_t fb, int64_t fe) {
  const int64_t f = a.features, n = fe - fb;
  double* sdy = a.sumDy + fb;
  double* sdx = a.sumDyXhat + fb;
  const double* mean = a.mean + fb;
  const double* inv = a.invStd + fb;
  for (int64_t j = 0; j < n; ++j) sdy[j] = sdx[j] = 0.0;
  for (int64_t r = 0; r < a.rows; ++r) {
    const float* x = a.x + r * f + fb;
    const float* dy = a.dy + r * f + fb;
    for (int64_t j = 0; j < n; ++j) {
      const double g = static_cast<double>(dy[j]);
      sdy[j] += g;
      sdx[j] += g * (static_cast<double>(x[j]) - mean[j]) * inv[j];
    }
  }
}

// dx = gamma * invStd / N * (N * dy - sum(dy) - xhat * sum(dy * xhat)).
void batch_norm_backward_dx(const BatchNormArgs& a, int64_t rowBegin, int64_t rowEnd) {
  const int64_t f = a.features;
  const double rows = static_cast<double>(a.rows);
  for (int64_t r = rowBegin; r < rowEnd; ++r) {
    const float* x = a.x + r * f;
    const float* dy = a.dy + r * f;
    float* dx = a.y + r * f;
    for (int64_t j = 0; j < f; ++j) {
      const double g = a.gamma != nullptr ? static_cast<double>(a.gamma[j]) : 1.0;
      const double xhat = (static_cast<double>(x[j]) - a.mean[j]) * a.invStd[j];
      const double v = rows * static_cast<double>(dy[j]) - a.sumDy[j] - xhat * a.sumDyXhat[j];
      dx[j] = static_cast<float>(g * a.invStd[j] / rows * v);
    }
  }
}

}  // namespace NABLA_KNS
}  // namespace nabla

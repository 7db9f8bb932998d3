// Activations and their derivatives, PReLU, and the bias + activation epilogue of linear.
// Conventions (PyTorch's): relu'(0) = 0, leakyRelu'(0) = slope, elu'(x <= 0) = alpha * exp(x).
#include "impl.h"

namespace nabla {
namespace NABLA_KNS {
namespace {

struct Identity { static float f(float x, float) { return x; } };
struct Sigmoid { static float f(float x, float) { return sigmoidf(x); } };
struct Tanh { static float f(float x, float) { return tanh_f(x); } };
// `x < 0 ? 0 : x` lets NaN through, as torch.relu and the js backend do.
struct Relu { static float f(float x, float) { return x < 0.0f ? 0.0f : x; } };
struct LeakyRelu { static float f(float x, float slope) { return x > 0.0f ? x : slope * x; } };
struct Elu { static float f(float x, float alpha) { return x > 0.0f ? x : alpha * expm1f(x); } };
struct Swish { static float f(float x, float) { return x * sigmoidf(x); } };

// Derivatives dy * act'(x), given y = act(x).
struct DIdentity { static float f(float, float, float dy, float) { return dy; } };
struct DSigmoid { static float f(float, float y, float dy, float) { return dy * y * (1.0f - y); } };
// (1 - y)(1 + y) rather than 1 - y*y: exact where y is near +-1, where 1 - y*y cancels.
struct DTanh { static float f(float, float y, float dy, float) { return dy * ((1.0f - y) * (1.0f + y)); } };
struct DRelu { static float f(float x, float, float dy, float) { return x > 0.0f ? dy : 0.0f; } };
struct DLeakyRelu { static float f(float x, float, float dy, float s) { return x > 0.0f ? dy : dy * s; } };
struct DElu {
  static float f(float x, float, float dy, float alpha) { return x > 0.0f ? dy : dy * alpha * exp_f(x); }
};
struct DSwish {
  static float f(float x, float, float dy, float) {
    const float s = sigmoidf(x);
    return dy * (s + x * s * (1.0f - s));
  }
};

template <class Act>
void forward_run(const float* __restrict x, float* __restrict y, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) y[i] = Act::f(x[i], alpha);
}

// In place is allowed (y == x), so no __restrict on the pair.
template <class Act>
void forward_run_aliased(const float* x, float* y, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) y[i] = Act::f(x[i], alpha);
}

template <class D>
void backward_run(const float* x, const float* y, const float* dy, float* dx, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) dx[i] = D::f(x[i], y[i], dy[i], alpha);
}

template <class Act>
void apply(const float* x, float* y, int64_t n, float alpha) {
  if (x == y) {
    forward_run_aliased<Act>(x, y, n, alpha);
  } else {
    forward_run<Act>(x, y, n, alpha);
  }
}

void apply_activation(int act, float alpha, const float* x, float* y, int64_t n) {
  switch (act) {
    case kIdentity: if (x != y) apply<Identity>(x, y, n, alpha); return;
    case kSigmoid: return apply<Sigmoid>(x, y, n, alpha);
    case kTanh: return apply<Tanh>(x, y, n, alpha);
    case kRelu: return apply<Relu>(x, y, n, alpha);
    case kLeakyRelu: return apply<LeakyRelu>(x, y, n, alpha);
    case kElu: return apply<Elu>(x, y, n, alpha);
    case kSwish: return apply<Swish>(x, y, n, alpha);
    default: return;
  }
}

}  // namespace

void activation(const ActArgs& a, int64_t begin, int64_t end) {
  apply_activation(a.act, a.alpha, a.x + begin, a.out + begin, end - begin);
}

void activation_backward(const ActArgs& a, int64_t begin, int64_t end) {
  const float* x = a.x + begin;
  const float* y = a.y + begin;
  const float* dy = a.dy + begin;
  float* dx = a.out + begin;
  const int64_t n = end - begin;
  switch (a.act) {
    case kIdentity: return backward_run<DIdentity>(x, y, dy, dx, n, a.alpha);
    case kSigmoid: return backward_run<DSigmoid>(x, y, dy, dx, n, a.alpha);
    case kTanh: return backward_run<DTanh>(x, y, dy, dx, n, a.alpha);
    case kRelu: return backward_run<DRelu>(x, y, dy, dx, n, a.alpha);
    case kLeakyRelu: return backward_run<DLeakyRelu>(x, y, dy, dx, n, a.alpha);
    case kElu: return backward_run<DElu>(x, y, dy, dx, n, a.alpha);
    case kSwish: return backward_run<DSwish>(x, y, dy, dx, n, a.alpha);
    default: return;
  }
}

void prelu(const PreluArgs& a, int64_t rowBegin, int64_t rowEnd) {
  const int64_t f = a.features;
  for (int64_t r = rowBegin; r < rowEnd; ++r) {
    const float* x = a.x + r * f;
    float* y = a.out + r * f;
    if (a.na == 1) {
      const float s = a.a[0];
      for (int64_t j = 0; j < f; ++j) y[j] = x[j] > 0.0f ? x[j] : s * x[j];
    } else {
      for (int64_t j = 0; j < f; ++j) y[j] = x[j] > 0.0f ? x[j] : a.a[j] * x[j];
    }
  }
}

// Features [fb, fe) over all rows: dx, and colsum[j] = sum over rows of x*dy where x <= 0.
void prelu_backward(const PreluArgs& a, int64_t rows, int64_t fb, int64_t fe) {
  const int64_t f = a.features;
  for (int64_t j = fb; j < fe; ++j) a.colsum[j] = 0.0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = a.x + r * f;
    const float* dy = a.dy + r * f;
    float* dx = a.out + r * f;
    for (int64_t j = fb; j < fe; ++j) {
      const float s = a.na == 1 ? a.a[0] : a.a[j];
      const bool pos = x[j] > 0.0f;
      dx[j] = pos ? dy[j] : s * dy[j];
      a.colsum[j] += pos ? 0.0 : static_cast<double>(x[j]) * static_cast<double>(dy[j]);
    }
  }
}

void linear_epilogue(const EpilogueArgs& a, int64_t rowBegin, int64_t rowEnd) {
  const int64_t n = a.cols;
  for (int64_t r = rowBegin; r < rowEnd; ++r) {
    float* __restrict y = a.y + r * n;
    if (a.b != nullptr) {
      const float* __restrict b = a.b;
      for (int64_t j = 0; j < n; ++j) y[j] += b[j];
    }
    if (a.preact != nullptr) {
      float* __restrict p = a.preact + r * n;
      for (int64_t j = 0; j < n; ++j) p[j] = y[j];
    }
    if (a.act != kIdentity) apply_activation(a.act, a.alpha, y, y, n);
  }
}

}  // namespace NABLA_KNS
}  // namespace nabla

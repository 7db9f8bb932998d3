// Fused activations, their derivatives, and PReLU: the formulas of backend-js evaluated in float64 in the
// same order (tanh, expm1 and exp are the engine's own), rounded once when stored, so bitwise equal to it.

#include "exp.h"
#include "fused.h"

static inline double sigmoid_with(double x, double e) { return x >= 0 ? 1 / (1 + e) : e / (1 + e); }

static inline double sigmoid(double x) {
  return sigmoid_with(x, js_exp(-__builtin_fabs(x))); // exp only ever sees -|x|: no overflow
}

// float32(Math.tanh(x)) through exp.h's check. For |x| >= 0.55, 1 - 2 / (exp(2|x|) + 1) is at least 0.5, so
// it keeps exp's relative error; below, expm1(2|x|) / (expm1(2|x|) + 2) with expm1 as its Taylor series
// (positive terms only, 19 of them for 2|x| < 1.1), which has no cancellation either.
static inline float tanh_to_f32(double x) {
  double a = __builtin_fabs(x), t;
  if (a < 0.55) {
    double y = 2 * a, em = 1.0 / 121645100408832000.0; // 1/19!
    for (int i = 18; i >= 1; i--) em = em * y + inv_factorial(i);
    em *= y;
    t = em / (em + 2);
  } else if (a <= 350) {
    t = 1 - 2 / (exp_approx(2 * a) + 1);
  } else {
    return (float)js_tanh(x);
  }
  t = __builtin_copysign(t, x);
  return rounds_safely(t) ? (float)t : (float)js_tanh(x);
}

// float32(sigmoid(x)), or of x * sigmoid(x) for swish, by exp.h's fast path checked on the final value, whose
// relative error is at most twice exp's (no cancellation in 1 / (1 + e) or e / (1 + e)).
static inline float sigmoid_to_f32(double x, int swish) {
  double a = -__builtin_fabs(x);
  if (exp_fast_ok(a)) {
    double s = sigmoid_with(x, exp_approx(a));
    double y = swish ? x * s : s;
    if (rounds_safely(y)) return (float)y;
  }
  double s = sigmoid(x);
  return (float)(swish ? x * s : s);
}

void apply_activation(int act, double alpha, const float *x, float *y, int n) {
  switch (act) {
  case A_IDENTITY:
    if (x != y) __builtin_memmove(y, x, (unsigned long)n * 4);
    return;
  case A_SIGMOID: for (int i = 0; i < n; i++) y[i] = sigmoid_to_f32(x[i], 0); return;
  case A_TANH: for (int i = 0; i < n; i++) y[i] = tanh_to_f32(x[i]); return;
  case A_RELU: {
    int i = 0;
    // v < 0 ? 0 : v lets NaN through; lanes where v < 0 are cleared.
    for (; i + 4 <= n; i += 4) {
      v128_t v = wasm_v128_load(x + i);
      wasm_v128_store(y + i, wasm_v128_andnot(v, wasm_f32x4_lt(v, wasm_f32x4_splat(0.0f))));
    }
    for (; i < n; i++) y[i] = x[i] < 0 ? 0.0f : x[i];
    return;
  }
  case A_LEAKY_RELU:
    for (int i = 0; i < n; i++) { float v = x[i]; y[i] = v > 0 ? v : (float)(alpha * v); }
    return;
  case A_ELU:
    for (int i = 0; i < n; i++) { float v = x[i]; y[i] = v > 0 ? v : (float)(alpha * js_expm1(v)); }
    return;
  case A_SWISH:
    for (int i = 0; i < n; i++) y[i] = sigmoid_to_f32(x[i], 1);
    return;
  }
}

EXPORT("activation") void activation(int act, double alpha, const float *x, float *y, int n) {
  apply_activation(act, alpha, x, y, n);
}

EXPORT("activation_backward")
void activation_backward(int act, double alpha, const float *x, const float *y, const float *dy, float *dx, int n) {
  switch (act) {
  case A_IDENTITY:
    if (dy != dx) __builtin_memmove(dx, dy, (unsigned long)n * 4);
    return;
  case A_SIGMOID:
    for (int i = 0; i < n; i++) { double s = y[i]; dx[i] = (float)((double)dy[i] * s * (1 - s)); }
    return;
  case A_TANH:
    for (int i = 0; i < n; i++) { double t = y[i]; dx[i] = (float)((double)dy[i] * (1 - t * t)); }
    return;
  case A_RELU: for (int i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0f; return;
  case A_LEAKY_RELU: for (int i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : (float)(alpha * dy[i]); return;
  case A_ELU: // alpha * exp(x) rather than y + alpha, which cancels badly for very negative x
    for (int i = 0; i < n; i++) {
      double v = x[i];
      dx[i] = v > 0 ? dy[i] : scaled_exp_to_f32((double)dy[i] * alpha, v);
    }
    return;
  case A_SWISH:
    for (int i = 0; i < n; i++) {
      double v = x[i], s = sigmoid(v);
      dx[i] = (float)((double)dy[i] * (s + v * s * (1 - s)));
    }
    return;
  }
}

// x [rows, features]; `shared` means one slope a[0] for every feature.
EXPORT("prelu") void prelu(const float *x, const float *a, int shared, int rows, int features, float *y) {
  for (int r = 0, i = 0; r < rows; r++)
    for (int f = 0; f < features; f++, i++) {
      float v = x[i], s = shared ? a[0] : a[f];
      y[i] = v > 0 ? v : s * v;
    }
}

// dx, and da as float64 sums over the rows (acc: one or `features` scratch values).
EXPORT("prelu_backward")
void prelu_backward(const float *x, const float *a, int shared, int rows, int features, const float *dy, float *dx,
                    float *da, double *acc) {
  int slopes = shared ? 1 : features;
  for (int f = 0; f < slopes; f++) acc[f] = 0;
  for (int r = 0, i = 0; r < rows; r++)
    for (int f = 0; f < features; f++, i++) {
      float v = x[i], g = dy[i];
      if (v > 0) {
        dx[i] = g;
      } else {
        dx[i] = (shared ? a[0] : a[f]) * g;
        acc[shared ? 0 : f] += (double)v * g;
      }
    }
  for (int f = 0; f < slopes; f++) da[f] = (float)acc[f];
}

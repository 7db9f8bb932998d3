// In-place optimizer steps, element by element as backend-js (and PyTorch's for-loop implementations)
// compute them: float64 arithmetic in the same order, each state value rounded to float32 when stored and
// read back rounded. Scalars that depend only on the step (bias corrections) come from the caller.

#include "common.h"

// Two float32 elements as float64 lanes, and back (rounded to nearest, as a scalar store rounds).
static inline v128_t load2(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p)); }
static inline void store2(float *p, v128_t v) { wasm_v128_store64_lane(p, wasm_f32x4_demote_f64x2_zero(v), 0); }
static inline v128_t splat(double v) { return wasm_f64x2_splat(v); }

EXPORT("sgd_step")
void sgd_step(float *param, const float *grad, float *buf, int n, double lr, double momentum, double dampening,
              int nesterov, double weight_decay, int first_step) {
  int i = 0;
  for (; i + 2 <= n; i += 2) { // f64x2, lane by lane the scalar loop's operations
    v128_t d = load2(grad + i);
    if (weight_decay != 0) d = wasm_f64x2_add(d, wasm_f64x2_mul(splat(weight_decay), load2(param + i)));
    if (momentum != 0) {
      store2(buf + i, first_step ? d
                                 : wasm_f64x2_add(wasm_f64x2_mul(splat(momentum), load2(buf + i)),
                                                  wasm_f64x2_mul(splat(1 - dampening), d)));
      d = nesterov ? wasm_f64x2_add(d, wasm_f64x2_mul(splat(momentum), load2(buf + i))) : load2(buf + i);
    }
    store2(param + i, wasm_f64x2_sub(load2(param + i), wasm_f64x2_mul(splat(lr), d)));
  }
  for (; i < n; i++) {
    double d = grad[i];
    if (weight_decay != 0) d += weight_decay * param[i];
    if (momentum != 0) {
      buf[i] = (float)(first_step ? d : momentum * buf[i] + (1 - dampening) * d);
      d = nesterov ? d + momentum * buf[i] : buf[i];
    }
    param[i] = (float)(param[i] - lr * d);
  }
}

EXPORT("adam_step")
void adam_step(float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float *max_exp_avg_sq, int n,
               double beta1, double beta2, double eps, double weight_decay, int decoupled, double step_size,
               double bc2_sqrt, double decay) {
  int i = 0;
  // Two elements per step in f64x2: the same operations in the same order on each lane, so the same bits as
  // the scalar loop below.
  for (; i + 2 <= n; i += 2) {
    v128_t g = load2(grad + i);
    if (weight_decay != 0) {
      if (decoupled) store2(param + i, wasm_f64x2_mul(load2(param + i), splat(decay)));
      else g = wasm_f64x2_add(g, wasm_f64x2_mul(splat(weight_decay), load2(param + i)));
    }
    store2(exp_avg + i, wasm_f64x2_add(wasm_f64x2_mul(splat(beta1), load2(exp_avg + i)),
                                       wasm_f64x2_mul(splat(1 - beta1), g)));
    store2(exp_avg_sq + i, wasm_f64x2_add(wasm_f64x2_mul(splat(beta2), load2(exp_avg_sq + i)),
                                          wasm_f64x2_mul(wasm_f64x2_mul(splat(1 - beta2), g), g)));
    v128_t v = load2(exp_avg_sq + i);
    if (max_exp_avg_sq) {
      v128_t m = load2(max_exp_avg_sq + i);
      v128_t larger = wasm_f64x2_gt(v, m);
      store2(max_exp_avg_sq + i, wasm_v128_bitselect(v, m, larger));
      v = wasm_v128_bitselect(v, m, larger);
    }
    v128_t denom = wasm_f64x2_add(wasm_f64x2_div(wasm_f64x2_sqrt(v), splat(bc2_sqrt)), splat(eps));
    store2(param + i, wasm_f64x2_sub(load2(param + i),
                                     wasm_f64x2_mul(splat(step_size), wasm_f64x2_div(load2(exp_avg + i), denom))));
  }
  for (; i < n; i++) {
    double g = grad[i];
    if (decoupled) {
      if (weight_decay != 0) param[i] = (float)(param[i] * decay);
    } else if (weight_decay != 0) {
      g += weight_decay * param[i];
    }
    exp_avg[i] = (float)(beta1 * exp_avg[i] + (1 - beta1) * g);
    exp_avg_sq[i] = (float)(beta2 * exp_avg_sq[i] + (1 - beta2) * g * g);
    float v = exp_avg_sq[i];
    if (max_exp_avg_sq) {
      if (v > max_exp_avg_sq[i]) max_exp_avg_sq[i] = v;
      else v = max_exp_avg_sq[i];
    }
    double denom = __builtin_sqrt((double)v) / bc2_sqrt + eps;
    param[i] = (float)(param[i] - step_size * (exp_avg[i] / denom));
  }
}

EXPORT("rmsprop_step")
void rmsprop_step(float *param, const float *grad, float *square_avg, float *buf, float *grad_avg, int n,
                  double lr, double alpha, double eps, double weight_decay, double momentum) {
  for (int i = 0; i < n; i++) {
    double g = grad[i];
    if (weight_decay != 0) g += weight_decay * param[i];
    square_avg[i] = (float)(alpha * square_avg[i] + (1 - alpha) * g * g);
    double avg;
    if (grad_avg) {
      grad_avg[i] = (float)(alpha * grad_avg[i] + (1 - alpha) * g);
      avg = __builtin_sqrt((double)square_avg[i] - (double)grad_avg[i] * grad_avg[i]) + eps;
    } else {
      avg = __builtin_sqrt((double)square_avg[i]) + eps;
    }
    if (momentum > 0) {
      buf[i] = (float)(momentum * buf[i] + g / avg);
      param[i] = (float)(param[i] - lr * buf[i]);
    } else {
      param[i] = (float)(param[i] - lr * (g / avg));
    }
  }
}

EXPORT("adagrad_step")
void adagrad_step(float *param, const float *grad, float *state_sum, int n, double clr, double eps,
                  double weight_decay) {
  int i = 0;
  for (; i + 2 <= n; i += 2) { // f64x2, lane by lane the scalar loop's operations
    v128_t g = load2(grad + i);
    if (weight_decay != 0) g = wasm_f64x2_add(g, wasm_f64x2_mul(splat(weight_decay), load2(param + i)));
    store2(state_sum + i, wasm_f64x2_add(load2(state_sum + i), wasm_f64x2_mul(g, g)));
    v128_t denom = wasm_f64x2_add(wasm_f64x2_sqrt(load2(state_sum + i)), splat(eps));
    store2(param + i, wasm_f64x2_sub(load2(param + i), wasm_f64x2_mul(splat(clr), wasm_f64x2_div(g, denom))));
  }
  for (; i < n; i++) {
    double g = grad[i];
    if (weight_decay != 0) g += weight_decay * param[i];
    state_sum[i] = (float)((double)state_sum[i] + g * g);
    param[i] = (float)(param[i] - clr * (g / (__builtin_sqrt((double)state_sum[i]) + eps)));
  }
}

// In-place optimizer steps, element by element as backend-js (and PyTorch's for-loop implementations)
// compute them: float64 arithmetic in the same order, each state value rounded to float32 when stored and
// read back rounded. Scalars that depend only on the step (bias corrections) come from the caller.

#include "common.h"

EXPORT("sgd_step")
void sgd_step(float *param, const float *grad, float *buf, int n, double lr, double momentum, double dampening,
              int nesterov, double weight_decay, int first_step) {
  for (int i = 0; i < n; i++) {
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
  for (int i = 0; i < n; i++) {
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
  for (int i = 0; i < n; i++) {
    double g = grad[i];
    if (weight_decay != 0) g += weight_decay * param[i];
    state_sum[i] = (float)((double)state_sum[i] + g * g);
    param[i] = (float)(param[i] - clr * (g / (__builtin_sqrt((double)state_sum[i]) + eps)));
  }
}

// Log-softmax + cross-entropy, forward and gradient, one row at a time, as backend-js computes them: the
// row max is subtracted before exp, the sum of exps is a float64 accumulator, exp/log are the engine's
// (the log-sum-exp stays on Math.exp: a log-probability near 0 would amplify a tiny error in the sum).
// Targets are class indices already checked by the caller.

#include "exp.h"

EXPORT("cross_entropy")
void cross_entropy(const float *logits, const float *targets, int rows, int classes, float *log_probs, float *loss) {
  for (int r = 0; r < rows; r++) {
    const float *l = logits + (long)r * classes;
    float *lp = log_probs + (long)r * classes;
    float max = -__builtin_inff();
    for (int i = 0; i < classes; i++) if (l[i] > max) max = l[i];
    double sum = 0;
    for (int i = 0; i < classes; i++) sum += js_exp((double)l[i] - max);
    double log_sum_exp = max + js_log(sum);
    for (int i = 0; i < classes; i++) lp[i] = (float)(l[i] - log_sum_exp);
    loss[r] = -lp[(int)targets[r]];
  }
}

EXPORT("cross_entropy_backward")
void cross_entropy_backward(const float *log_probs, const float *targets, const float *grad_loss, int rows,
                            int classes, float *dlogits) {
  for (int r = 0; r < rows; r++) {
    const float *lp = log_probs + (long)r * classes;
    float *d = dlogits + (long)r * classes;
    double g = grad_loss[r];
    int t = (int)targets[r];
    for (int c = 0; c < classes; c++) d[c] = scaled_exp_to_f32(g, lp[c]);
    d[t] = (float)(g * (js_exp(lp[t]) - 1));
  }
}

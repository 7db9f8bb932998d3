// Training-mode BatchNorm over x [rows, features], as backend-js computes it: rows walked in memory order
// with per-feature float64 accumulators, the biased variance in two passes (mean first). `scratch` holds
// 2 * features float64 values.

#include "common.h"

EXPORT("batch_norm")
void batch_norm(const float *x, const float *gamma, const float *beta, int rows, int features, double eps, float *y,
                float *mean, float *inv_std, double *scratch) {
  double *mu = scratch, *sq = scratch + features;
  for (int f = 0; f < features; f++) mu[f] = sq[f] = 0;
  for (int r = 0, i = 0; r < rows; r++)
    for (int f = 0; f < features; f++, i++) mu[f] += x[i];
  for (int f = 0; f < features; f++) mu[f] /= rows;
  for (int r = 0, i = 0; r < rows; r++)
    for (int f = 0; f < features; f++, i++) {
      double d = x[i] - mu[f];
      sq[f] += d * d;
    }
  // sq becomes scale = gamma * invStd, mu stays the mean; y = (x - mean) * scale + beta.
  for (int f = 0; f < features; f++) {
    double inv = 1 / __builtin_sqrt(sq[f] / rows + eps);
    mean[f] = (float)mu[f];
    inv_std[f] = (float)inv;
    sq[f] = gamma ? gamma[f] * inv : inv;
  }
  for (int r = 0, i = 0; r < rows; r++)
    for (int f = 0; f < features; f++, i++)
      y[i] = (float)((x[i] - mu[f]) * sq[f] + (beta ? (double)beta[f] : 0.0));
}

// With xhat = (x - mean) * invStd: dbeta = Σ dy, dgamma = Σ dy·xhat,
// dx = gamma * invStd / N * (N·dy - Σ dy - xhat · Σ dy·xhat).
EXPORT("batch_norm_backward")
void batch_norm_backward(const float *x, const float *gamma, const float *mean, const float *inv_std, const float *dy,
                         int rows, int features, float *dx, float *dgamma, float *dbeta, double *scratch) {
  double *sum_dy = scratch, *sum_dy_xhat = scratch + features;
  for (int f = 0; f < features; f++) sum_dy[f] = sum_dy_xhat[f] = 0;
  for (int r = 0, i = 0; r < rows; r++)
    for (int f = 0; f < features; f++, i++) {
      double g = dy[i];
      sum_dy[f] += g;
      sum_dy_xhat[f] += g * ((double)x[i] - mean[f]) * inv_std[f];
    }
  for (int f = 0; f < features; f++) {
    if (dbeta) dbeta[f] = (float)sum_dy[f];
    if (dgamma) dgamma[f] = (float)sum_dy_xhat[f];
    sum_dy[f] /= rows;
    sum_dy_xhat[f] /= rows;
  }
  for (int r = 0, i = 0; r < rows; r++)
    for (int f = 0; f < features; f++, i++) {
      double inv = inv_std[f];
      double xhat = ((double)x[i] - mean[f]) * inv;
      double scale = gamma ? gamma[f] * inv : inv;
      dx[i] = (float)(scale * ((double)dy[i] - sum_dy[f] - xhat * sum_dy_xhat[f]));
    }
}

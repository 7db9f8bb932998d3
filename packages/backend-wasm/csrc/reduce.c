// sum / max / min over axes, and argmax, in backend-js's order so the results are bitwise equal: sums
// accumulate in float64 in the same sequence (row by row, element by element), max/min compare in the
// same sequence (which decides the sign of a zero result and which NaN wins).

#include "plan.h"

enum { R_SUM, R_MAX, R_MIN };

static double reduce_row(int op, const float *x, int xs, int n) {
  if (op == R_SUM) {
    double s = 0;
    for (int j = 0; j < n; j++) s += x[j * xs];
    return s;
  }
  double m = op == R_MAX ? -__builtin_inf() : __builtin_inf();
  if (op == R_MAX) {
    for (int j = 0; j < n; j++) {
      double v = x[j * xs];
      if (v > m) m = v;
      else if (v != v) return v;
    }
  } else {
    for (int j = 0; j < n; j++) {
      double v = x[j * xs];
      if (v < m) m = v;
      else if (v != v) return v;
    }
  }
  return m;
}

// A contiguous x reduced over trailing axes: `rows` contiguous runs of n, each to one number.
EXPORT("reduce_contiguous") void reduce_contiguous(int op, const float *x, int n, int rows, float *out) {
  for (int r = 0; r < rows; r++) out[r] = (float)reduce_row(op, x + (long)r * n, 1, n);
}

// The general case over the plan (operand 0: x, operand 1: out with stride 0 along reduced dims). Sums
// go through `acc`, out_size float64 scratch values.
EXPORT("reduce_strided")
void reduce_strided(int op, float *x, float *out, int out_size, double *acc) {
  Rows it;
  rows_init(&it, 2);
  int xs = row_stride(&it, 0), os = row_stride(&it, 1), n = it.row_length;
  float *p[2] = {x, out};
  if (op == R_SUM) {
    for (int i = 0; i < out_size; i++) acc[i] = 0;
    for (int r = 0; r < it.count; r++) {
      int oi = (int)(p[1] - out); // the output operand's element index
      if (os == 0) acc[oi] += reduce_row(R_SUM, p[0], xs, n);
      else for (int j = 0; j < n; j++) acc[oi + j * os] += p[0][j * xs];
      rows_next(&it, p);
    }
    for (int i = 0; i < out_size; i++) out[i] = (float)acc[i];
    return;
  }
  int is_max = op == R_MAX;
  float init = is_max ? -__builtin_inff() : __builtin_inff();
  for (int i = 0; i < out_size; i++) out[i] = init;
  for (int r = 0; r < it.count; r++) {
    int oi = (int)(p[1] - out);
    if (os == 0) {
      float v = (float)reduce_row(op, p[0], xs, n), m = out[oi];
      if ((is_max ? v > m : v < m) || v != v) out[oi] = v;
    } else {
      for (int j = 0; j < n; j++) {
        float v = p[0][j * xs], m = out[oi + j * os];
        if ((is_max ? v > m : v < m) || v != v) out[oi + j * os] = v;
      }
    }
    rows_next(&it, p);
  }
}

// Index of the first maximum along each row of the plan (the axis moved last; NaN counts as the maximum).
EXPORT("argmax") void argmax(float *x, float *out) {
  Rows it;
  rows_init(&it, 2);
  int xs = row_stride(&it, 0), n = it.row_length;
  float *p[2] = {x, out};
  for (int r = 0; r < it.count; r++) {
    const float *xi = p[0];
    float best = xi[0];
    int best_index = 0;
    for (int j = 1; j < n && best == best; j++) {
      float v = xi[j * xs];
      if (v > best || v != v) {
        best = v;
        best_index = j;
      }
    }
    *p[1] = (float)best_index;
    rows_next(&it, p);
  }
}

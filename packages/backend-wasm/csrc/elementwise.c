// unary, binary, where, copy and fill over the coalesced plan (plan.h). Rows with unit strides (and a
// broadcast scalar second operand) run in f32x4; everything else runs a scalar strided loop.
//
// Exactness against backend-js, which computes in float64 and rounds once when it stores: for + - * / and
// sqrt of float32 inputs, float64-then-round equals the float32 operation (float64 has more than twice
// float32's precision), so the f32x4 forms are bitwise equal. max/min follow Math.max/Math.min (NaN wins,
// +0 > -0), which is what f32x4.max/min do. exp, log and pow call the engine's Math functions (imports),
// so they are the very same float64 values, rounded the same way; exp mostly takes the fast path of exp.h,
// which yields the same float32 results.

#include "exp.h"
#include "plan.h"

int32_t plan[1 + MAX_DIMS + MAX_OPERANDS * MAX_DIMS];

EXPORT("plan_ptr") int32_t *plan_ptr(void) { return plan; }

enum { U_NEG, U_EXP, U_LOG, U_SQRT, U_ABS };
enum { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_POW, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE };

static void unary_row(int op, const float *x, int xs, float *out, int n) {
  int i = 0;
  if (xs == 1) {
    switch (op) {
    case U_NEG: for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_neg(wasm_v128_load(x + i))); break;
    case U_ABS: for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_abs(wasm_v128_load(x + i))); break;
    case U_SQRT: for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_sqrt(wasm_v128_load(x + i))); break;
    case U_EXP: for (; i + 4 <= n; i += 4) exp4_to_f32(x + i, out + i); break;
    default: break;
    }
  }
  switch (op) {
  case U_NEG: for (; i < n; i++) out[i] = -x[i * xs]; return;
  case U_EXP: for (; i < n; i++) out[i] = exp_to_f32(x[i * xs]); return;
  case U_LOG: for (; i < n; i++) out[i] = (float)js_log(x[i * xs]); return;
  case U_SQRT: for (; i < n; i++) out[i] = __builtin_sqrtf(x[i * xs]); return;
  case U_ABS: for (; i < n; i++) out[i] = __builtin_fabsf(x[i * xs]); return;
  }
}

EXPORT("unary") void unary(int op, float *x, float *out) {
  Rows it;
  rows_init(&it, 2);
  float *p[2] = {x, out};
  int xs = row_stride(&it, 0);
  for (int r = 0; r < it.count; r++) {
    unary_row(op, p[0], xs, p[1], it.row_length);
    rows_next(&it, p);
  }
}

static inline v128_t one_where(v128_t mask) { return wasm_v128_and(mask, wasm_f32x4_splat(1.0f)); }

static inline v128_t binary_vec(int op, v128_t a, v128_t b) {
  switch (op) {
  case B_ADD: return wasm_f32x4_add(a, b);
  case B_SUB: return wasm_f32x4_sub(a, b);
  case B_MUL: return wasm_f32x4_mul(a, b);
  case B_DIV: return wasm_f32x4_div(a, b);
  case B_MAX: return wasm_f32x4_max(a, b);
  case B_MIN: return wasm_f32x4_min(a, b);
  case B_EQ: return one_where(wasm_f32x4_eq(a, b));
  case B_NE: return one_where(wasm_f32x4_ne(a, b));
  case B_LT: return one_where(wasm_f32x4_lt(a, b));
  case B_LE: return one_where(wasm_f32x4_le(a, b));
  case B_GT: return one_where(wasm_f32x4_gt(a, b));
  default: return one_where(wasm_f32x4_ge(a, b));
  }
}

static inline float binary_scalar(int op, float a, float b) {
  switch (op) {
  case B_ADD: return a + b;
  case B_SUB: return a - b;
  case B_MUL: return a * b;
  case B_DIV: return a / b;
  case B_MAX: return __builtin_wasm_max_f32(a, b);
  case B_MIN: return __builtin_wasm_min_f32(a, b);
  case B_POW: return (float)js_pow(a, b);
  case B_EQ: return a == b ? 1.0f : 0.0f;
  case B_NE: return a != b ? 1.0f : 0.0f;
  case B_LT: return a < b ? 1.0f : 0.0f;
  case B_LE: return a <= b ? 1.0f : 0.0f;
  case B_GT: return a > b ? 1.0f : 0.0f;
  default: return a >= b ? 1.0f : 0.0f;
  }
}

// One switch per row and op-specialised loops: the op is a constant inside each inlined loop body.
#define BINARY_LOOPS(OP)                                                                                       \
  do {                                                                                                         \
    if (OP != B_POW) {                                                                                         \
      if (as == 1 && bs == 1)                                                                                  \
        for (; i + 4 <= n; i += 4)                                                                             \
          wasm_v128_store(out + i, binary_vec(OP, wasm_v128_load(a + i), wasm_v128_load(b + i)));              \
      else if (as == 1 && bs == 0) {                                                                           \
        v128_t vb = wasm_v128_load32_splat(b);                                                                 \
        for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, binary_vec(OP, wasm_v128_load(a + i), vb));       \
      } else if (as == 0 && bs == 1) {                                                                         \
        v128_t va = wasm_v128_load32_splat(a);                                                                 \
        for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, binary_vec(OP, va, wasm_v128_load(b + i)));       \
      }                                                                                                        \
    }                                                                                                          \
    for (; i < n; i++) out[i] = binary_scalar(OP, a[i * as], b[i * bs]);                                       \
  } while (0)

static void binary_row(int op, const float *a, int as, const float *b, int bs, float *out, int n) {
  int i = 0;
  switch (op) {
  case B_ADD: BINARY_LOOPS(B_ADD); return;
  case B_SUB: BINARY_LOOPS(B_SUB); return;
  case B_MUL: BINARY_LOOPS(B_MUL); return;
  case B_DIV: BINARY_LOOPS(B_DIV); return;
  case B_MAX: BINARY_LOOPS(B_MAX); return;
  case B_MIN: BINARY_LOOPS(B_MIN); return;
  case B_POW: BINARY_LOOPS(B_POW); return;
  case B_EQ: BINARY_LOOPS(B_EQ); return;
  case B_NE: BINARY_LOOPS(B_NE); return;
  case B_LT: BINARY_LOOPS(B_LT); return;
  case B_LE: BINARY_LOOPS(B_LE); return;
  case B_GT: BINARY_LOOPS(B_GT); return;
  default: BINARY_LOOPS(B_GE); return;
  }
}

EXPORT("binary") void binary(int op, float *a, float *b, float *out) {
  Rows it;
  rows_init(&it, 3);
  float *p[3] = {a, b, out};
  int as = row_stride(&it, 0), bs = row_stride(&it, 1);
  for (int r = 0; r < it.count; r++) {
    binary_row(op, p[0], as, p[1], bs, p[2], it.row_length);
    rows_next(&it, p);
  }
}

EXPORT("where") void where(float *cond, float *a, float *b, float *out) {
  Rows it;
  rows_init(&it, 4);
  float *p[4] = {cond, a, b, out};
  int cs = row_stride(&it, 0), as = row_stride(&it, 1), bs = row_stride(&it, 2);
  int n = it.row_length;
  for (int r = 0; r < it.count; r++) {
    const float *c = p[0], *x = p[1], *y = p[2];
    float *o = p[3];
    int i = 0;
    if (cs == 1 && as == 1 && bs == 1) {
      for (; i + 4 <= n; i += 4) {
        // cond != 0 (NaN counts as true, as in JS): select a where the mask is set.
        v128_t m = wasm_f32x4_ne(wasm_v128_load(c + i), wasm_f32x4_splat(0.0f));
        wasm_v128_store(o + i, wasm_v128_bitselect(wasm_v128_load(x + i), wasm_v128_load(y + i), m));
      }
    }
    for (; i < n; i++) o[i] = c[i * cs] != 0.0f ? x[i * as] : y[i * bs];
    rows_next(&it, p);
  }
}

// out (rows × n, contiguous) = x with x[r][i] at x + r + i * xs: a transpose, done in 4×4 register blocks
// so that both sides are read and written 4 elements at a time instead of striding down columns.
static void copy_transposed(const float *x, int xs, int rows, int n, float *out) {
  int r = 0;
  for (; r + 4 <= rows; r += 4) {
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      const float *s = x + r + (long)i * xs;
      transpose_store(wasm_v128_load(s), wasm_v128_load(s + xs), wasm_v128_load(s + 2 * xs),
                      wasm_v128_load(s + 3 * xs), out + (long)r * n + i, n);
    }
    for (; i < n; i++)
      for (int q = 0; q < 4; q++) out[(long)(r + q) * n + i] = x[r + q + (long)i * xs];
  }
  for (; r < rows; r++)
    for (int i = 0; i < n; i++) out[(long)r * n + i] = x[r + (long)i * xs];
}

EXPORT("copy") void copy(float *x, float *out) {
  Rows it;
  rows_init(&it, 2);
  float *p[2] = {x, out};
  int xs = row_stride(&it, 0);
  int n = it.row_length;
  if (it.ndim == 1 && it.strides[0] == 1 && it.strides[MAX_DIMS] == n && xs != 1) {
    copy_transposed(x, xs, it.count, n, out);
    return;
  }
  for (int r = 0; r < it.count; r++) {
    if (xs == 1) __builtin_memcpy(p[1], p[0], (unsigned long)n * 4);
    else for (int i = 0; i < n; i++) p[1][i] = p[0][i * xs];
    rows_next(&it, p);
  }
}

EXPORT("fill") void fill(float *out, float value, int n) {
  int i = 0;
  v128_t v = wasm_f32x4_splat(value);
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, v);
  for (; i < n; i++) out[i] = value;
}

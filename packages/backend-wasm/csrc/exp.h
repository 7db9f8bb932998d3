// exp for the float32 kernels, bitwise equal to rounding Math.exp to float32, without paying a call into
// JavaScript per element.
//
// exp is evaluated in float64 to a relative error below 2^-44 (range reduction by ln 2, a degree-11
// Taylor polynomial on |r| <= ln2/2). Math.exp is within 1 ulp of the exact value. Rounding two doubles
// that close to float32 can only disagree when a float32 rounding midpoint lies between them, i.e. when the
// 29 bits below float32 precision are near 0x10000000. Those results (about 1 in 4096), and everything
// outside the normal float32 range, are recomputed through the imported Math.exp, so every result is the
// one backend-js produces. Callers apply the check to their final float64 value (for example
// 1 / (1 + e)), which is fine whenever that value's relative error stays within a few times exp's.
#ifndef NABLA_EXP_H
#define NABLA_EXP_H

#include "common.h"

static inline double exp_approx(double x) { // |x| <= 700
  double k = __builtin_rint(x * 1.4426950408889634);
  // ln 2 split so that k * LN2_HI is exact for |k| < 2^11.
  double r = (x - k * 0x1.62e42fee00000p-1) - k * 0x1.a39ef35793c76p-33;
  double p = 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  union { uint64_t u; double d; } scale = {(uint64_t)((int64_t)k + 1023) << 52};
  return p * scale.d;
}

// True when float32(y) equals float32(z) for every z within a relative 2^-40 of y.
static inline int rounds_safely(double y) {
  union { double d; uint64_t u; } b = {y};
  uint64_t mag = b.u & 0x7fffffffffffffffull;
  if (mag == 0) return 1;
  // Normal float32 range, away from overflow: 2^-125 <= |y| < 2^127.
  if (mag < 0x3820000000000000ull || mag >= 0x47e0000000000000ull) return 0;
  int32_t below = (int32_t)(b.u & 0x1fffffff) - 0x10000000; // distance to the midpoint, in double ulps
  return below > 0x10000 || below < -0x10000;
}

// 1 / i! for 1 <= i <= 18, exactly as the compiler rounds the quotients.
static inline double inv_factorial(int i) {
  static const double table[19] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
                                   1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600,
                                   1.0 / 6227020800.0, 1.0 / 87178291200.0, 1.0 / 1307674368000.0,
                                   1.0 / 20922789888000.0, 1.0 / 355687428096000.0, 1.0 / 6402373705728000.0};
  return table[i];
}

static inline int exp_fast_ok(double x) { return x >= -700.0 && x <= 700.0; }

// float32(Math.exp(x)).
static inline float exp_to_f32(double x) {
  if (exp_fast_ok(x)) {
    double y = exp_approx(x);
    if (rounds_safely(y)) return (float)y;
  }
  return (float)js_exp(x);
}

// float32(g * Math.exp(x)), g a float64 factor.
static inline float scaled_exp_to_f32(double g, double x) {
  if (exp_fast_ok(x)) {
    double y = g * exp_approx(x);
    if (rounds_safely(y)) return (float)y;
  }
  return (float)(g * js_exp(x));
}

// Two lanes of exp_approx, with a mask of the lanes whose float32 rounding is certain (rounds_safely, and
// the argument within exp_fast_ok's range).
static inline v128_t exp_approx2(v128_t x, v128_t *safe) {
  v128_t k = wasm_f64x2_nearest(wasm_f64x2_mul(x, wasm_f64x2_splat(1.4426950408889634)));
  v128_t r = wasm_f64x2_sub(wasm_f64x2_sub(x, wasm_f64x2_mul(k, wasm_f64x2_splat(0x1.62e42fee00000p-1))),
                            wasm_f64x2_mul(k, wasm_f64x2_splat(0x1.a39ef35793c76p-33)));
  static const double inv_fact[] = {1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720,
                                    1.0 / 120,      1.0 / 24,      1.0 / 6,      0.5,          1.0,        1.0};
  v128_t p = wasm_f64x2_splat(inv_fact[0]);
  for (int i = 1; i < 12; i++) p = wasm_f64x2_add(wasm_f64x2_mul(p, r), wasm_f64x2_splat(inv_fact[i]));
  v128_t ki = wasm_i64x2_extend_low_i32x4(wasm_i32x4_trunc_sat_f64x2_zero(k));
  v128_t y = wasm_f64x2_mul(p, wasm_i64x2_shl(wasm_i64x2_add(ki, wasm_i64x2_splat(1023)), 52));
  v128_t in_range =
      wasm_v128_and(wasm_f64x2_ge(x, wasm_f64x2_splat(-700.0)), wasm_f64x2_le(x, wasm_f64x2_splat(700.0)));
  v128_t mag = wasm_v128_and(y, wasm_i64x2_splat(0x7fffffffffffffffll));
  v128_t normal = wasm_v128_and(wasm_i64x2_ge(mag, wasm_i64x2_splat(0x3820000000000000ll)),
                                wasm_i64x2_lt(mag, wasm_i64x2_splat(0x47e0000000000000ll)));
  v128_t below = wasm_i64x2_sub(wasm_v128_and(y, wasm_i64x2_splat(0x1fffffff)), wasm_i64x2_splat(0x10000000));
  v128_t clear = wasm_i64x2_gt(wasm_i64x2_abs(below), wasm_i64x2_splat(0x10000));
  *safe = wasm_v128_and(wasm_v128_and(in_range, normal), clear);
  return y;
}

// out[0..4) = float32(Math.exp(x[0..4))): two f64x2 halves, lane by lane through the scalar path only where
// the fast result is not certain.
static inline void exp4_to_f32(const float *x, float *out) {
  v128_t v = wasm_v128_load(x), safe_lo, safe_hi;
  v128_t lo = exp_approx2(wasm_f64x2_promote_low_f32x4(v), &safe_lo);
  v128_t hi = exp_approx2(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)), &safe_hi);
  if (wasm_i64x2_all_true(wasm_v128_and(safe_lo, safe_hi))) {
    v128_t a = wasm_f32x4_demote_f64x2_zero(lo), b = wasm_f32x4_demote_f64x2_zero(hi);
    wasm_v128_store(out, wasm_i64x2_shuffle(a, b, 0, 2));
    return;
  }
  for (int i = 0; i < 4; i++) out[i] = exp_to_f32(x[i]);
}

#endif

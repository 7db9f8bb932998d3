// Shared by every kernel file: the freestanding basics (no libc here) and the export macro.
#ifndef NABLA_COMMON_H
#define NABLA_COMMON_H

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

// The JS backend computes in float64 with the engine's Math functions; importing the same functions keeps
// exp/log/pow/tanh/expm1 bitwise equal to it (V8 calls its own C implementation for these imports).
#define IMPORT(name) __attribute__((import_module("math"), import_name(name)))
IMPORT("exp") double js_exp(double);
IMPORT("log") double js_log(double);
IMPORT("pow") double js_pow(double, double);
IMPORT("tanh") double js_tanh(double);
IMPORT("expm1") double js_expm1(double);

static inline int imin(int a, int b) { return a < b ? a : b; }

// Math.max/Math.min semantics: NaN wins, and +0 > -0; wasm's f64.max/f64.min do exactly this.
static inline double jmax(double a, double b) { return __builtin_wasm_max_f64(a, b); }
static inline double jmin(double a, double b) { return __builtin_wasm_min_f64(a, b); }

// A 4×4 block held as rows r0..r3 is stored transposed: column j at d + j * step.
static inline void transpose_store(v128_t r0, v128_t r1, v128_t r2, v128_t r3, float *d, int step) {
  v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
  wasm_v128_store(d + step, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
  wasm_v128_store(d + 2 * step, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
  wasm_v128_store(d + 3 * step, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
}

#endif

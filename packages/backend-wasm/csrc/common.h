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

#endif

#pragma once
// nabla's single-precision GEMM: BLIS-style packing and cache blocking around register-tiled micro-kernels
// (AVX-512, AVX2, portable), chosen at run time, plus the persistent thread pool it runs on.
#include <cstdint>
#include <functional>

namespace nabla {

enum class Isa : int { Portable = 0, Avx2 = 1, Avx512 = 2 };

Isa best_isa();                 // what this CPU supports (avx512f for Avx512, avx2+fma for Avx2)
Isa active_isa();               // in use: best_isa() unless forced lower
void set_isa(Isa isa);          // force a path; clamped to best_isa()
const char* isa_name(Isa isa);  // "portable" | "avx2" | "avx512"
void set_num_threads(int n);    // n >= 1; resizes the persistent pool
int get_num_threads();

// Row-major: C = alpha*op(A)*op(B) + beta*C, op(A) m×k, op(B) k×n, lda/ldb/ldc row strides as stored.
// beta == 0 means C is not read. Arguments are trusted (the addon validated them). m, n or k may be 0.
void sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha,
           const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// Runs fn(begin, end) over chunks of [0, n) on the pool (caller's thread takes part); runs inline when
// n < 2*grain or only one thread is set. Blocks until done. Not re-entrant from inside fn (run inline then).
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace nabla

// The portable kernel set: plain C++ the compiler vectorizes for the baseline ISA of the build (SSE2 on
// x86-64, NEON on ARM64). Used on CPUs without AVX2+FMA and when forced with NABLA_NATIVE_ISA=portable.
#include "kernel_templates.h"

namespace nabla {
namespace detail {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 16;

void pack_a(bool trans, const float* A, int64_t lda, int64_t rows, int64_t kc, float* dst) {
  pack_a_generic<kMr>(trans, A, lda, rows, kc, dst);
}

void pack_b(bool trans, const float* B, int64_t ldb, int64_t kc, int64_t cols, float* dst) {
  pack_b_generic<kNr>(trans, B, ldb, kc, cols, dst);
}

void micro(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta,
           int64_t rows, int64_t cols) {
  micro_generic<kMr, kNr>(kc, a, b, c, ldc, alpha, beta, rows, cols);
}

void micro_masked(int64_t kc, const uint64_t* mask, const float* a, const float* b, float* c, int64_t ldc, float alpha,
                  float beta, int64_t rows, int64_t cols) {
  micro_generic<kMr, kNr, true>(kc, a, b, c, ldc, alpha, beta, rows, cols, mask);
}

void narrow(bool transA, int64_t m, int64_t n, int64_t k, float alpha, const float* A, int64_t lda,
            const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  narrow_generic<4, 16>(transA, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace

const KernelSet& portable_kernels() {
  static const KernelSet set{Isa::Portable, kMr, kNr, 128, 256, 1024, pack_a, pack_b, micro, narrow, micro_masked,
                             nullptr};
  return set;
}

}  // namespace detail
}  // namespace nabla

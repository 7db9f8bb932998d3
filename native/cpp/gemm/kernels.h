#pragma once
// Internal interface between the sgemm driver (sgemm.cpp) and the per-ISA kernel sets
// (kernels_portable.cpp, kernels_avx2.cpp, kernels_avx512.cpp).
#include <cstdint>

#include "sgemm.h"

namespace nabla {
namespace detail {

// op(X)(row, col) of a stored row-major matrix: transposed or not.
inline const float* op_at(const float* X, int64_t ld, bool trans, int64_t row, int64_t col) {
  return trans ? X + col * ld + row : X + row * ld + col;
}

struct KernelSet {
  Isa isa;
  int mr, nr;      // register tile of the micro-kernel: mr rows of C by nr columns
  int mc, kc, nc;  // cache blocks: an mc×kc block of A and a kc×nc block of B are packed at a time

  // Packs `rows` rows × kc columns of op(A), starting at A (already offset to the block), into panels of
  // mr rows: panel q holds, for each p in [0, kc), the mr values op(A)(q*mr + r, p) (zero past `rows`).
  void (*pack_a)(bool trans, const float* A, int64_t lda, int64_t rows, int64_t kc, float* dst);
  // Packs kc rows × `cols` columns of op(B) into panels of nr columns: panel q holds, for each p, the nr
  // values op(B)(p, q*nr + j) (zero past `cols`).
  void (*pack_b)(bool trans, const float* B, int64_t ldb, int64_t kc, int64_t cols, float* dst);
  // C tile (rows <= mr, cols <= nr, row stride ldc) = alpha * Apanel·Bpanel + beta * C; beta == 0 does not
  // read C.
  void (*micro)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta,
                int64_t rows, int64_t cols);
  // The direct kernel for narrow shapes: C (m×n) = alpha * op(A)(m×k) · B + beta * C, where B is k rows of
  // n floats, row stride ldb (only those n are read). No packing of A.
  void (*narrow)(bool transA, int64_t m, int64_t n, int64_t k, float alpha, const float* A, int64_t lda,
                 const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
  // micro over only the k steps whose bits are set in mask (kc bits, at least one set): the driver leaves out
  // the steps where the A panel is all zero (see sgemm.cpp).
  void (*micro_masked)(int64_t kc, const uint64_t* mask, const float* a, const float* b, float* c, int64_t ldc,
                       float alpha, float beta, int64_t rows, int64_t cols);
  // micro (mask nullptr) or micro_masked with either operand read where it is stored: A is a packed panel
  // (lda 0) or mr rows of A as stored, not transposed (value r of k step p at a[r * lda + p]); k step p of B
  // starts at b + p * ldb (nr for a packed panel; a whole panel of nr columns when read in place). Optional
  // (nullptr): the driver then packs every panel.
  void (*micro_strided)(int64_t kc, const uint64_t* mask, const float* a, int64_t lda, const float* b,
                        int64_t ldb, float* c, int64_t ldc, float alpha, float beta, int64_t rows, int64_t cols);
};

const KernelSet& portable_kernels();
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define NABLA_HAVE_X86_KERNELS 1
const KernelSet& avx2_kernels();
const KernelSet& avx512_kernels();
#endif

}  // namespace detail
}  // namespace nabla

#pragma once
// Structural zeros (see zero_slices.cpp): GEMM on a compacted op(B) when it has columns that are zero in every
// row, and the scan that finds the zero k steps of a packed panel. Internal to the sgemm driver.
#include <cstdint>
#include <functional>

#include "isa/zero_scans.h"  // kMaxSteps

namespace nabla {
namespace detail {

/** Row-major C = alpha * op(A) * op(B) + beta * C, as sgemm takes it. */
struct GemmOperands {
  bool transA, transB;
  int64_t m, n, k;
  float alpha;
  const float* A;
  int64_t lda;
  const float* B;
  int64_t ldb;
  float beta;
  float* C;
  int64_t ldc;
};

using RunGemm = std::function<void(const GemmOperands&)>;

/**
 * Computes the product through `run` on a compacted op(B) and returns true when enough of op(B)'s columns
 * are zero in every row (and skipping them is exact); returns false, having written nothing, otherwise.
 */
bool gemm_skipping_zeros(const GemmOperands& g, const RunGemm& run);

/**
 * Sets bit p of mask (kc <= kMaxSteps bits, in 64-bit words) when row p of a packed panel (kc rows of `width`
 * floats) has a nonzero, and *finite when every value is finite; returns how many bits are set.
 */
int64_t nonzero_steps(const float* panel, int64_t width, int64_t kc, uint64_t* mask, bool* finite);

/** Are all n floats at x finite? */
bool block_finite(const float* x, int64_t n);

/** Are all values of the rows × cols matrix at x (row stride ld) finite? */
bool matrix_finite(const float* x, int64_t rows, int64_t cols, int64_t ld);

}  // namespace detail
}  // namespace nabla

#pragma once
// GEMM on compacted operands when op(A) has k-slices that are zero in every row, or op(B) has columns that
// are zero in every row (see zero_slices.cpp). Internal to the sgemm driver.
#include <cstdint>
#include <functional>

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
 * Computes the product through `run` on compacted operands and returns true when enough of a dimension is
 * structurally zero (and skipping it is exact); returns false, having written nothing, otherwise.
 */
bool gemm_skipping_zeros(const GemmOperands& g, const RunGemm& run);

}  // namespace detail
}  // namespace nabla

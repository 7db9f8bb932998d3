#pragma once
// Shared by the sgemm bench and its correctness check: test matrices, a double-precision reference and the
// error measure.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace nabla_bench {

// A stored row-major matrix of rows×cols with row stride ld >= cols; the padding past cols holds NaN, so a
// kernel that reads it (or a test that would miss a stray write) shows up as NaN.
struct Matrix {
  int64_t rows = 0, cols = 0, ld = 0;
  std::vector<float> data;

  Matrix(int64_t r, int64_t c, int64_t pad, std::mt19937& rng) : rows(r), cols(c), ld(c + pad) {
    data.assign(static_cast<size_t>(std::max<int64_t>(1, rows * ld)), std::numeric_limits<float>::quiet_NaN());
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) data[static_cast<size_t>(i * ld + j)] = dist(rng);
  }
  float* ptr() { return data.data(); }
  const float* ptr() const { return data.data(); }
  float at(int64_t i, int64_t j) const { return data[static_cast<size_t>(i * ld + j)]; }
};

struct Gemm {
  bool transA, transB;
  int64_t m, n, k;
};

// op(X)(i, p) of a stored matrix.
inline double op(const Matrix& x, bool trans, int64_t i, int64_t p) { return trans ? x.at(p, i) : x.at(i, p); }

// Relative error of one entry of C against the double-precision product, scaled by the magnitude of the
// terms summed (so cancellation does not inflate it): |c - exact| / (|alpha| sum|a b| + |beta c0|).
inline double entry_error(const Gemm& g, float alpha, const Matrix& A, const Matrix& B, float beta, float c0,
                          float c, int64_t i, int64_t j) {
  double exact = 0.0, scale = 0.0;
  for (int64_t p = 0; p < g.k; ++p) {
    const double t = op(A, g.transA, i, p) * op(B, g.transB, p, j);
    exact += t;
    scale += std::fabs(t);
  }
  exact *= alpha;
  scale *= std::fabs(alpha);
  if (beta != 0.0f) {
    exact += double(beta) * c0;
    scale += std::fabs(double(beta) * c0);
  }
  if (std::isnan(c)) return std::numeric_limits<double>::infinity();
  return std::fabs(c - exact) / (scale + 1e-30);
}

}  // namespace nabla_bench

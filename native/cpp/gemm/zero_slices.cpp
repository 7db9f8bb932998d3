// Structural zeros in GEMM operands. A batch of MNIST images has about a third of its 784 pixel positions
// zero in every image (the border) and four fifths of its pixels zero in all; one-hot and bag-of-words
// features and ReLU outputs are mostly zero too. Two mechanisms keep the zeros out of the flops:
// - Gᵀ·X (a first layer's weight gradient) has columns where op(B) is zero in every row. Those columns of C
//   are only scaled by beta, so the product runs on a compacted op(B) and the kept columns are scattered
//   back. The kept indices come in runs (the border is a frame): a few block copies per row.
// - Everywhere else, the driver looks at each packed panel (sgemm.cpp): nonzero_steps marks the k steps at
//   which a panel of A (mr rows) or of B (nr columns) has a nonzero, and each tile runs only the steps that
//   both of its panels have. In X·Wᵀ a panel of eight images leaves out about half of the steps.
//
// Exact means as IEEE arithmetic has it: 0 * x is 0 only for finite x, so zeros of one operand are skipped
// only where the other (and alpha) is finite; else NaN or Infinity reaches C as in the full product. Skipped
// terms can change only the sign of a zero in C.
#include "zero_slices.h"

#include "isa/zero_scans.h"
#include "sgemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace nabla {
namespace detail {
namespace {

// Compaction is worth its copies only when at least 1/8 of the dimension is zero.
constexpr int64_t kMinZeroShareInv = 8;
// Below this length of the compacted dimension the copies cost more than the flops saved.
constexpr int64_t kMinLength = 64;

// Rows per chunk of a copy over the pool: about 32K values, below which a split costs more than it saves.
int64_t copy_grain(int64_t rowLength) { return std::max<int64_t>(1, (int64_t{1} << 15) / std::max<int64_t>(rowLength, 1)); }

struct Buffers {
  std::vector<uint32_t> bits;
  std::vector<Run> runs;
  std::vector<float> a, b, c;
};

Buffers& buffers() {
  thread_local Buffers b;
  return b;
}

uint32_t bits_of(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

bool all_finite(const float* x, int64_t rows, int64_t cols, int64_t ld) {
  return zero_scans().all_finite(x, rows, cols, ld);
}

// bits[j] != 0 when column j of the rows × cols matrix at x has a nonzero (-0 counts as zero). Returns the
// number of all-zero columns, or a number below `wanted` as soon as no more can be left (dense data stops
// after the first row).
int64_t zero_columns(const float* x, int64_t ld, int64_t rows, int64_t cols, int64_t wanted, std::vector<uint32_t>& bits) {
  bits.assign(static_cast<size_t>(cols), 0u);
  uint32_t* acc = bits.data();
  int64_t zeros = cols;
  for (int64_t i = 0; i < rows; ++i) {
    zero_scans().or_magnitudes(x + i * ld, cols, acc);
    if (i == 0 || (i & 7) == 7 || i + 1 == rows) {
      zeros = 0;
      for (int64_t j = 0; j < cols; ++j) zeros += acc[j] == 0u;
      if (zeros < wanted) return zeros;
    }
  }
  return zeros;
}

// The same for rows: bits[i] != 0 when row i has a nonzero; gives up once too many rows have one.
int64_t zero_rows(const float* x, int64_t ld, int64_t rows, int64_t cols, int64_t wanted, std::vector<uint32_t>& bits) {
  bits.assign(static_cast<size_t>(rows), 0u);
  int64_t nonzeroRows = 0;
  for (int64_t i = 0; i < rows; ++i) {
    const float* row = x + i * ld;
    int64_t j = 0;
    while (j < cols && (bits_of(row[j]) & 0x7fffffffu) == 0u) ++j;
    if (j == cols) continue;
    bits[static_cast<size_t>(i)] = 1u;
    if (rows - ++nonzeroRows < wanted) return rows - nonzeroRows;
  }
  return rows - nonzeroRows;
}

// The kept (nonzero) indices as runs; returns their count.
int64_t kept_runs(const std::vector<uint32_t>& bits, std::vector<Run>& runs) {
  runs.clear();
  int64_t kept = 0;
  const int64_t n = static_cast<int64_t>(bits.size());
  for (int64_t j = 0; j < n;) {
    if (bits[static_cast<size_t>(j)] == 0u) {
      ++j;
      continue;
    }
    int64_t e = j;
    while (e < n && bits[static_cast<size_t>(e)] != 0u) ++e;
    runs.push_back(Run{j, e - j});
    kept += e - j;
    j = e;
  }
  return kept;
}

// Marks (in bits) the columns of op(X), a rows × cols matrix, that are zero in every row; true when at least
// 1/kMinZeroShareInv of them are, and not all. A zero column of op(X) is a zero row of X when transposed.
bool find_zero_columns(const float* X, int64_t ld, bool trans, int64_t rows, int64_t cols, std::vector<uint32_t>& bits) {
  const int64_t wanted = (cols + kMinZeroShareInv - 1) / kMinZeroShareInv;
  const int64_t zeros = trans ? zero_rows(X, ld, cols, rows, wanted, bits) : zero_columns(X, ld, rows, cols, wanted, bits);
  return zeros >= wanted && zeros < cols;
}

// Is op(X), a rows × cols matrix, finite everywhere?
bool op_finite(const float* X, int64_t ld, bool trans, int64_t rows, int64_t cols) {
  return trans ? all_finite(X, cols, rows, ld) : all_finite(X, rows, cols, ld);
}

// The rows of src (stride ld, cols wide) whose index is in a run, one after another into dst (stride cols).
void copy_kept_rows(const float* src, int64_t ld, int64_t cols, const std::vector<Run>& runs, float* dst) {
  for (const Run& r : runs) {
    for (int64_t i = r.from; i < r.from + r.length; ++i, dst += cols) std::memcpy(dst, src + i * ld, sizeof(float) * cols);
  }
}

// Skips the columns of C where op(B) is zero in every row: C(:, j) = beta * C(:, j) there.
bool skip_zero_n(const GemmOperands& g, const RunGemm& run) {
  Buffers& buf = buffers();
  if (!std::isfinite(g.alpha)) return false;
  // op(B) is k × n; a NaN or Infinity anywhere in op(A) would make the skipped columns NaN in its row.
  if (!find_zero_columns(g.B, g.ldb, g.transB, g.k, g.n, buf.bits)) return false;
  if (!op_finite(g.A, g.lda, g.transA, g.m, g.k)) return false;
  const int64_t nn = kept_runs(buf.bits, buf.runs);
  const Run* runs = buf.runs.data();
  const int64_t nruns = static_cast<int64_t>(buf.runs.size());
  buf.b.resize(static_cast<size_t>(g.k * nn));
  buf.c.resize(static_cast<size_t>(g.m * nn));
  float* b = buf.b.data();
  float* c = buf.c.data();
  // The copies in and out are memory-bound, row after row: they go over the pool as the product does.
  if (!g.transB) {  // b: k × nn
    parallel_for(g.k, copy_grain(g.n), [&](int64_t r0, int64_t r1) {
      zero_scans().gather_rows(g.B + r0 * g.ldb, g.ldb, r1 - r0, runs, nruns, b + r0 * nn, nn);
    });
  } else {  // b: nn × k, the kept rows of B
    copy_kept_rows(g.B, g.ldb, g.k, buf.runs, b);
  }
  // The kept columns land in a dense C', then go to their places with beta applied; the others get beta * C.
  GemmOperands d = g;
  d.n = nn;
  d.B = b;
  d.ldb = g.transB ? g.k : nn;
  d.beta = 0.0f;
  d.C = c;
  d.ldc = nn;
  run(d);
  parallel_for(g.m, copy_grain(g.n), [&](int64_t r0, int64_t r1) {
    zero_scans().scatter_rows(c + r0 * nn, nn, r1 - r0, runs, nruns, g.beta, g.C + r0 * g.ldc, g.ldc, g.n);
  });
  return true;
}

}  // namespace

bool block_finite(const float* x, int64_t n) { return all_finite(x, 1, n, n); }

bool matrix_finite(const float* x, int64_t rows, int64_t cols, int64_t ld) { return all_finite(x, rows, cols, ld); }

int64_t nonzero_steps(const float* panel, int64_t width, int64_t kc, uint64_t* mask, bool* finite) {
  return zero_scans().nonzero_steps(panel, width, kc, mask, finite);
}

const ZeroScans& zero_scans() {
#if NABLA_HAVE_X86_SCANS
  switch (active_isa()) {
    case Isa::Avx512: return scans_avx512::table();
    case Isa::Avx2: return scans_avx2::table();
    default: break;
  }
#endif
  return scans_portable::table();
}

bool gemm_skipping_zeros(const GemmOperands& g, const RunGemm& run) {
  return g.n >= kMinLength && skip_zero_n(g, run);
}

}  // namespace detail
}  // namespace nabla

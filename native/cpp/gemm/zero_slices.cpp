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

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

// The scans and copies below run over whole operands, so they are compiled for AVX-512 and AVX2 as well
// and picked at load time (the driver itself is built for the baseline ISA).
#if defined(__GNUC__) || defined(__clang__)
#define NABLA_ALWAYS_INLINE inline __attribute__((always_inline))  // compiled inside each clone of its caller
#else
#define NABLA_ALWAYS_INLINE inline
#endif

#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
#define NABLA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NABLA_CLONES
#endif

namespace nabla {
namespace detail {
namespace {

// Compaction is worth its copies only when at least 1/8 of the dimension is zero.
constexpr int64_t kMinZeroShareInv = 8;
// Below this length of the compacted dimension the copies cost more than the flops saved.
constexpr int64_t kMinLength = 64;

struct Run {
  int64_t from, length;  // kept indices from .. from+length-1
};

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

// True when all rows × cols values are finite (exponent bits not all ones): integer ops, so it vectorizes.
NABLA_CLONES bool all_finite(const float* x, int64_t rows, int64_t cols, int64_t ld) {
  uint32_t bad = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * ld;
    for (int64_t i = 0; i < cols; ++i) bad |= static_cast<uint32_t>((bits_of(row[i]) & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

NABLA_CLONES void or_magnitudes(const float* row, int64_t n, uint32_t* acc) {
  for (int64_t j = 0; j < n; ++j) acc[j] |= bits_of(row[j]) & 0x7fffffffu;
}

// bits[j] != 0 when column j of the rows × cols matrix at x has a nonzero (-0 counts as zero). Returns the
// number of all-zero columns, or a number below `wanted` as soon as no more can be left (dense data stops
// after 8 rows).
int64_t zero_columns(const float* x, int64_t ld, int64_t rows, int64_t cols, int64_t wanted, std::vector<uint32_t>& bits) {
  bits.assign(static_cast<size_t>(cols), 0u);
  uint32_t* acc = bits.data();
  int64_t zeros = cols;
  for (int64_t i = 0; i < rows; ++i) {
    or_magnitudes(x + i * ld, cols, acc);
    if ((i & 7) == 7 || i + 1 == rows) {
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

// The kept values of `rows` rows of src (stride ld), each packed run after run into dst (stride kept).
NABLA_CLONES void gather_rows(const float* src, int64_t ld, int64_t rows, const Run* runs, int64_t nruns, float* dst,
                              int64_t kept) {
  for (int64_t i = 0; i < rows; ++i) {
    const float* s = src + i * ld;
    float* d = dst + i * kept;
    for (int64_t q = 0; q < nruns; ++q) {
      const float* from = s + runs[q].from;
      for (int64_t t = 0; t < runs[q].length; ++t) d[t] = from[t];
      d += runs[q].length;
    }
  }
}

// rows of C (stride ldc, n wide) = beta * C, then the dense src rows (stride kept) added at the kept places.
NABLA_CLONES void scatter_rows(const float* src, int64_t kept, int64_t rows, const Run* runs, int64_t nruns, float beta,
                               float* C, int64_t ldc, int64_t n) {
  for (int64_t i = 0; i < rows; ++i) {
    float* row = C + i * ldc;
    const float* s = src + i * kept;
    if (beta == 0.0f) {
      for (int64_t j = 0; j < n; ++j) row[j] = 0.0f;  // C is not read
    } else if (beta != 1.0f) {
      for (int64_t j = 0; j < n; ++j) row[j] *= beta;
    }
    for (int64_t q = 0; q < nruns; ++q) {
      float* d = row + runs[q].from;
      for (int64_t t = 0; t < runs[q].length; ++t) d[t] += s[t];
      s += runs[q].length;
    }
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
  if (!g.transB) {  // b: k × nn
    gather_rows(g.B, g.ldb, g.k, runs, nruns, b, nn);
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
  scatter_rows(c, nn, g.m, runs, nruns, g.beta, g.C, g.ldc, g.n);
  return true;
}

}  // namespace

bool block_finite(const float* x, int64_t n) { return all_finite(x, 1, n, n); }

namespace {

// nonzero_steps for a panel width known at compile time (W > 0), so that the compiler unrolls the row and
// vectorizes across steps, or given at run time (W == 0); the flags are packed into bits afterwards.
template <int W>
NABLA_ALWAYS_INLINE int64_t nonzero_steps_of(const float* panel, int64_t width, int64_t kc, uint64_t* mask,
                                             bool* finite) {
  const int64_t w = W > 0 ? W : width;
  uint8_t flags[kMaxSteps];
  uint32_t bad = 0;
  for (int64_t p = 0; p < kc; ++p) {
    uint32_t any = 0;
    for (int64_t r = 0; r < w; ++r) {
      const uint32_t u = bits_of(panel[p * w + r]);
      any |= u & 0x7fffffffu;
      bad |= static_cast<uint32_t>((u & 0x7f800000u) == 0x7f800000u);
    }
    flags[p] = any != 0u;
  }
  int64_t count = 0;
  for (int64_t word = 0; word * 64 < kc; ++word) {
    uint64_t bits = 0;
    const int64_t n = std::min<int64_t>(64, kc - word * 64);
    for (int64_t j = 0; j < n; ++j) {
      bits |= static_cast<uint64_t>(flags[word * 64 + j]) << j;
      count += flags[word * 64 + j];
    }
    mask[word] = bits;
  }
  *finite = bad == 0u;
  return count;
}

}  // namespace

NABLA_CLONES int64_t nonzero_steps(const float* panel, int64_t width, int64_t kc, uint64_t* mask, bool* finite) {
  switch (width) {  // the kernel sets' mr and nr
    case 4: return nonzero_steps_of<4>(panel, width, kc, mask, finite);
    case 6: return nonzero_steps_of<6>(panel, width, kc, mask, finite);
    case 8: return nonzero_steps_of<8>(panel, width, kc, mask, finite);
    case 16: return nonzero_steps_of<16>(panel, width, kc, mask, finite);
    case 32: return nonzero_steps_of<32>(panel, width, kc, mask, finite);
    default: return nonzero_steps_of<0>(panel, width, kc, mask, finite);
  }
}

bool gemm_skipping_zeros(const GemmOperands& g, const RunGemm& run) {
  return g.n >= kMinLength && skip_zero_n(g, run);
}

}  // namespace detail
}  // namespace nabla

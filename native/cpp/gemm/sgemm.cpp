// The sgemm driver: picks the kernel set of the active ISA, splits large problems over the thread pool,
// and runs each part through BLIS-style blocking (pack a kc×nc block of B and an mc×kc block of A into
// micro-panels, then sweep the micro-kernel over them). Where the kernel set can, a dense operand that is
// not transposed is read in place instead, when packing it would cost a noticeable share of the product.
// Narrow shapes (m, n or k < 16) take a direct kernel that packs no A.
// Columns of op(B) that are zero in every row are compacted away first, and each tile skips the k steps where
// its panel of A or of B is all zero (zero_slices.cpp).
#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "kernels.h"
#include "sgemm.h"
#include "zero_slices.h"

namespace nabla {
namespace {

using detail::KernelSet;
using detail::op_at;

// Below this many multiply-adds a second thread costs more (waking it, packing twice) than it saves.
constexpr int64_t kParallelWork = int64_t{1} << 21;
// Narrow problems: m, n or k below this take the direct kernel.
constexpr int64_t kNarrow = 16;
// The k block of the copy of a transposed op(B) on the narrow path (at most 1 MiB with 1024 columns).
constexpr int64_t kNarrowCopyK = 256;
// Up to this many rows of C, a dense B as stored is read in place rather than packed.
constexpr int64_t kInPlaceRows = 256;
// Up to this many columns of C, a block of A that is dense is read in place rather than packed.
constexpr int64_t kInPlaceCols = 1024;
// The longest k block whose zero steps are looked for (the masks live on the stack).
constexpr int64_t kMaxMaskedK = detail::kMaxSteps;

const KernelSet& kernels_for(Isa isa) {
#ifdef NABLA_HAVE_X86_KERNELS
  if (isa == Isa::Avx512) return detail::avx512_kernels();
  if (isa == Isa::Avx2) return detail::avx2_kernels();
#else
  (void)isa;
#endif
  return detail::portable_kernels();
}

// Per-thread, 64-byte aligned scratch that only grows: packing never allocates once a thread has seen its
// largest block. (Aligned by hand: std::aligned_alloc is missing from some C++17 libraries, e.g. MSVC's.)
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { std::free(raw_); }
  float* get(size_t floats) {
    if (floats > capacity_) {
      std::free(raw_);
      raw_ = std::malloc(floats * sizeof(float) + 64);
      if (raw_ == nullptr) {
        capacity_ = 0;
        throw std::bad_alloc();
      }
      const uintptr_t aligned = (reinterpret_cast<uintptr_t>(raw_) + 63) / 64 * 64;
      data_ = reinterpret_cast<float*>(aligned);
      capacity_ = floats;
    }
    return data_;
  }

 private:
  void* raw_ = nullptr;
  float* data_ = nullptr;
  size_t capacity_ = 0;
};

enum ScratchSlot { kPackA = 0, kPackB = 1 };

float* scratch(ScratchSlot slot, size_t floats) {
  thread_local Scratch buffers[2];
  return buffers[slot].get(floats);
}

int64_t round_up(int64_t x, int64_t unit) { return (x + unit - 1) / unit * unit; }

// Block size for splitting `total` into the fewest blocks of at most about `block`, made equal so that no
// block is a thin remainder, and a multiple of `unit`.
int64_t balanced_block(int64_t total, int64_t block, int64_t unit) {
  const int64_t count = (total + block - 1) / block;
  return round_up((total + count - 1) / count, unit);
}

// C = beta * C for the cases that need no product (k == 0 or alpha == 0); beta == 0 writes zeros.
void scale_c(int64_t m, int64_t n, float beta, float* C, int64_t ldc) {
  if (beta == 1.0f) return;
  for (int64_t i = 0; i < m; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.0f) {
      std::fill(c, c + n, 0.0f);
    } else {
      for (int64_t j = 0; j < n; ++j) c[j] *= beta;
    }
  }
}

struct Problem : detail::GemmOperands {
  // The sub-problem of rows [i0, i0+rows) and columns [j0, j0+cols) of C.
  Problem part(int64_t i0, int64_t rows, int64_t j0, int64_t cols) const {
    Problem p = *this;
    p.m = rows;
    p.n = cols;
    p.A = op_at(A, lda, transA, i0, 0);
    p.B = op_at(B, ldb, transB, 0, j0);
    p.C = C + i0 * ldc + j0;
    return p;
  }
};

// C tile = beta * C: what a tile gets when none of its k steps is left (beta == 0 writes zeros).
void scale_tile(float* c, int64_t ldc, float beta, int64_t rows, int64_t cols) {
  if (beta != 1.0f) scale_c(rows, cols, beta, c, ldc);
}

int64_t popcount(uint64_t x) { return static_cast<int64_t>(std::bitset<64>(x).count()); }

// The k steps of one packed panel (of A: mr rows; of B: nr columns) with a nonzero, and whether it is finite.
struct PanelSteps {
  uint64_t bits[kMaxMaskedK / 64];
  int64_t count;
  bool finite;
};

// A panel with a nonzero at every step (bits past kc are never read).
static_assert(kMaxMaskedK == 4 * 64, "kDenseSteps sets four words");
const PanelSteps kDenseSteps = {{~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}}, kMaxMaskedK, true};

std::vector<PanelSteps>& b_panel_steps() {
  thread_local std::vector<PanelSteps> steps;
  return steps;
}

// The k steps a tile needs: those where both its A panel and its B panel have a nonzero. A step where one
// side is zero adds exactly zero when the other side is finite; where it is not (0 * Infinity is NaN), the
// step stays. Returns how many steps are left.
int64_t tile_steps(const PanelSteps& a, const PanelSteps& b, bool b_block_finite, int64_t kc, uint64_t* mask) {
  int64_t count = 0;
  for (int64_t w = 0; w * 64 < kc; ++w) {
    const uint64_t valid = kc - w * 64 >= 64 ? ~uint64_t{0} : (uint64_t{1} << (kc - w * 64)) - 1u;
    mask[w] = (b_block_finite ? a.bits[w] : valid) & (a.finite ? b.bits[w] : valid);
    count += popcount(mask[w]);
  }
  return count;
}

struct BlockOfB {
  bool dense;  // taken as dense: no panel steps to look at
  int finite;  // 1 or 0; -1 while unknown (a dense block is checked only when a panel of A has steps to skip)
};

// The steps of each panel of a packed kc × nc block of B, into steps[]. Only when the first panel has zero
// steps: a dense block (weights) costs one panel's scan.
BlockOfB scan_block_of_b(const float* bp, int64_t nr, int64_t kc, int64_t nc, std::vector<PanelSteps>& steps) {
  PanelSteps& first = steps[0];
  first.count = detail::nonzero_steps(bp, nr, kc, first.bits, &first.finite);
  if (first.count == kc && first.finite) return BlockOfB{true, -1};
  BlockOfB block{false, first.finite ? 1 : 0};
  for (int64_t jr = nr, q = 1; jr < nc; jr += nr, ++q) {
    PanelSteps& s = steps[static_cast<size_t>(q)];
    s.count = detail::nonzero_steps(bp + jr * kc, nr, kc, s.bits, &s.finite);
    if (!s.finite) block.finite = 0;
  }
  return block;
}

// One thread's share, run serially: the five loops around the micro-kernel. Tiles skip the k steps where
// their panel of A or of B is all zero (an image's background pixels, units that ReLU switched off) through
// micro_masked, exactly: alpha must be finite (alpha * 0 may not be 0 otherwise).
void gemm_packed(const KernelSet& ks, const Problem& p) {
  const int64_t kc_blk = balanced_block(p.k, ks.kc, 1);
  const int64_t nc_blk = balanced_block(p.n, ks.nc, ks.nr);
  const int64_t mc_blk = balanced_block(p.m, ks.mc, ks.mr);
  float* bp = scratch(kPackB, static_cast<size_t>(kc_blk * nc_blk));
  float* ap = scratch(kPackA, static_cast<size_t>(mc_blk * kc_blk));
  const bool may_skip = kc_blk <= kMaxMaskedK && std::isfinite(p.alpha);
  // B is read in place where packing it would cost a noticeable share (each packed value serves m rows) and
  // its row stride is not a multiple of 2 KiB (rows that far apart share cache sets: 1024³ ran 12% slower).
  const bool b_in_place = ks.micro_strided != nullptr && !p.transB && p.m <= kInPlaceRows && p.ldb % 512 != 0;
  // The same for A as stored, whose packing is shared by the n columns of C; not for a transposed A, whose
  // panel would take a cache line per k step (those lines a row stride apart crowd few cache sets).
  const bool a_in_place = ks.micro_strided != nullptr && !p.transA && p.n <= kInPlaceCols && p.lda % 512 != 0;
  std::vector<PanelSteps>& b_steps = b_panel_steps();
  b_steps.resize(static_cast<size_t>(nc_blk / ks.nr + 1));
  PanelSteps a_steps;
  uint64_t mask[kMaxMaskedK / 64];
  for (int64_t jc = 0; jc < p.n; jc += nc_blk) {
    const int64_t nc = std::min(nc_blk, p.n - jc);
    for (int64_t pc = 0; pc < p.k; pc += kc_blk) {
      const int64_t kc = std::min(kc_blk, p.k - pc);
      const float beta = pc == 0 ? p.beta : 1.0f;  // later k blocks accumulate onto the first
      const float* b_block = op_at(p.B, p.ldb, p.transB, pc, jc);
      // A dense block of B as stored (whole panels of contiguous columns) is read in place by the kernel:
      // only its first panel (to see that it is dense) and its edge panel are packed.
      const int64_t whole = nc / ks.nr * ks.nr;
      bool in_place = b_in_place && whole > 0;
      BlockOfB b{true, -1};
      if (in_place) {
        ks.pack_b(false, b_block, p.ldb, kc, ks.nr, bp);
        if (whole < nc) ks.pack_b(false, b_block + whole, p.ldb, kc, nc - whole, bp + whole * kc);
        if (may_skip) {
          PanelSteps& first = b_steps[0];
          first.count = detail::nonzero_steps(bp, ks.nr, kc, first.bits, &first.finite);
          in_place = first.count == kc && first.finite;
        }
      }
      if (!in_place) {
        ks.pack_b(p.transB, b_block, p.ldb, kc, nc, bp);
        b = may_skip ? scan_block_of_b(bp, ks.nr, kc, nc, b_steps) : BlockOfB{true, -1};
      }
      const auto b_block_finite = [&]() {
        return in_place ? detail::matrix_finite(b_block, kc, nc, p.ldb)
                        : detail::block_finite(bp, kc * round_up(nc, ks.nr));
      };
      for (int64_t ic = 0; ic < p.m; ic += mc_blk) {
        const int64_t mc = std::min(mc_blk, p.m - ic);
        const float* a_block = op_at(p.A, p.lda, p.transA, ic, pc);
        // A dense block of A (against a dense B) is read in place too: only its first panel (to see that it
        // is dense) and its edge panel are packed.
        const int64_t whole_rows = mc / ks.mr * ks.mr;
        bool a_here = a_in_place && b.dense && whole_rows > 0;
        if (a_here) {
          ks.pack_a(p.transA, a_block, p.lda, std::min<int64_t>(ks.mr, mc), kc, ap);
          if (whole_rows < mc) {
            ks.pack_a(p.transA, op_at(a_block, p.lda, p.transA, whole_rows, 0), p.lda, mc - whole_rows, kc,
                      ap + whole_rows * kc);
          }
          if (may_skip) {
            a_steps.count = detail::nonzero_steps(ap, ks.mr, kc, a_steps.bits, &a_steps.finite);
            a_here = a_steps.count == kc && a_steps.finite;
          }
        }
        if (!a_here) ks.pack_a(p.transA, a_block, p.lda, mc, kc, ap);
        // As with B: against a dense block of B, a block of A whose first panel is dense is taken as dense
        // (its other panels are not scanned). Against a sparse B, every panel of A is scanned, as B's zeros
        // can be skipped only next to a finite panel of A.
        bool a_dense = a_here;
        for (int64_t ir = 0; ir < mc; ir += ks.mr) {
          float* c_row = p.C + (ic + ir) * p.ldc + jc;
          const int64_t rows = std::min<int64_t>(ks.mr, mc - ir);
          const float* a_panel = ap + ir * kc;
          const bool a_panel_here = a_here && rows == ks.mr;
          bool dense = true;
          if (may_skip && !a_dense) {
            a_steps.count = detail::nonzero_steps(a_panel, ks.mr, kc, a_steps.bits, &a_steps.finite);
            dense = b.dense && a_steps.count == kc;
            a_dense = ir == 0 && dense && a_steps.finite;
            if (!dense && b.finite < 0) b.finite = b_block_finite() ? 1 : 0;
          }
          for (int64_t jr = 0, q = 0; jr < nc; jr += ks.nr, ++q) {
            const int64_t cols = std::min<int64_t>(ks.nr, nc - jr);
            const float* b_panel = bp + jr * kc;
            const PanelSteps& b_of_tile = b.dense ? kDenseSteps : b_steps[static_cast<size_t>(q)];
            const int64_t steps = dense ? kc : tile_steps(a_steps, b_of_tile, b.finite == 1, kc, mask);
            const bool b_panel_here = in_place && cols == ks.nr;
            if ((a_panel_here || b_panel_here) && steps > 0) {
              ks.micro_strided(kc, steps == kc ? nullptr : mask,
                               a_panel_here ? a_block + ir * p.lda : a_panel, a_panel_here ? p.lda : 0,
                               b_panel_here ? b_block + jr : b_panel, b_panel_here ? p.ldb : ks.nr, c_row + jr,
                               p.ldc, p.alpha, beta, rows, cols);
            } else if (steps == kc) {
              ks.micro(kc, a_panel, b_panel, c_row + jr, p.ldc, p.alpha, beta, rows, cols);
            } else if (steps > 0) {
              ks.micro_masked(kc, mask, a_panel, b_panel, c_row + jr, p.ldc, p.alpha, beta, rows, cols);
            } else {
              scale_tile(c_row + jr, p.ldc, beta, rows, cols);
            }
          }
        }
      }
    }
  }
}

// Splits C into a grid of one part per thread, choosing the grid that packs the least twice: every part
// packs the whole k extent of its rows of A and its columns of B.
void gemm_parallel(const KernelSet& ks, const Problem& p, int threads) {
  int best_tm = 1;
  double best_cost = -1.0;
  for (int tm = 1; tm <= threads; ++tm) {
    if (threads % tm != 0) continue;
    const int tn = threads / tm;
    if (p.m < int64_t{tm} * ks.mr || p.n < int64_t{tn} * ks.nr) continue;
    const double cost = double(tn - 1) * double(p.m) + double(tm - 1) * double(p.n);
    if (best_cost < 0.0 || cost < best_cost) {
      best_cost = cost;
      best_tm = tm;
    }
  }
  if (best_cost < 0.0) {
    gemm_packed(ks, p);
    return;
  }
  const int tm = best_tm;
  const int tn = threads / tm;
  // Part boundaries on whole micro-tiles.
  const int64_t row_tiles = (p.m + ks.mr - 1) / ks.mr;
  const int64_t col_tiles = (p.n + ks.nr - 1) / ks.nr;
  parallel_for(threads, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t bi = t / tn, bj = t % tn;
      const int64_t i0 = std::min(p.m, row_tiles * bi / tm * ks.mr);
      const int64_t i1 = std::min(p.m, row_tiles * (bi + 1) / tm * ks.mr);
      const int64_t j0 = std::min(p.n, col_tiles * bj / tn * ks.nr);
      const int64_t j1 = std::min(p.n, col_tiles * (bj + 1) / tn * ks.nr);
      if (i1 > i0 && j1 > j0) gemm_packed(ks, p.part(i0, i1 - i0, j0, j1 - j0));
    }
  });
}

// Narrow shapes (m, n or k < 16): packing A into panels and padding to whole tiles would cost more than the
// product. The direct kernel streams the rows of A against the rows of op(B): in place when B is not
// transposed, else from a copy of op(B) as k×n rows. Rows of C go out over the pool.
void gemm_narrow(const KernelSet& ks, const Problem& p) {
  // Blocks of op(B) of at most 1 MiB (each is streamed once per block of rows, so it should stay in L2).
  const int64_t nb_max = std::min<int64_t>(p.n, p.k < kNarrow ? 4096 : 1024);
  const auto run_rows = [&](const float* b, int64_t ldb, int64_t j0, int64_t nb, int64_t p0, int64_t kb, float beta) {
    const int64_t grain = std::max<int64_t>(16, kParallelWork / (nb * kb));
    parallel_for(p.m, grain, [&](int64_t i0, int64_t i1) {
      ks.narrow(p.transA, i1 - i0, nb, kb, p.alpha, op_at(p.A, p.lda, p.transA, i0, p0), p.lda, b, ldb, beta,
                p.C + i0 * p.ldc + j0, p.ldc);
    });
  };
  if (!p.transB) {
    for (int64_t j0 = 0; j0 < p.n; j0 += nb_max)
      run_rows(p.B + j0, p.ldb, j0, std::min(nb_max, p.n - j0), 0, p.k, p.beta);
    return;
  }
  // The k blocks of the copy depend on k alone, never on the columns (which differ between the parts that
  // threads take), so that every thread count sums in the same order.
  const int64_t ldbp = round_up(nb_max, 16);
  const int64_t kb_max = std::min<int64_t>(p.k, kNarrowCopyK);
  float* bp = scratch(kPackB, static_cast<size_t>(kb_max * ldbp));
  for (int64_t j0 = 0; j0 < p.n; j0 += nb_max) {
    const int64_t nb = std::min(nb_max, p.n - j0);
    for (int64_t p0 = 0; p0 < p.k; p0 += kb_max) {
      const int64_t kb = std::min(kb_max, p.k - p0);
      for (int64_t q = 0; q < kb; ++q) {
        float* dst = bp + q * ldbp;
        for (int64_t j = 0; j < nb; ++j) dst[j] = *op_at(p.B, p.ldb, true, p0 + q, j0 + j);
      }
      run_rows(bp, ldbp, j0, nb, p0, kb, p0 == 0 ? p.beta : 1.0f);  // later k blocks accumulate onto the first
    }
  }
}

// Picks the path for a problem: narrow shapes, the thread split, or one packed run.
void dispatch(const KernelSet& ks, const Problem& p, int threads) {
  const bool big = threads > 1 && double(p.m) * double(p.n) * double(p.k) >= double(kParallelWork);
  if (p.m < kNarrow || p.n < kNarrow || p.k < kNarrow) {
    if (big && p.n >= 4 * kNarrow) {
      // Each thread takes its own 16-column strips (and copies its own part of op(B)); gemm_narrow would
      // share out rows, which there may be too few of.
      const int64_t strips = (p.n + 15) / 16;
      parallel_for(strips, 2, [&](int64_t s0, int64_t s1) {
        const int64_t j0 = s0 * 16, j1 = std::min(p.n, s1 * 16);
        gemm_narrow(ks, p.part(0, p.m, j0, j1 - j0));
      });
    } else {
      gemm_narrow(ks, p);
    }
    return;
  }
  if (big) {
    gemm_parallel(ks, p, threads);
  } else {
    gemm_packed(ks, p);
  }
}

}  // namespace

void sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0.0f) {
    scale_c(m, n, beta, C, ldc);
    return;
  }
  const KernelSet& ks = kernels_for(active_isa());
  const int threads = get_num_threads();
  const detail::GemmOperands g{transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc};
  const auto run = [&](const detail::GemmOperands& o) { dispatch(ks, Problem{o}, threads); };
  if (detail::gemm_skipping_zeros(g, run)) return;
  run(g);
}

}  // namespace nabla

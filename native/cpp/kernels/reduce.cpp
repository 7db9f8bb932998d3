// Reductions (sum, max, min) and argmax. Sums accumulate in double, in 16 independent lanes over
// contiguous runs, so long sums stay accurate and still vectorize. max/min propagate NaN (like PyTorch).
#include "impl.h"

namespace nabla {
namespace NABLA_KNS {
namespace {

double sum_run(const float* x, int64_t n, int64_t sx) {
  double total = 0.0;
  if (sx == 1) {
    double lane[16] = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
      for (int j = 0; j < 16; ++j) lane[j] += static_cast<double>(x[i + j]);
    }
    for (; i < n; ++i) total += static_cast<double>(x[i]);
    for (int j = 0; j < 16; ++j) total += lane[j];
  } else {
    for (int64_t i = 0; i < n; ++i) total += static_cast<double>(x[i * sx]);
  }
  return total;
}

inline float take_max(float m, float v) { return (v > m || v != v) ? v : m; }
inline float take_min(float m, float v) { return (v < m || v != v) ? v : m; }

template <bool IsMax>
float extreme_run(const float* x, int64_t n, int64_t sx, float m) {
  for (int64_t i = 0; i < n; ++i) m = IsMax ? take_max(m, x[i * sx]) : take_min(m, x[i * sx]);
  return m;
}

// Walks the reduced dims of `a` from base offset `base`, calling run(ptr, len, stride) per innermost run.
template <class Run>
void for_each_reduced_run(const ReduceArgs& a, int64_t base, Run run) {
  if (a.nr == 0) {
    run(a.x + base, 1, 1);
    return;
  }
  const int last = a.nr - 1;
  int64_t outer = 1;
  for (int d = 0; d < last; ++d) outer *= a.rshape[d];
  for (int64_t i = 0; i < outer; ++i) {
    run(a.x + base + offset_of(i, last, a.rshape, a.rstride), a.rshape[last], a.rstride[last]);
  }
}

}  // namespace

// One output element at a time: for reductions over the innermost (contiguous) dim, e.g. row sums.
void reduce_inner(const ReduceArgs& a, int64_t begin, int64_t end) {
  for (int64_t o = begin; o < end; ++o) {
    const int64_t base = offset_of(o, a.nk, a.kshape, a.kstride);
    if (a.op == kSum) {
      double total = 0.0;
      for_each_reduced_run(a, base, [&](const float* p, int64_t n, int64_t s) { total += sum_run(p, n, s); });
      a.out[o] = static_cast<float>(total);
    } else {
      const bool isMax = a.op == kRedMax;
      float m = isMax ? -INFINITY : INFINITY;
      for_each_reduced_run(a, base, [&](const float* p, int64_t n, int64_t s) {
        m = isMax ? extreme_run<true>(p, n, s, m) : extreme_run<false>(p, n, s, m);
      });
      a.out[o] = m;
    }
  }
}

// Chunks of kReduceChunk outputs along the innermost kept dim at a time, accumulating whole rows of x:
// for reductions over outer dims, e.g. the column sums of a bias gradient. Unit u is (line, chunk).
void reduce_outer(const ReduceArgs& a, int64_t begin, int64_t end) {
  const int lastK = a.nk - 1;
  const int64_t len = a.kshape[lastK];
  const int64_t sx = a.kstride[lastK];
  const int64_t chunks = (len + kReduceChunk - 1) / kReduceChunk;
  double acc[kReduceChunk];
  float ext[kReduceChunk];
  for (int64_t u = begin; u < end; ++u) {
    const int64_t line = u / chunks;
    const int64_t j0 = (u % chunks) * kReduceChunk;
    const int64_t n = min64(kReduceChunk, len - j0);
    const int64_t base = offset_of(line, lastK, a.kshape, a.kstride) + j0 * sx;
    float* out = a.out + line * len + j0;
    int64_t rows = 1;
    for (int d = 0; d < a.nr; ++d) rows *= a.rshape[d];
    if (a.op == kSum) {
      for (int64_t j = 0; j < n; ++j) acc[j] = 0.0;
      for (int64_t r = 0; r < rows; ++r) {
        const float* p = a.x + base + offset_of(r, a.nr, a.rshape, a.rstride);
        if (sx == 1) {
          for (int64_t j = 0; j < n; ++j) acc[j] += static_cast<double>(p[j]);
        } else {
          for (int64_t j = 0; j < n; ++j) acc[j] += static_cast<double>(p[j * sx]);
        }
      }
      for (int64_t j = 0; j < n; ++j) out[j] = static_cast<float>(acc[j]);
    } else {
      const bool isMax = a.op == kRedMax;
      for (int64_t j = 0; j < n; ++j) ext[j] = isMax ? -INFINITY : INFINITY;
      for (int64_t r = 0; r < rows; ++r) {
        const float* p = a.x + base + offset_of(r, a.nr, a.rshape, a.rstride);
        if (isMax) {
          for (int64_t j = 0; j < n; ++j) ext[j] = take_max(ext[j], p[j * sx]);
        } else {
          for (int64_t j = 0; j < n; ++j) ext[j] = take_min(ext[j], p[j * sx]);
        }
      }
      for (int64_t j = 0; j < n; ++j) out[j] = ext[j];
    }
  }
}

// The first maximum along the axis (rshape[0] >= 1, checked by the entry point); NaN counts as the maximum.
void argmax(const ReduceArgs& a, int64_t begin, int64_t end) {
  const int64_t n = a.rshape[0], s = a.rstride[0];
  for (int64_t o = begin; o < end; ++o) {
    const float* p = a.x + offset_of(o, a.nk, a.kshape, a.kstride);
    int64_t best = 0;
    float m = p[0];
    for (int64_t i = 1; i < n && m == m; ++i) {
      const float v = p[i * s];
      if (v > m || v != v) {
        m = v;
        best = i;
      }
    }
    a.out[o] = static_cast<float>(best);
  }
}

}  // namespace NABLA_KNS
}  // namespace nabla

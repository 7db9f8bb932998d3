// Entry points over the sgemm:
//   gemm(meta, a, b, c)   meta = [transA, transB, m, n, k, alpha, aOffset, lda, bOffset, ldb, beta, cOffset, ldc]
//   linear(meta, x, w, b|null, y, preact|null)   meta = [batch, inF, outF, act, alpha]
// linear computes y = act(x · Wᵀ + b): the sgemm writes x · Wᵀ, then one pass per row adds the bias, keeps
// the pre-activation when asked and applies the activation while the row is still in cache.
#include <algorithm>

#include "args.h"
#include "dispatch.h"
#include "entries.h"

namespace nabla {
namespace {

constexpr int64_t kMaxIndex = int64_t{1} << 53;

struct MatrixExtent {
  int64_t first = 0;  // element index of the first element read or written
  int64_t count = 0;  // elements spanned (0 when the matrix is empty)
};

// Checks a row-major rows×cols matrix at `offset` with row stride `ld` fits in `arr`.
MatrixExtent check_matrix(const Args& args, const char* name, const F32& arr, int64_t offset, int64_t rows,
                          int64_t cols, int64_t ld) {
  MatrixExtent e;
  e.first = offset;
  if (rows == 0 || cols == 0) return e;
  if (rows > 1 && ld < cols) {
    args.range_error(std::string("argument '") + name + "': leading dimension " + std::to_string(ld) +
                     " is less than its " + std::to_string(cols) + " columns");
  }
  const int64_t span = checked_mul(args, rows - 1, ld, "(rows - 1) × leading dimension") + cols;
  if (offset > arr.length || span > arr.length - offset) {
    args.range_error(std::string("argument '") + name + "' needs " + std::to_string(span) +
                     " elements from offset " + std::to_string(offset) + " for a " + std::to_string(rows) + "x" +
                     std::to_string(cols) + " matrix with leading dimension " + std::to_string(ld) + ", has " +
                     std::to_string(arr.length));
  }
  e.count = span;
  return e;
}

}  // namespace

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const Args args(info, "gemm", 4);
  int64_t metaLength = 0;
  const double* meta = args.f64(0, "meta", &metaLength);
  const F32 a = args.f32(1, "a");
  const F32 b = args.f32(2, "b");
  const F32 c = args.f32(3, "c");
  args.need_meta("meta", metaLength, 13,
                 "[transA, transB, m, n, k, alpha, aOffset, lda, bOffset, ldb, beta, cOffset, ldc]");
  const bool transA = args.meta_int(meta, 0, 0, 1, "transA") == 1;
  const bool transB = args.meta_int(meta, 1, 0, 1, "transB") == 1;
  const int64_t m = args.meta_int(meta, 2, 0, kMaxIndex, "m");
  const int64_t n = args.meta_int(meta, 3, 0, kMaxIndex, "n");
  const int64_t k = args.meta_int(meta, 4, 0, kMaxIndex, "k");
  const float alpha = static_cast<float>(meta[5]);
  const int64_t aOffset = args.meta_int(meta, 6, 0, kMaxIndex, "aOffset");
  const int64_t lda = args.meta_int(meta, 7, 0, kMaxIndex, "lda");
  const int64_t bOffset = args.meta_int(meta, 8, 0, kMaxIndex, "bOffset");
  const int64_t ldb = args.meta_int(meta, 9, 0, kMaxIndex, "ldb");
  const float beta = static_cast<float>(meta[10]);
  const int64_t cOffset = args.meta_int(meta, 11, 0, kMaxIndex, "cOffset");
  const int64_t ldc = args.meta_int(meta, 12, 0, kMaxIndex, "ldc");

  const MatrixExtent ea = check_matrix(args, "a", a, aOffset, transA ? k : m, transA ? m : k, lda);
  const MatrixExtent eb = check_matrix(args, "b", b, bOffset, transB ? n : k, transB ? k : n, ldb);
  const MatrixExtent ec = check_matrix(args, "c", c, cOffset, m, n, ldc);
  args.disjoint("c", c.data + ec.first, ec.count, "a", a.data + ea.first, ea.count);
  args.disjoint("c", c.data + ec.first, ec.count, "b", b.data + eb.first, eb.count);
  if (m == 0 || n == 0) return info.Env().Undefined();
  // An empty A or B may come with a null data pointer; sgemm then reads nothing from it (k == 0).
  sgemm(transA, transB, m, n, k, alpha, a.data + (ea.count ? aOffset : 0), lda, b.data + (eb.count ? bOffset : 0),
        ldb, beta, c.data + cOffset, ldc);
  return info.Env().Undefined();
}

Napi::Value Linear(const Napi::CallbackInfo& info) {
  const Args args(info, "linear", 6);
  int64_t metaLength = 0;
  const double* meta = args.f64(0, "meta", &metaLength);
  const F32 x = args.f32(1, "x");
  const F32 w = args.f32(2, "w");
  const F32 b = args.f32_or_null(3, "b");
  const F32 y = args.f32(4, "y");
  const F32 preact = args.f32_or_null(5, "preact");
  args.need_meta("meta", metaLength, 5, "[batch, inF, outF, act, alpha]");
  const int64_t batch = args.meta_int(meta, 0, 0, kMaxIndex, "batch");
  const int64_t inF = args.meta_int(meta, 1, 0, kMaxIndex, "inF");
  const int64_t outF = args.meta_int(meta, 2, 0, kMaxIndex, "outF");
  const int act = static_cast<int>(args.meta_int(meta, 3, 0, kActCount - 1, "act"));
  const float alpha = static_cast<float>(meta[4]);
  const int64_t xLen = checked_mul(args, batch, inF, "batch × inF");
  const int64_t wLen = checked_mul(args, outF, inF, "outF × inF");
  const int64_t yLen = checked_mul(args, batch, outF, "batch × outF");
  args.min_length("x", x, xLen, "batch × inF");
  args.min_length("w", w, wLen, "outF × inF");
  if (b.present) args.min_length("b", b, outF, "outF");
  args.min_length("y", y, yLen, "batch × outF");
  if (preact.present) args.min_length("preact", preact, yLen, "batch × outF");
  args.disjoint("y", y.data, yLen, "x", x.data, xLen);
  args.disjoint("y", y.data, yLen, "w", w.data, wLen);
  if (b.present) args.disjoint("y", y.data, yLen, "b", b.data, outF);
  if (preact.present) {
    args.disjoint("preact", preact.data, yLen, "x", x.data, xLen);
    args.disjoint("preact", preact.data, yLen, "w", w.data, wLen);
    args.disjoint("preact", preact.data, yLen, "y", y.data, yLen);
    if (b.present) args.disjoint("preact", preact.data, yLen, "b", b.data, outF);
  }
  if (yLen == 0) return info.Env().Undefined();
  sgemm(false, true, batch, outF, inF, 1.0f, x.data, inF, w.data, inF, 0.0f, y.data, outF);
  if (act == kIdentity && !b.present && !preact.present) return info.Env().Undefined();
  EpilogueArgs e;
  e.y = y.data;
  e.preact = preact.present ? preact.data : nullptr;
  e.b = b.present ? b.data : nullptr;
  e.cols = outF;
  e.act = act;
  e.alpha = alpha;
  const KernelTable& k = kernels();
  const int64_t grain = std::max<int64_t>(1, (act == kElu ? kGrainCostly : kGrainMedium) / outF);
  run_parallel(batch, grain, [&](int64_t rb, int64_t re) { k.linear_epilogue(e, rb, re); });
  return info.Env().Undefined();
}

}  // namespace nabla

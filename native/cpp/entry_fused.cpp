// Entry points of the fused kernels over contiguous arrays:
//   activation(act, alpha, x, y)                          n = x.length
//   activationBackward(act, alpha, x, y, dy, dx)          n = x.length
//   prelu(x, a, features, y)   preluBackward(x, a, features, dy, dx, da)
//   crossEntropy(logits, targets, rows, classes, logProbs, loss)
//   crossEntropyBackward(logProbs, targets, gradLoss, rows, classes, dlogits)
//   batchNorm(meta, x, gamma|null, beta|null, y, mean, invStd)                 meta = [rows, features, eps]
//   batchNormBackward(meta, x, gamma|null, mean, invStd, dy, dx, dgamma|null, dbeta|null)   meta = [rows, features]
// Outputs may be their input exactly (in place) where the kernel allows it, never a shifted part of it.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "args.h"
#include "dispatch.h"
#include "entries.h"

namespace nabla {

const char* const kActNames[kActCount] = {"identity", "sigmoid", "tanh", "relu", "leakyRelu", "elu", "swish"};

namespace {

constexpr int64_t kMaxIndex = int64_t{1} << 53;

// Element-wise kernels may run in place (same start) but not on a shifted copy of their input.
void same_or_disjoint(const Args& args, const char* outName, const F32& out, const char* inName, const F32& in,
                      int64_t n) {
  if (out.data != in.data) args.disjoint(outName, out.data, n, inName, in.data, n);
}

void check_targets(const Args& args, const F32& targets, int64_t rows, int64_t classes) {
  for (int64_t r = 0; r < rows; ++r) {
    const float t = targets.data[r];
    if (!(t >= 0.0f && static_cast<double>(t) < static_cast<double>(classes)) || t != std::floor(t)) {
      args.range_error("argument 'targets'[" + std::to_string(r) + "] = " + std::to_string(t) +
                       " is not a class index in [0, " + std::to_string(classes) + ")");
    }
  }
}

}  // namespace

Napi::Value Activation(const Napi::CallbackInfo& info) {
  const Args args(info, "activation", 4);
  const int act = args.code(0, "act", kActCount, kActNames);
  const float alpha = static_cast<float>(args.number(1, "alpha"));
  const F32 x = args.f32(2, "x");
  const F32 y = args.f32(3, "y");
  const int64_t n = x.length;
  args.min_length("y", y, n, "x.length");
  same_or_disjoint(args, "y", y, "x", x, n);
  ActArgs a{act, alpha, x.data, nullptr, nullptr, y.data};
  const KernelTable& k = kernels();
  const int64_t grain = act == kElu ? kGrainCostly
                        : act == kRelu || act == kIdentity || act == kLeakyRelu ? kGrainCheap : kGrainMedium;
  run_parallel(n, grain, [&](int64_t b, int64_t e) { k.activation(a, b, e); });
  return info.Env().Undefined();
}

Napi::Value ActivationBackward(const Napi::CallbackInfo& info) {
  const Args args(info, "activationBackward", 6);
  const int act = args.code(0, "act", kActCount, kActNames);
  const float alpha = static_cast<float>(args.number(1, "alpha"));
  const F32 x = args.f32(2, "x");
  const F32 y = args.f32(3, "y");
  const F32 dy = args.f32(4, "dy");
  const F32 dx = args.f32(5, "dx");
  const int64_t n = x.length;
  args.min_length("y", y, n, "x.length");
  args.min_length("dy", dy, n, "x.length");
  args.min_length("dx", dx, n, "x.length");
  same_or_disjoint(args, "dx", dx, "x", x, n);
  same_or_disjoint(args, "dx", dx, "y", y, n);
  same_or_disjoint(args, "dx", dx, "dy", dy, n);
  ActArgs a{act, alpha, x.data, y.data, dy.data, dx.data};
  const KernelTable& k = kernels();
  run_parallel(n, kGrainMedium, [&](int64_t b, int64_t e) { k.activation_backward(a, b, e); });
  return info.Env().Undefined();
}

namespace {

// Shared checks of prelu and preluBackward; returns the row count.
int64_t prelu_rows(const Args& args, const F32& x, const F32& a, int64_t features) {
  if (features == 0) {
    if (x.length != 0) {
      args.range_error("argument 'features' is 0 but 'x' has " + std::to_string(x.length) + " elements");
    }
    return 0;
  }
  if (x.length % features != 0) {
    args.range_error("argument 'x' has " + std::to_string(x.length) + " elements, not a multiple of features = " +
                     std::to_string(features));
  }
  if (a.length != 1 && a.length != features) {
    args.range_error("argument 'a' must have 1 or features = " + std::to_string(features) + " elements, has " +
                     std::to_string(a.length));
  }
  return x.length / features;
}

}  // namespace

Napi::Value Prelu(const Napi::CallbackInfo& info) {
  const Args args(info, "prelu", 4);
  const F32 x = args.f32(0, "x");
  const F32 a = args.f32(1, "a");
  const int64_t features = args.count(2, "features");
  const F32 y = args.f32(3, "y");
  const int64_t rows = prelu_rows(args, x, a, features);
  args.min_length("y", y, x.length, "x.length");
  same_or_disjoint(args, "y", y, "x", x, x.length);
  args.disjoint("y", y.data, x.length, "a", a.data, a.length);
  PreluArgs p{x.data, a.data, a.length, features, nullptr, y.data, nullptr};
  const KernelTable& k = kernels();
  const int64_t grain = features ? std::max<int64_t>(1, kGrainCheap / features) : 1;
  run_parallel(rows, grain, [&](int64_t b, int64_t e) { k.prelu(p, b, e); });
  return info.Env().Undefined();
}

Napi::Value PreluBackward(const Napi::CallbackInfo& info) {
  const Args args(info, "preluBackward", 6);
  const F32 x = args.f32(0, "x");
  const F32 a = args.f32(1, "a");
  const int64_t features = args.count(2, "features");
  const F32 dy = args.f32(3, "dy");
  const F32 dx = args.f32(4, "dx");
  const F32 da = args.f32(5, "da");
  const int64_t rows = prelu_rows(args, x, a, features);
  const int64_t n = x.length;
  args.min_length("dy", dy, n, "x.length");
  args.min_length("dx", dx, n, "x.length");
  args.exact_length("da", da, a.length, "a.length");
  args.disjoint("dx", dx.data, n, "x", x.data, n);
  same_or_disjoint(args, "dx", dx, "dy", dy, n);
  args.disjoint("da", da.data, da.length, "x", x.data, n);
  args.disjoint("da", da.data, da.length, "dx", dx.data, n);
  args.disjoint("da", da.data, da.length, "dy", dy.data, n);
  args.disjoint("dx", dx.data, n, "a", a.data, a.length);
  // Sized only when there are rows, so features <= x.length bounds it (features alone is unchecked).
  std::vector<double> colsum(rows > 0 ? static_cast<size_t>(features) : 0);
  PreluArgs p{x.data, a.data, a.length, features, dy.data, dx.data, colsum.data()};
  const KernelTable& k = kernels();
  const int64_t grain = std::max<int64_t>(1, kGrainCheap / std::max<int64_t>(rows, 1));
  if (rows > 0) run_parallel(features, grain, [&](int64_t b, int64_t e) { k.prelu_backward(p, rows, b, e); });
  // A column sum meeting NaNs of both signs keeps whichever its vector lane order put first, and that order
  // changes with where a thread's range of features starts: one canonical NaN keeps the bits the same.
  const auto to_float = [](double v) { return std::isnan(v) ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(v); };
  if (a.length == 1) {
    double total = 0.0;
    for (int64_t j = 0; j < features && rows > 0; ++j) total += colsum[j];
    da.data[0] = to_float(total);
  } else {
    for (int64_t j = 0; j < a.length; ++j) da.data[j] = rows > 0 ? to_float(colsum[j]) : 0.0f;
  }
  return info.Env().Undefined();
}

Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {
  const Args args(info, "crossEntropy", 6);
  const F32 logits = args.f32(0, "logits");
  const F32 targets = args.f32(1, "targets");
  const int64_t rows = args.count(2, "rows");
  const int64_t classes = args.count(3, "classes");
  const F32 logProbs = args.f32(4, "logProbs");
  const F32 loss = args.f32(5, "loss");
  const int64_t n = checked_mul(args, rows, classes, "rows × classes");
  args.min_length("logits", logits, n, "rows × classes");
  args.min_length("targets", targets, rows, "rows");
  args.min_length("logProbs", logProbs, n, "rows × classes");
  args.min_length("loss", loss, rows, "rows");
  same_or_disjoint(args, "logProbs", logProbs, "logits", logits, n);
  args.disjoint("loss", loss.data, rows, "logits", logits.data, n);
  args.disjoint("loss", loss.data, rows, "logProbs", logProbs.data, n);
  args.disjoint("loss", loss.data, rows, "targets", targets.data, rows);
  args.disjoint("logProbs", logProbs.data, n, "targets", targets.data, rows);
  check_targets(args, targets, rows, classes);
  CrossEntropyArgs c{};
  c.logits = logits.data;
  c.targets = targets.data;
  c.classes = classes;
  c.outLogProbs = logProbs.data;
  c.loss = loss.data;
  const KernelTable& k = kernels();
  const int64_t grain = std::max<int64_t>(1, kGrainMedium / std::max<int64_t>(classes, 1));
  run_parallel(rows, grain, [&](int64_t b, int64_t e) { k.cross_entropy(c, b, e); });
  return info.Env().Undefined();
}

Napi::Value CrossEntropyBackward(const Napi::CallbackInfo& info) {
  const Args args(info, "crossEntropyBackward", 6);
  const F32 logProbs = args.f32(0, "logProbs");
  const F32 targets = args.f32(1, "targets");
  const F32 gradLoss = args.f32(2, "gradLoss");
  const int64_t rows = args.count(3, "rows");
  const int64_t classes = args.count(4, "classes");
  const F32 dlogits = args.f32(5, "dlogits");
  const int64_t n = checked_mul(args, rows, classes, "rows × classes");
  args.min_length("logProbs", logProbs, n, "rows × classes");
  args.min_length("targets", targets, rows, "rows");
  args.min_length("gradLoss", gradLoss, rows, "rows");
  args.min_length("dlogits", dlogits, n, "rows × classes");
  same_or_disjoint(args, "dlogits", dlogits, "logProbs", logProbs, n);
  args.disjoint("dlogits", dlogits.data, n, "targets", targets.data, rows);
  args.disjoint("dlogits", dlogits.data, n, "gradLoss", gradLoss.data, rows);
  check_targets(args, targets, rows, classes);
  CrossEntropyArgs c{};
  c.logProbs = logProbs.data;
  c.targets = targets.data;
  c.gradLoss = gradLoss.data;
  c.classes = classes;
  c.dlogits = dlogits.data;
  const KernelTable& k = kernels();
  const int64_t grain = std::max<int64_t>(1, kGrainMedium / std::max<int64_t>(classes, 1));
  run_parallel(rows, grain, [&](int64_t b, int64_t e) { k.cross_entropy_backward(c, b, e); });
  return info.Env().Undefined();
}

namespace {

struct BnShape {
  int64_t rows, features, n;
};

BnShape bn_shape(const Args& args, const double* meta, int64_t metaLength, int64_t needed, const char* layout) {
  args.need_meta("meta", metaLength, needed, layout);
  BnShape s;
  s.rows = args.meta_int(meta, 0, 0, kMaxIndex, "rows");
  s.features = args.meta_int(meta, 1, 0, kMaxIndex, "features");
  s.n = checked_mul(args, s.rows, s.features, "rows × features");
  return s;
}

// Feature-parallel passes read whole columns: give each chunk enough rows × features to be worth it.
int64_t feature_grain(const BnShape& s) { return std::max<int64_t>(1, kGrainCheap / std::max<int64_t>(s.rows, 1)); }
int64_t row_grain(const BnShape& s) { return std::max<int64_t>(1, kGrainCheap / std::max<int64_t>(s.features, 1)); }

}  // namespace

Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  const Args args(info, "batchNorm", 7);
  int64_t metaLength = 0;
  const double* meta = args.f64(0, "meta", &metaLength);
  const F32 x = args.f32(1, "x");
  const F32 gamma = args.f32_or_null(2, "gamma");
  const F32 beta = args.f32_or_null(3, "beta");
  const F32 y = args.f32(4, "y");
  const F32 mean = args.f32(5, "mean");
  const F32 invStd = args.f32(6, "invStd");
  const BnShape s = bn_shape(args, meta, metaLength, 3, "[rows, features, eps]");
  const double eps = args.meta_finite(meta, 2, "eps");
  args.min_length("x", x, s.n, "rows × features");
  if (gamma.present) args.min_length("gamma", gamma, s.features, "features");
  if (beta.present) args.min_length("beta", beta, s.features, "features");
  args.min_length("y", y, s.n, "rows × features");
  args.min_length("mean", mean, s.features, "features");
  args.min_length("invStd", invStd, s.features, "features");
  same_or_disjoint(args, "y", y, "x", x, s.n);
  args.disjoint("mean", mean.data, s.features, "invStd", invStd.data, s.features);
  args.disjoint("y", y.data, s.n, "mean", mean.data, s.features);
  args.disjoint("y", y.data, s.n, "invStd", invStd.data, s.features);
  if (gamma.present) args.disjoint("y", y.data, s.n, "gamma", gamma.data, s.features);
  if (beta.present) args.disjoint("y", y.data, s.n, "beta", beta.data, s.features);
  std::vector<double> m(static_cast<size_t>(s.features)), inv(static_cast<size_t>(s.features));
  BatchNormArgs a{};
  a.x = x.data;
  a.gamma = gamma.present ? gamma.data : nullptr;
  a.beta = beta.present ? beta.data : nullptr;
  a.rows = s.rows;
  a.features = s.features;
  a.eps = eps;
  a.mean = m.data();
  a.invStd = inv.data();
  a.y = y.data;
  const KernelTable& k = kernels();
  run_parallel(s.features, feature_grain(s), [&](int64_t b, int64_t e) { k.batch_norm_stats(a, b, e); });
  // With no features, rows is bounded by nothing: skip the row pass rather than loop over empty rows.
  if (s.n > 0) run_parallel(s.rows, row_grain(s), [&](int64_t b, int64_t e) { k.batch_norm_apply(a, b, e); });
  for (int64_t j = 0; j < s.features; ++j) {
    mean.data[j] = static_cast<float>(m[j]);
    invStd.data[j] = static_cast<float>(inv[j]);
  }
  return info.Env().Undefined();
}

Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const Args args(info, "batchNormBackward", 9);
  int64_t metaLength = 0;
  const double* meta = args.f64(0, "meta", &metaLength);
  const F32 x = args.f32(1, "x");
  const F32 gamma = args.f32_or_null(2, "gamma");
  const F32 mean = args.f32(3, "mean");
  const F32 invStd = args.f32(4, "invStd");
  const F32 dy = args.f32(5, "dy");
  const F32 dx = args.f32(6, "dx");
  const F32 dgamma = args.f32_or_null(7, "dgamma");
  const F32 dbeta = args.f32_or_null(8, "dbeta");
  const BnShape s = bn_shape(args, meta, metaLength, 2, "[rows, features]");
  args.min_length("x", x, s.n, "rows × features");
  if (gamma.present) args.min_length("gamma", gamma, s.features, "features");
  args.min_length("mean", mean, s.features, "features");
  args.min_length("invStd", invStd, s.features, "features");
  args.min_length("dy", dy, s.n, "rows × features");
  args.min_length("dx", dx, s.n, "rows × features");
  if (dgamma.present) args.min_length("dgamma", dgamma, s.features, "features");
  if (dbeta.present) args.min_length("dbeta", dbeta, s.features, "features");
  // dx is written row by row after all sums are taken, so it may overwrite dy in place, but not x.
  args.disjoint("dx", dx.data, s.n, "x", x.data, s.n);
  same_or_disjoint(args, "dx", dx, "dy", dy, s.n);
  if (gamma.present) args.disjoint("dx", dx.data, s.n, "gamma", gamma.data, s.features);
  std::vector<double> m(static_cast<size_t>(s.features)), inv(static_cast<size_t>(s.features));
  std::vector<double> sumDy(static_cast<size_t>(s.features)), sumDyXhat(static_cast<size_t>(s.features));
  for (int64_t j = 0; j < s.features; ++j) {
    m[j] = mean.data[j];
    inv[j] = invStd.data[j];
  }
  BatchNormArgs a{};
  a.x = x.data;
  a.dy = dy.data;
  a.gamma = gamma.present ? gamma.data : nullptr;
  a.rows = s.rows;
  a.features = s.features;
  a.mean = m.data();
  a.invStd = inv.data();
  a.sumDy = sumDy.data();
  a.sumDyXhat = sumDyXhat.data();
  a.y = dx.data;
  const KernelTable& k = kernels();
  if (s.n > 0) {
    run_parallel(s.features, feature_grain(s), [&](int64_t b, int64_t e) { k.batch_norm_backward_sums(a, b, e); });
    run_parallel(s.rows, row_grain(s), [&](int64_t b, int64_t e) { k.batch_norm_backward_dx(a, b, e); });
  }
  for (int64_t j = 0; j < s.features; ++j) {
    if (dgamma.present) dgamma.data[j] = static_cast<float>(sumDyXhat[j]);
    if (dbeta.present) dbeta.data[j] = static_cast<float>(sumDy[j]);
  }
  return info.Env().Undefined();
}

}  // namespace nabla

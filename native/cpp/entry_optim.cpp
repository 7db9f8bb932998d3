// Entry points of the in-place optimizer steps. Hyper-parameters come in a Float64Array `hyper`
// (booleans as 0/1); every array has exactly param.length elements and none shares memory with another.
//   sgdStep(hyper, param, grad, momentumBuf|null)
//                                          hyper = [lr, momentum, dampening, nesterov, weightDecay, firstStep]
//   adamStep(hyper, param, grad, expAvg, expAvgSq, maxExpAvgSq|null)
//                                          hyper = [lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, step]
//   rmspropStep(hyper, param, grad, squareAvg, momentumBuf|null, gradAvg|null)
//                                          hyper = [lr, alpha, eps, weightDecay, momentum, centered]
//   adagradStep(hyper, param, grad, stateSum)          hyper = [clr, eps, weightDecay]
#include <cmath>
#include <initializer_list>

#include "args.h"
#include "dispatch.h"
#include "entries.h"

namespace nabla {
namespace {

struct Named {
  const char* name;
  F32 array;
};

// Checks lengths against param and that no two arrays share memory.
void check_arrays(const Args& args, std::initializer_list<Named> arrays) {
  const int64_t n = arrays.begin()->array.length;
  for (const Named& a : arrays) {
    if (a.array.present) args.exact_length(a.name, a.array, n, "param.length");
  }
  for (auto i = arrays.begin(); i != arrays.end(); ++i) {
    for (auto j = i + 1; j != arrays.end(); ++j) {
      if (i->array.present && j->array.present) args.disjoint(i->name, i->array.data, n, j->name, j->array.data, n);
    }
  }
}

const double* read_hyper(const Args& args, int64_t needed, const char* layout) {
  int64_t length = 0;
  const double* hyper = args.f64(0, "hyper", &length);
  args.need_meta("hyper", length, needed, layout);
  for (int64_t i = 0; i < needed; ++i) args.meta_finite(hyper, i, Label(nullptr, "hyper", static_cast<int>(i)));
  return hyper;
}

bool flag(const Args& args, const double* hyper, int64_t i, const char* name) {
  return args.meta_int(hyper, i, 0, 1, name) == 1;
}

void require(const Args& args, const F32& a, const char* name, const char* when) {
  if (!a.present) {
    args.type_error(std::string("argument '") + name + "' must be a Float32Array when " + when + ", got null");
  }
}

}  // namespace

Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  const Args args(info, "sgdStep", 4);
  const double* h = read_hyper(args, 6, "[lr, momentum, dampening, nesterov, weightDecay, firstStep]");
  const F32 param = args.f32(1, "param");
  const F32 grad = args.f32(2, "grad");
  const F32 buf = args.f32_or_null(3, "momentumBuf");
  SgdArgs a{};
  a.lr = h[0];
  a.momentum = h[1];
  a.dampening = h[2];
  a.nesterov = flag(args, h, 3, "nesterov");
  a.weightDecay = h[4];
  a.firstStep = flag(args, h, 5, "firstStep");
  if (a.momentum != 0.0) require(args, buf, "momentumBuf", "momentum != 0");
  check_arrays(args, {{"param", param}, {"grad", grad}, {"momentumBuf", buf}});
  a.param = param.data;
  a.grad = grad.data;
  a.buf = buf.data;
  const KernelTable& k = kernels();
  run_parallel(param.length, kGrainCheap, [&](int64_t b, int64_t e) { k.sgd(a, b, e); });
  return info.Env().Undefined();
}

Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  const Args args(info, "adamStep", 6);
  const double* h = read_hyper(args, 8, "[lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, step]");
  const F32 param = args.f32(1, "param");
  const F32 grad = args.f32(2, "grad");
  const F32 expAvg = args.f32(3, "expAvg");
  const F32 expAvgSq = args.f32(4, "expAvgSq");
  const F32 maxSq = args.f32_or_null(5, "maxExpAvgSq");
  AdamArgs a{};
  a.lr = h[0];
  a.beta1 = h[1];
  a.beta2 = h[2];
  a.eps = h[3];
  a.weightDecay = h[4];
  a.decoupled = flag(args, h, 5, "decoupled");
  a.amsgrad = flag(args, h, 6, "amsgrad");
  const int64_t step = args.meta_int(h, 7, 1, int64_t{1} << 53, "step");
  a.biasCorrection1 = 1.0 - std::pow(a.beta1, static_cast<double>(step));
  a.biasCorrection2 = 1.0 - std::pow(a.beta2, static_cast<double>(step));
  if (a.amsgrad) require(args, maxSq, "maxExpAvgSq", "amsgrad is set");
  check_arrays(args, {{"param", param}, {"grad", grad}, {"expAvg", expAvg}, {"expAvgSq", expAvgSq},
                      {"maxExpAvgSq", maxSq}});
  a.param = param.data;
  a.grad = grad.data;
  a.expAvg = expAvg.data;
  a.expAvgSq = expAvgSq.data;
  a.maxExpAvgSq = maxSq.data;
  const KernelTable& k = kernels();
  run_parallel(param.length, kGrainCheap / 4, [&](int64_t b, int64_t e) { k.adam(a, b, e); });
  return info.Env().Undefined();
}

Napi::Value RmspropStep(const Napi::CallbackInfo& info) {
  const Args args(info, "rmspropStep", 6);
  const double* h = read_hyper(args, 6, "[lr, alpha, eps, weightDecay, momentum, centered]");
  const F32 param = args.f32(1, "param");
  const F32 grad = args.f32(2, "grad");
  const F32 squareAvg = args.f32(3, "squareAvg");
  const F32 buf = args.f32_or_null(4, "momentumBuf");
  const F32 gradAvg = args.f32_or_null(5, "gradAvg");
  RmspropArgs a{};
  a.lr = h[0];
  a.alpha = h[1];
  a.eps = h[2];
  a.weightDecay = h[3];
  a.momentum = h[4];
  a.centered = flag(args, h, 5, "centered");
  if (a.momentum > 0.0) require(args, buf, "momentumBuf", "momentum > 0");
  if (a.centered) require(args, gradAvg, "gradAvg", "centered is set");
  check_arrays(args, {{"param", param}, {"grad", grad}, {"squareAvg", squareAvg}, {"momentumBuf", buf},
                      {"gradAvg", gradAvg}});
  a.param = param.data;
  a.grad = grad.data;
  a.squareAvg = squareAvg.data;
  a.buf = buf.data;
  a.gradAvg = gradAvg.data;
  const KernelTable& k = kernels();
  run_parallel(param.length, kGrainCheap / 4, [&](int64_t b, int64_t e) { k.rmsprop(a, b, e); });
  return info.Env().Undefined();
}

Napi::Value AdagradStep(const Napi::CallbackInfo& info) {
  const Args args(info, "adagradStep", 4);
  const double* h = read_hyper(args, 3, "[clr, eps, weightDecay]");
  const F32 param = args.f32(1, "param");
  const F32 grad = args.f32(2, "grad");
  const F32 stateSum = args.f32(3, "stateSum");
  AdagradArgs a{};
  a.clr = h[0];
  a.eps = h[1];
  a.weightDecay = h[2];
  check_arrays(args, {{"param", param}, {"grad", grad}, {"stateSum", stateSum}});
  a.param = param.data;
  a.grad = grad.data;
  a.stateSum = stateSum.data;
  const KernelTable& k = kernels();
  run_parallel(param.length, kGrainCheap / 4, [&](int64_t b, int64_t e) { k.adagrad(a, b, e); });
  return info.Env().Undefined();
}

}  // namespace nabla

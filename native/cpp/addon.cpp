// The module: registers every entry point and exports the op names in code order, so the TypeScript
// wrapper maps names to codes from the binary itself (one source of truth).
#include <napi.h>

#include <exception>
#include <new>

#include "entries.h"
#include "gemm/fp_mode.h"
#include "host_malloc.h"

namespace nabla {
namespace {

// Bumped whenever an entry point's arguments change; the wrapper refuses a binary built for another.
constexpr int kAbiVersion = 3;

// node-addon-api turns only Napi::Error into a JavaScript exception; anything else thrown (std::bad_alloc
// from a scratch vector) would terminate the process, so every entry point goes through this guard. It
// also sets the addon's one floating-point policy for the call, IEEE denormals (see gemm/fp_mode.h), which
// the thread pool hands on to its workers with each job.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  IeeeDenormalsScope ieee;
  try {
    return Fn(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(info.Env(), "native: out of memory for the scratch space of this call");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("native: internal error: ") + e.what());
  }
}

Napi::Array names(Napi::Env env, const char* const* list, int count) {
  Napi::Array a = Napi::Array::New(env, count);
  for (int i = 0; i < count; ++i) a.Set(static_cast<uint32_t>(i), list[i]);
  return a;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  configure_host_malloc();
  struct Entry {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  };
  static const Entry entries[] = {
      {"unary", Guarded<Unary>},
      {"binary", Guarded<Binary>},
      {"where", Guarded<Where>},
      {"copy", Guarded<Copy>},
      {"fill", Guarded<Fill>},
      {"reduce", Guarded<Reduce>},
      {"argmax", Guarded<Argmax>},
      {"gemm", Guarded<Gemm>},
      {"linear", Guarded<Linear>},
      {"activation", Guarded<Activation>},
      {"activationBackward", Guarded<ActivationBackward>},
      {"prelu", Guarded<Prelu>},
      {"preluBackward", Guarded<PreluBackward>},
      {"crossEntropy", Guarded<CrossEntropy>},
      {"crossEntropyBackward", Guarded<CrossEntropyBackward>},
      {"batchNorm", Guarded<BatchNorm>},
      {"batchNormBackward", Guarded<BatchNormBackward>},
      {"sgdStep", Guarded<SgdStep>},
      {"adamStep", Guarded<AdamStep>},
      {"rmspropStep", Guarded<RmspropStep>},
      {"adagradStep", Guarded<AdagradStep>},
      {"gatherBytes", Guarded<GatherBytes>},
      {"gatherRows", Guarded<GatherRows>},
      {"setNumThreads", Guarded<SetNumThreads>},
      {"getNumThreads", Guarded<GetNumThreads>},
      {"setIsa", Guarded<SetIsa>},
      {"info", Guarded<Info>},
  };

  for (const Entry& e : entries) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  exports.Set("abiVersion", kAbiVersion);
  exports.Set("maxDims", kMaxDims);
  exports.Set("unaryOps", names(env, kUnaryNames, kCopy));  // 'copy' is internal: it has its own entry
  exports.Set("binaryOps", names(env, kBinaryNames, kBinaryCount));
  exports.Set("reduceOps", names(env, kReduceNames, kReduceCount));
  exports.Set("activations", names(env, kActNames, kActCount));
  return exports;
}

}  // namespace
}  // namespace nabla

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return nabla::Init(env, exports); }

NODE_API_MODULE(nabla, InitAddon)

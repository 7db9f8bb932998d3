// The module: registers every entry point and exports the op names in code order, so the TypeScript
// wrapper maps names to codes from the binary itself (one source of truth).
#include <napi.h>

#include <exception>
#include <new>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

#include "entries.h"

namespace nabla {
namespace {

// Bumped whenever an entry point's arguments change; the wrapper refuses a binary built for another.
constexpr int kAbiVersion = 2;

// Flush-to-zero and denormals-are-zero while a GEMM or an optimizer step runs on Node's thread, restored on
// the way out so JavaScript math keeps IEEE semantics. Why: Adam's first moment decays by 0.9 a step and
// reaches the denormal range within a few epochs for rarely used weights, and tiny gradients feed the GEMMs;
// arithmetic on denormals is slow (up to ~100x per instruction on Intel; PyTorch measures ~15% of a
// training step, see torch.set_flush_denormal). Pool workers run with the same flags for their whole life,
// so these results do not depend on the thread count. Element-wise ops keep IEEE denormals.
class FlushDenormalsScope {
 public:
#if defined(__x86_64__) || defined(_M_X64)
  FlushDenormalsScope() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }
  ~FlushDenormalsScope() { _mm_setcsr(saved_); }

 private:
  unsigned int saved_;
#endif
};

// node-addon-api turns only Napi::Error into a JavaScript exception; anything else thrown (std::bad_alloc
// from a scratch vector) would terminate the process, so every entry point goes through this guard.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
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

template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value Flushing(const Napi::CallbackInfo& info) {
  FlushDenormalsScope flush;
  return Guarded<Fn>(info);
}

Napi::Array names(Napi::Env env, const char* const* list, int count) {
  Napi::Array a = Napi::Array::New(env, count);
  for (int i = 0; i < count; ++i) a.Set(static_cast<uint32_t>(i), list[i]);
  return a;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
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
      {"gemm", Flushing<Gemm>},
      {"linear", Flushing<Linear>},
      {"activation", Guarded<Activation>},
      {"activationBackward", Guarded<ActivationBackward>},
      {"prelu", Guarded<Prelu>},
      {"preluBackward", Guarded<PreluBackward>},
      {"crossEntropy", Guarded<CrossEntropy>},
      {"crossEntropyBackward", Guarded<CrossEntropyBackward>},
      {"batchNorm", Guarded<BatchNorm>},
      {"batchNormBackward", Guarded<BatchNormBackward>},
      {"sgdStep", Flushing<SgdStep>},
      {"adamStep", Flushing<AdamStep>},
      {"rmspropStep", Flushing<RmspropStep>},
      {"adagradStep", Flushing<AdagradStep>},
      {"gatherBytes", Guarded<GatherBytes>},
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

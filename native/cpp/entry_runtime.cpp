// Entry points of the runtime settings: thread count, ISA (forcing a lower path, for tests) and info.
#include <string>

#include "args.h"
#include "dispatch.h"
#include "entries.h"
#include "host_malloc.h"

namespace nabla {

constexpr int64_t kMaxThreads = 1024;

// setNumThreads(n)
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const Args args(info, "setNumThreads", 1);
  const int64_t n = args.count(0, "n");
  if (n < 1 || n > kMaxThreads) {
    args.range_error("argument 'n' must be an integer in [1, " + std::to_string(kMaxThreads) + "], got " +
                     std::to_string(n));
  }
  set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), get_num_threads());
}

// setIsa(name): forces 'portable' | 'avx2' | 'avx512' (clamped to what the CPU has); returns the ISA in use.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  const Args args(info, "setIsa", 1);
  if (!info[0].IsString()) args.type_error("argument 'isa' must be a string ('portable' | 'avx2' | 'avx512')");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  Isa isa;
  if (name == "portable") {
    isa = Isa::Portable;
  } else if (name == "avx2") {
    isa = Isa::Avx2;
  } else if (name == "avx512") {
    isa = Isa::Avx512;
  } else {
    args.range_error("argument 'isa' must be 'portable', 'avx2' or 'avx512', got '" + name + "'");
  }
  set_isa(isa);
  return Napi::String::New(info.Env(), isa_name(active_isa()));
}

// info(): { isa, bestIsa, kernels, threads, malloc }; `kernels` names the element-wise build in use,
// `malloc` the host-memory policy (host_malloc.cpp).
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isa_name(active_isa()));
  o.Set("bestIsa", isa_name(best_isa()));
  o.Set("kernels", kernels().isa);
  o.Set("threads", get_num_threads());
  o.Set("malloc", host_malloc_policy());
  return o;
}

}  // namespace nabla

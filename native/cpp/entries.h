#pragma once
// The addon's entry points, one per Backend method (see native/src/addon.ts for the argument layout each
// takes from JavaScript), and the op names exported in code order.
#include <napi.h>

#include "kernels/kernels.h"

namespace nabla {

extern const char* const kUnaryNames[kUnaryCount];
extern const char* const kBinaryNames[kBinaryCount];
extern const char* const kReduceNames[kReduceCount];
extern const char* const kActNames[kActCount];

Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value Where(const Napi::CallbackInfo& info);
Napi::Value Copy(const Napi::CallbackInfo& info);
Napi::Value Fill(const Napi::CallbackInfo& info);
Napi::Value Reduce(const Napi::CallbackInfo& info);
Napi::Value Argmax(const Napi::CallbackInfo& info);
Napi::Value Gemm(const Napi::CallbackInfo& info);
Napi::Value Linear(const Napi::CallbackInfo& info);
Napi::Value Activation(const Napi::CallbackInfo& info);
Napi::Value ActivationBackward(const Napi::CallbackInfo& info);
Napi::Value Prelu(const Napi::CallbackInfo& info);
Napi::Value PreluBackward(const Napi::CallbackInfo& info);
Napi::Value CrossEntropy(const Napi::CallbackInfo& info);
Napi::Value CrossEntropyBackward(const Napi::CallbackInfo& info);
Napi::Value BatchNorm(const Napi::CallbackInfo& info);
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info);
Napi::Value SgdStep(const Napi::CallbackInfo& info);
Napi::Value AdamStep(const Napi::CallbackInfo& info);
Napi::Value RmspropStep(const Napi::CallbackInfo& info);
Napi::Value AdagradStep(const Napi::CallbackInfo& info);
Napi::Value GatherBytes(const Napi::CallbackInfo& info);
Napi::Value GatherRows(const Napi::CallbackInfo& info);
Napi::Value SetNumThreads(const Napi::CallbackInfo& info);
Napi::Value GetNumThreads(const Napi::CallbackInfo& info);
Napi::Value SetIsa(const Napi::CallbackInfo& info);
Napi::Value Info(const Napi::CallbackInfo& info);

}  // namespace nabla

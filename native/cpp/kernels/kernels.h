#pragma once
// The kernel interface shared by the addon's entry points and the per-ISA kernel builds.
//
// Every kernel source in this folder is compiled three times (portable, AVX2, AVX-512 flags), each time into
// its own namespace `nabla::k_<isa>`, and each build exports one `KernelTable`. The entry points validate
// their arguments, describe the work with the plain structs below, split it with parallel_for and call the
// table of the ISA in use. Kernels trust their arguments: every index they compute was bounds-checked.
//
// Only C headers here: this file is part of the per-ISA builds (see CMakeLists.txt for why).
#include <stddef.h>
#include <stdint.h>

namespace nabla {

constexpr int kMaxDims = 64;

/** Op codes; the entry points export the matching names to JavaScript in this order. */
enum UnaryCode : int { kNeg, kExp, kLog, kSqrt, kAbs, kCopy, kUnaryCount };
enum BinaryCode : int { kAdd, kSub, kMul, kDiv, kMax, kMin, kPow, kEq, kNe, kLt, kLe, kGt, kGe, kBinaryCount };
enum ReduceCode : int { kSum, kRedMax, kRedMin, kReduceCount };
enum ActCode : int { kIdentity, kSigmoid, kTanh, kRelu, kLeakyRelu, kElu, kSwish, kActCount };

/**
 * An element-wise iteration space after coalescing: `ndim` >= 1 dims, and for each input its strides in
 * elements. The output is contiguous, so flat index i of the space is out[i].
 */
struct Strided {
  int ndim;
  int64_t shape[kMaxDims];
  int64_t stride[3][kMaxDims];
};

struct EwArgs {
  const Strided* space;
  const float* in[3];  // base pointers, offsets applied
  float* out;
  int op;
};

/**
 * A reduction: out is contiguous over the kept dims (in order); each output element combines x over the
 * reduced dims. For argmax the single reduced dim is the axis.
 */
struct ReduceArgs {
  int op;
  int nk, nr;
  int64_t kshape[kMaxDims], kstride[kMaxDims];
  int64_t rshape[kMaxDims], rstride[kMaxDims];
  const float* x;
  float* out;
};
/**
 * unary_tiled handles views whose innermost dim is strided but whose next dim is contiguous (a transpose):
 * it works in kTile × kTile blocks so both the reads and the writes stay within a few cache lines. Unit u
 * is (matrix, block of kTile output rows).
 */
constexpr int64_t kTile = 32;

/** reduce_outer splits the innermost kept dim into chunks of this many outputs. */
constexpr int64_t kReduceChunk = 256;

struct ActArgs {
  int act;
  float alpha;
  const float* x;
  const float* y;   // act(x), read by activation_backward
  const float* dy;  // activation_backward only
  float* out;       // y for activation, dx for activation_backward
};

struct PreluArgs {
  const float* x;
  const float* a;
  int64_t na;  // 1 (shared slope) or features
  int64_t features;
  const float* dy;  // backward only
  float* out;       // y, or dx in backward
  double* colsum;   // backward: per-feature sum of x*dy where x <= 0
};

struct EpilogueArgs {
  float* y;         // [rows, cols], holds x·Wᵀ on entry
  float* preact;    // optional copy of x·Wᵀ + b
  const float* b;   // optional bias [cols]
  int64_t cols;
  int act;
  float alpha;
};

struct CrossEntropyArgs {
  const float* logits;    // forward
  const float* logProbs;  // backward input
  const float* targets;
  const float* gradLoss;  // backward
  int64_t classes;
  float* outLogProbs;     // forward
  float* loss;            // forward
  float* dlogits;         // backward
};

struct BatchNormArgs {
  const float* x;
  const float* dy;         // backward
  const float* gamma;      // optional
  const float* beta;       // optional (forward)
  int64_t rows, features;
  double eps;
  double* mean;            // per feature, computed (forward) or loaded (backward)
  double* invStd;
  double* sumDy;           // backward
  double* sumDyXhat;       // backward
  float* y;                // forward output, or dx in backward
};

struct SgdArgs {
  float* param; const float* grad; float* buf;
  double lr, momentum, dampening, weightDecay;
  bool nesterov, firstStep;
};

struct AdamArgs {
  float* param; const float* grad; float* expAvg; float* expAvgSq; float* maxExpAvgSq;
  double lr, beta1, beta2, eps, weightDecay;
  double biasCorrection1, biasCorrection2;
  bool decoupled, amsgrad;
};

struct RmspropArgs {
  float* param; const float* grad; float* squareAvg; float* buf; float* gradAvg;
  double lr, alpha, eps, weightDecay, momentum;
  bool centered;
};

struct AdagradArgs {
  float* param; const float* grad; float* stateSum;
  double clr, eps, weightDecay;
};

/** Rows of bytes gathered by index into float32: out[r * rowLength + j] = float(src[rows[r] * rowLength + j]) / divisor. */
struct GatherBytesArgs {
  const uint8_t* src;
  const uint32_t* rows;  // every index was checked to name a whole row of src
  int64_t rowLength;
  float divisor;
  float* out;
};

/** One ISA's kernels. Ranges are [begin, end) of flat elements, output elements, rows or features. */
struct KernelTable {
  const char* isa;
  void (*unary)(const EwArgs&, int64_t begin, int64_t end);
  void (*unary_tiled)(const EwArgs&, int64_t unitBegin, int64_t unitEnd);
  void (*binary)(const EwArgs&, int64_t begin, int64_t end);
  void (*where)(const EwArgs&, int64_t begin, int64_t end);
  void (*fill)(float* out, float value, int64_t n);
  void (*reduce_inner)(const ReduceArgs&, int64_t outBegin, int64_t outEnd);
  void (*reduce_outer)(const ReduceArgs&, int64_t unitBegin, int64_t unitEnd);
  void (*argmax)(const ReduceArgs&, int64_t outBegin, int64_t outEnd);
  void (*activation)(const ActArgs&, int64_t begin, int64_t end);
  void (*activation_backward)(const ActArgs&, int64_t begin, int64_t end);
  void (*prelu)(const PreluArgs&, int64_t rowBegin, int64_t rowEnd);
  void (*prelu_backward)(const PreluArgs&, int64_t rows, int64_t featureBegin, int64_t featureEnd);
  void (*linear_epilogue)(const EpilogueArgs&, int64_t rowBegin, int64_t rowEnd);
  void (*cross_entropy)(const CrossEntropyArgs&, int64_t rowBegin, int64_t rowEnd);
  void (*cross_entropy_backward)(const CrossEntropyArgs&, int64_t rowBegin, int64_t rowEnd);
  void (*batch_norm_stats)(const BatchNormArgs&, int64_t featureBegin, int64_t featureEnd);
  void (*batch_norm_apply)(const BatchNormArgs&, int64_t rowBegin, int64_t rowEnd);
  void (*batch_norm_backward_sums)(const BatchNormArgs&, int64_t featureBegin, int64_t featureEnd);
  void (*batch_norm_backward_dx)(const BatchNormArgs&, int64_t rowBegin, int64_t rowEnd);
  void (*sgd)(const SgdArgs&, int64_t begin, int64_t end);
  void (*adam)(const AdamArgs&, int64_t begin, int64_t end);
  void (*rmsprop)(const RmspropArgs&, int64_t begin, int64_t end);
  void (*adagrad)(const AdagradArgs&, int64_t begin, int64_t end);
  void (*gather_bytes)(const GatherBytesArgs&, int64_t rowBegin, int64_t rowEnd);
};

namespace k_portable { const KernelTable& table(); }
namespace k_avx2 { const KernelTable& table(); }
namespace k_avx512 { const KernelTable& table(); }

}  // namespace nabla

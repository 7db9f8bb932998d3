// @nabla/core: tensors with reverse-mode autograd, and the interface every backend implements.
export type * from './backend.js';
export * from './errors.js';
// backendForMemory and withBackend stay internal: autograd and reads use them to reach a tensor's memory.
export {
  registerBackend, registerUnavailableBackend, setBackend, hasBackend, getBackendByName, getBackend, listBackends,
  backendInfo, setNumThreads, getNumThreads, kernel, type AnyBackend,
} from './registry.js';
export { Generator, manualSeed, defaultGenerator } from './rng.js';
export { Tensor, dropGrad, gradOf, type TensorLike, type NestedArray } from './tensor.js';
export type { CreateOptions, TensorOptions, RandomOptions } from './creation.js';
// The creation functions, with PyTorch's argument forms (zeros(2, 3)) and checked arguments.
export {
  tensor, full, zeros, ones, zerosLike, onesLike, arange, linspace, randn, rand, randint, randperm,
  type RandnOptions, type RandOptions,
} from './factories.js';
// record + needsGrad are the custom-op API: compute an output without recording, then attach its gradient.
export {
  noGrad, isGradEnabled, setGradEnabled, record, needsGrad, registerPostAccumulateGradHook, type GradNode, type BackwardOptions,
  type PostAccumulateGradHook,
} from './autograd.js';
export { gradcheck, GradcheckError, type GradcheckOptions } from './gradcheck.js';
export { formatTensor, setPrintOptions, type PrintOptions } from './format.js';
// For packages and custom ops that check their own arguments the way core does.
export { checkOptions, checkTensor, describeValue } from './check.js';
export {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, neg, exp, log, sqrt, abs, sign, where, clamp,
} from './ops/elementwise.js';
export { sum, mean, max, min, argmax, argmin, sumTo } from './ops/reduce.js';
export {
  reshape, flatten, permute, transpose, expand, squeeze, unsqueeze, slice, select, concat, stack, clone,
} from './ops/views.js';
export { matmul } from './ops/matmul.js';
export { hostMemory, HostMemory, sizeClass, type HostMemoryStats } from './host-memory.js';
export { memoryOf, fromHost } from './memory.js';
export { coalesce, type Coalesced } from './plan.js';
export {
  activation, activationComposed, activationBackwardComposed, sigmoid, tanh, relu, leakyRelu, elu, swish, silu, prelu,
  softmax, logSoftmax, linear, softmaxCrossEntropy, oneHotOf, batchNorm, denseStorage, type BatchNormResult,
} from './ops/nn.js';
export { sizeOf, contiguousStrides, broadcastShapes, isContiguous } from './shape.js';

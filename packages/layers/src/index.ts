// @nabla/layers: Module and Sequential, Linear, the activations (as modules and as functions), BatchNorm1d,
// Dropout, Flatten and initializers.
export { Module, type StateDict } from './module.js';
export type { LoadStateDictOptions, LoadResult } from './state.js';
export { Sequential } from './sequential.js';
export { Linear, type LinearOptions } from './linear.js';
export {
  Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Swish, SiLU, PReLU,
  type LeakyReLUOptions, type ELUOptions, type PReLUOptions, type FusableActivation,
} from './activations.js';
export { BatchNorm1d, type BatchNorm1dOptions } from './batchnorm.js';
export { Dropout, dropout, type DropoutOptions } from './dropout.js';
export { Flatten, Identity } from './flatten.js';
export * as init from './init.js';
export {
  kaimingUniform, kaimingNormal, xavierUniform, xavierNormal, calculateGain,
  type KaimingOptions, type XavierOptions, type FanMode, type Nonlinearity,
} from './init.js';
// The activation functions, so `import { relu } from '@nabla/layers'` works like torch.nn.functional.
export { activation, sigmoid, tanh, relu, leakyRelu, elu, swish, silu, prelu, softmax, logSoftmax } from '@nabla/core';

// @nabla/backend-js: the Backend of nabla in plain TypeScript over Float32Array. Importing this module
// registers it under the name 'js' with priority 0, so a faster backend (the native addon) wins when present.

import { hostMemory, registerBackend, type Backend, type BackendInfo } from '@nabla/core';
import { binary, unary, where } from './elementwise.js';
import { argmax, reduce } from './reduce.js';
import { copy, fill } from './copy.js';
import { gemm } from './gemm.js';
import { activation, activationBackward, prelu, preluBackward } from './activations.js';
import { linear } from './linear.js';
import { crossEntropy, crossEntropyBackward } from './crossEntropy.js';
import { batchNorm, batchNormBackward } from './batchNorm.js';
import { adagradStep, adamStep, rmspropStep, sgdStep } from './optimizers.js';
import { gatherBytes, gatherRows } from './bytes.js';

export class JsBackend implements Backend {
  readonly name = 'js';
  /** Host memory, shared with every host backend: tensors move to and from the native addon for free. */
  readonly memory = hostMemory;

  info(): BackendInfo {
    return { name: this.name, available: true, details: { threads: 1, gemm: 'packed 4x4 register tiles, float64 accumulation' } };
  }

  getNumThreads(): number {
    return 1;
  }

  // Primitives
  readonly unary = unary;
  readonly binary = binary;
  readonly where = where;
  readonly reduce = reduce;
  readonly argmax = argmax;
  readonly gemm = gemm;
  readonly copy = copy;
  readonly fill = fill;

  // Fused kernels
  readonly activation = activation;
  readonly activationBackward = activationBackward;
  readonly prelu = prelu;
  readonly preluBackward = preluBackward;
  readonly linear = linear;
  readonly crossEntropy = crossEntropy;
  readonly crossEntropyBackward = crossEntropyBackward;
  readonly batchNorm = batchNorm;
  readonly batchNormBackward = batchNormBackward;

  // Named kernels: their default compositions live in @nabla/optimizers and @nabla/data.
  readonly kernels = { gatherBytes, gatherRows, sgdStep, adamStep, rmspropStep, adagradStep };
}

registerBackend('js', () => new JsBackend(), 0);

// Each optimizer step as the backend's registered kernel against this package's composition of primitives
// (the reference backend has no kernels, so the composition runs there), over several steps, in place.

import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, it } from 'vitest';
import { Generator, zeros, denseStorage, type Storage } from '@nabla/core';
import { assertClose, backendsUnderTest, onBoth, randomTensor, registerReference } from '@nabla/backend-tests';
import { optimKernels } from '../src/index.js';

registerReference();

for (const name of backendsUnderTest()) {
  describe(`${name}: optimizer kernels against their composition`, () => {
    const gen = new Generator(21);
  const steps = 4;
  const optimCases: [string, (p: Storage, g: Storage, s: Storage[], t: number) => void, number][] = [
    ['sgd', (p, g, s, t) => optimKernels.sgdStep(p, g, null, { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: t === 1 }), 0],
    ['sgd momentum + dampening + decay', (p, g, s, t) => optimKernels.sgdStep(p, g, s[0]!, { lr: 0.05, momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0.01, firstStep: t === 1 }), 1],
    ['sgd nesterov', (p, g, s, t) => optimKernels.sgdStep(p, g, s[0]!, { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0, firstStep: t === 1 }), 1],
    ['adam', (p, g, s, t) => optimKernels.adamStep(p, g, s[0]!, s[1]!, null, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: t }), 2],
    ['adam amsgrad + decay', (p, g, s, t) => optimKernels.adamStep(p, g, s[0]!, s[1]!, s[2]!, { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false, amsgrad: true, step: t }), 3],
    ['adamw', (p, g, s, t) => optimKernels.adamStep(p, g, s[0]!, s[1]!, null, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false, step: t }), 2],
    ['rmsprop', (p, g, s) => optimKernels.rmspropStep(p, g, s[0]!, null, null, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }), 1],
    ['rmsprop centered + momentum + decay', (p, g, s) => optimKernels.rmspropStep(p, g, s[0]!, s[1]!, s[2]!, { lr: 1e-2, alpha: 0.9, eps: 1e-8, weightDecay: 0.05, momentum: 0.5, centered: true }), 3],
    ['adagrad', (p, g, s, t) => optimKernels.adagradStep(p, g, s[0]!, { clr: 0.1 / (1 + (t - 1) * 0.01), eps: 1e-10, weightDecay: 0.02 }), 1],
  ];
    for (const [label, step, nState] of optimCases) {
    it(`optimizer step ${label} (${steps} steps, in place)`, () => {
      const p0 = Float32Array.from(randomTensor(gen, [1031]).data());
      const grads = Array.from({ length: steps }, () => Float32Array.from(randomTensor(gen, [1031]).data()));
      // Tensors made inside, so that each run keeps them in the memory of its backend.
      const [got, want] = onBoth(name, () => {
        const p = zeros([1031]).copy_(p0);
        const state = Array.from({ length: nState }, () => zeros([1031]));
        grads.forEach((g, i) => step(denseStorage(p), denseStorage(zeros([1031]).copy_(g)), state.map(denseStorage), i + 1));
        return [p, ...state];
      });
      // Each primitive of the composition rounds to float32; a fused step rounds once. Intermediate values
      // of order 1 make a few ulps of 1 the fair absolute tolerance.
      got.forEach((arr, i) => assertClose(arr, want[i]!, `${label} ${i === 0 ? 'param' : `state ${i}`}`, { rtol: 1e-5, atol: 1e-6 }));
    });
  }
  });
}

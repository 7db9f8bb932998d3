// Every fused kernel of the backend under test against core's composition of primitives on the reference
// backend: activations and their derivatives, PReLU, linear, softmax cross-entropy, BatchNorm and the
// in-place optimizer steps.

import { describe, expect, it } from 'vitest';
import {
  Generator, getBackend, Tensor, tensor, activation, prelu, linear, softmaxCrossEntropy, batchNorm, type Activation,
} from '@nabla/core';
import { assertClose } from './golden.js';
import { onBoth } from './primitives.suite.js';
import { randomTensor } from './random.js';

const acts: [Activation, number][] = [
  ['identity', 0], ['sigmoid', 0], ['tanh', 0], ['relu', 0], ['leakyRelu', 0.01], ['leakyRelu', 0.3],
  ['elu', 1], ['elu', 0.5], ['swish', 0],
];

/** Forward output and input gradient of f for an upstream gradient dy. */
function forwardBackward(f: (x: Tensor) => Tensor, x0: Tensor, dy: Tensor): [Tensor, Tensor] {
  const x = x0.detach().requiresGrad_();
  const y = f(x);
  y.backward(dy);
  return [y, x.grad!];
}

/** Overwrites the first elements of t (in whatever memory it lives). */
function setFirst(t: Tensor, values: number[]): void {
  const all = Float32Array.from(t.data());
  all.set(values, 0);
  t.copy_(all);
}

export function fusedSuite(name: string): void {
  describe(`${name}: fused kernels against the composition of primitives`, () => {
    const gen = new Generator(21);
    const has = (k: string): string => (k in getBackend() || k in (getBackend().kernels ?? {}) ? 'fused' : 'composed');

    for (const [act, alpha] of acts) {
      it(`activation ${act}(alpha ${alpha}) forward and backward, including saturated inputs`, () => {
        const x = randomTensor(gen, [37, 29], { low: -8, high: 8 });
        setFirst(x, [60, -60, 100, -100, 0, 1e-8, -1e-8, 20, -20, 88, -88]);
        const dy = randomTensor(gen, [37, 29]);
        const [[y, dx], [ry, rdx]] = onBoth(name, () => forwardBackward((t) => activation(t, act, alpha), x, dy));
        assertClose(y, ry, `${act} forward (${has('activation')})`, { rtol: 2e-6, atol: 1e-7 });
        // The composition rounds y before forming y(1 - y) or 1 - y², so near saturation it carries absolute
        // errors of a few float32 ulps of 1; a fused kernel may be more accurate than that.
        assertClose(dx, rdx, `${act} backward (${has('activationBackward')})`, { rtol: 1e-5, atol: 1e-6 });
        for (const v of [...y.data(), ...dx.data()]) expect(Number.isFinite(v)).toBe(true);
      });
    }

    it('prelu, shared and per-feature slope, with the slope gradient', () => {
      for (const slopes of [1, 6]) {
        const x = randomTensor(gen, [9, 6]);
        const a0 = randomTensor(gen, [slopes], { low: 0, high: 0.5 });
        const dy = randomTensor(gen, [9, 6]);
        const [[y, dx, da], [ry, rdx, rda]] = onBoth(name, () => {
          const xi = x.detach().requiresGrad_();
          const a = a0.detach().requiresGrad_();
          const out = prelu(xi, a);
          out.backward(dy);
          return [out, xi.grad!, a.grad!];
        });
        assertClose(y, ry, 'prelu forward', { rtol: 1e-6, atol: 0 });
        assertClose(dx, rdx, 'prelu dx', { rtol: 1e-6, atol: 0 });
        assertClose(da, rda, 'prelu dalpha', { rtol: 1e-5, atol: 1e-6 });
      }
    });

    for (const [act, alpha] of acts) {
      it(`linear + ${act}: output and gradients of x, W and b`, () => {
        const x0 = randomTensor(gen, [13, 21]);
        const w0 = randomTensor(gen, [10, 21]);
        const b0 = randomTensor(gen, [10]);
        const dy = randomTensor(gen, [13, 10]);
        const [got, want] = onBoth(name, () => {
          const [x, w, b] = [x0, w0, b0].map((t) => t.detach().requiresGrad_());
          const y = linear(x!, w!, b!, act, alpha);
          y.backward(dy);
          return [y, x!.grad!, w!.grad!, b!.grad!];
        });
        ['y', 'dx', 'dW', 'db'].forEach((label, i) =>
          assertClose(got[i]!, want[i]!, `linear ${act} ${label}`, { rtol: 1e-5, atol: 2e-5 }));
      });
    }

    it('softmaxCrossEntropy forward and backward, stable for large logits', () => {
      const logits = randomTensor(gen, [17, 10], { low: -5, high: 5 });
      setFirst(logits, [500, -500, 0, 80]);
      const targets = tensor(Array.from({ length: 17 }, (_, i) => (i * 7) % 10));
      const g = randomTensor(gen, [17], { low: 0, high: 1 });
      const [[loss, d], [rl, rd]] = onBoth(name, () => {
        const x = logits.detach().requiresGrad_();
        const l = softmaxCrossEntropy(x, targets);
        l.backward(g);
        return [l, x.grad!];
      });
      assertClose(loss, rl, 'cross-entropy loss', { rtol: 1e-5, atol: 1e-6 });
      assertClose(d, rd, 'cross-entropy dlogits', { rtol: 1e-5, atol: 1e-7 });
    });

    it('batchNorm training forward and backward, with and without affine', () => {
      for (const affine of [true, false]) {
        const x0 = randomTensor(gen, [16, 7], { low: -3, high: 5 });
        const g0 = randomTensor(gen, [7]);
        const b0 = randomTensor(gen, [7]);
        const dy = randomTensor(gen, [16, 7]);
        const [got, want] = onBoth(name, () => {
          const x = x0.detach().requiresGrad_();
          const g = g0.detach().requiresGrad_();
          const b = b0.detach().requiresGrad_();
          const res = batchNorm(x, affine ? g : null, affine ? b : null, 1e-5);
          res.y.backward(dy);
          return affine ? [res.y, res.mean, res.variance, x.grad!, g.grad!, b.grad!] : [res.y, res.mean, res.variance, x.grad!];
        });
        ['y', 'mean', 'var', 'dx', 'dgamma', 'dbeta'].slice(0, got.length).forEach((label, i) =>
          assertClose(got[i]!, want[i]!, `batchNorm affine=${affine} ${label}`, { rtol: 2e-5, atol: 2e-5 }));
      }
    });

  });
}

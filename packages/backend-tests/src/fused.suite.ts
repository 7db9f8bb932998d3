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
import { gatherBytes } from '@nabla/data';
import { optimKernels } from '@nabla/optimizers';

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

    it(`gatherBytes: rows of bytes by index, divided once in float32 (${has('gatherBytes')})`, () => {
      const rowLength = 37; // not a multiple of any vector width
      const src = new Uint8Array(rowLength * 50).map(() => gen.nextUint32() & 255);
      src.fill(255, 0, rowLength); // row 0 holds the largest byte
      const rows = Uint32Array.from({ length: 40 }, () => gen.nextUint32() % 50);
      rows[3] = 0;
      rows[4] = 49;
      for (const divisor of [255, 1, 3.7, 0.1, 1e-30]) {
        const fd = Math.fround(divisor);
        const [got, want] = onBoth(name, () => {
          const out = new Float32Array(30 * rowLength + 5).fill(-1);
          gatherBytes(src, rowLength, rows, 2, 30, divisor, out);
          return out;
        });
        expect(got).toEqual(want);
        for (let r = 0; r < 30; r++) {
          for (let j = 0; j < rowLength; j++) {
            const exact = Math.fround(src[rows[2 + r]! * rowLength + j]! / fd);
            if (got[r * rowLength + j] !== exact) expect.fail(`divisor ${divisor}: row ${r}, column ${j}: ${got[r * rowLength + j]} != ${exact}`);
          }
        }
        expect([...got.subarray(30 * rowLength)]).toEqual([-1, -1, -1, -1, -1]); // nothing past count rows
      }
      const out = new Float32Array(rowLength);
      expect(() => gatherBytes(src, rowLength, Uint32Array.of(50), 0, 1, 255, out)).toThrow(/rows\[0\] = 50 is out of range for 50 rows/);
      expect(() => gatherBytes(src, rowLength, rows, 39, 2, 255, new Float32Array(2 * rowLength))).toThrow(/rows\[39 \.\. 41\) is outside/);
      expect(() => gatherBytes(src, rowLength, rows, 0, 2, 255, out)).toThrow(/out holds 37 values, 2 rows of 37 need 74/);
      expect(() => gatherBytes(src, rowLength, rows, 0, 1, 0, out)).toThrow(/divisor must be a positive number/);
      expect(() => gatherBytes(src, rowLength, rows, 0, 1, NaN, out)).toThrow(/divisor must be a positive number/);
      expect(() => gatherBytes(src, 0, rows, 0, 1, 255, out)).toThrow(/rowLength must be an integer >= 1/);
    });

    const steps = 4;
    const optimCases: [string, (p: Float32Array, g: Float32Array, s: Float32Array[], t: number) => void, number][] = [
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
        const p0 = randomTensor(gen, [1031]).data();
        const grads = Array.from({ length: steps }, () => randomTensor(gen, [1031]).data());
        const [got, want] = onBoth(name, () => {
          const p = p0.slice();
          const state = Array.from({ length: nState }, () => new Float32Array(p.length));
          grads.forEach((g, i) => step(p, g, state, i + 1));
          return [p, ...state];
        });
        // Each primitive of the composition rounds to float32; a fused step rounds once. Intermediate values
        // of order 1 make a few ulps of 1 the fair absolute tolerance.
        got.forEach((arr, i) => assertClose(arr, want[i]!, `${label} ${i === 0 ? 'param' : `state ${i}`}`, { rtol: 1e-5, atol: 1e-6 }));
      });
    }
  });
}

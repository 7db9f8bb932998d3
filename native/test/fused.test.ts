// Fused kernels against float64 references on every ISA: activations and derivatives (extremes
// included), PReLU, log-softmax + cross-entropy, BatchNorm forward and backward.
import type { Activation } from '@nabla/core';
import { beforeAll, describe, expect, it } from 'vitest';

import { ISAS, backend, expectClose, randomArray, rng, useIsa } from './helpers.js';

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const ALPHA = 0.2;
const FORWARD: Record<Activation, (x: number) => number> = {
  identity: (x) => x,
  sigmoid,
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  leakyRelu: (x) => (x > 0 ? x : ALPHA * x),
  elu: (x) => (x > 0 ? x : ALPHA * Math.expm1(x)),
  swish: (x) => x * sigmoid(x),
};
// dy * act'(x) given x and y = act(x) (float32, as the kernel receives it). Like PyTorch, sigmoid and tanh
// differentiate through y; conventions at 0: relu 0, leakyRelu the slope, elu alpha.
const BACKWARD: Record<Activation, (x: number, y: number) => number> = {
  identity: () => 1,
  sigmoid: (_x, y) => y * (1 - y),
  tanh: (_x, y) => 1 - y * y,
  relu: (x) => (x > 0 ? 1 : 0),
  leakyRelu: (x) => (x > 0 ? 1 : ALPHA),
  elu: (x) => (x > 0 ? 1 : ALPHA * Math.exp(x)),
  swish: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))),
};

const EXTREMES = [0, -0, 1e-30, -1e-30, 50, -50, 88, -88, 100, -100, 1e4, -1e4, Infinity, -Infinity];

describe.each(ISAS)('fused kernels on %s', (isa) => {
  beforeAll(() => useIsa(isa));

  it.each(Object.keys(FORWARD) as Activation[])('activation %s and its derivative, extremes included', (act) => {
    const rand = rng(31);
    for (const n of [0, 1, 7, 33, 20000]) {
      const x = randomArray(rand, n + EXTREMES.length, -8, 8);
      x.set(EXTREMES, n);
      const y = new Float32Array(x.length);
      backend.activation!(act, ALPHA, x, y);
      const wantY = Float64Array.from(x, (v) => Math.fround(FORWARD[act](v)));
      // Absolute slack 1e-35: a denormal result carries fewer significant bits than the relative bound assumes.
      expectClose(y, wantY, 2e-6, 1e-35, `${act} forward`);
      const dy = randomArray(rand, x.length);
      const dx = new Float32Array(x.length);
      backend.activationBackward!(act, ALPHA, x, y, dy, dx);
      const wantDx = Float64Array.from(x, (v, i) => dy[i]! * BACKWARD[act](v, y[i]!));
      // Absolute slack 1e-7 (|dy| <= 2): near a zero of the derivative (swish at x = -1.28) float rounding
      // of its terms dominates.
      expectClose(dx, wantDx, 4e-6, 1e-7, `${act} backward`);
    }
  });

  it('exp and tanh (vectorized, not libm) stay within 2 ulp over their whole range, sigmoid within 3', () => {
    const ulp = (v: number): number => {
      const f = new Float32Array([Math.abs(v)]);
      new Uint32Array(f.buffer)[0]! += 1;
      return f[0]! - Math.abs(Math.fround(v));
    };
    const n = 200_003;
    const x = Float32Array.from({ length: n }, (_, i) => -104.5 + (194 * i) / n);
    x.set([0, -0, 1e-30, -1e-30, 0.55, -0.55, 88.72283, 88.7228394, -87.33654, -103.9, Infinity, -Infinity, NaN]);
    {
      const cases: [string, (out: Float32Array) => void, (v: number) => number, number][] = [
        ['exp', (out) => backend.unary('exp', { storage: x, shape: [n], strides: [1], offset: 0 }, out), Math.exp, 2],
        ['tanh', (out) => backend.activation!('tanh', 0, x, out), Math.tanh, 2],
        ['sigmoid', (out) => backend.activation!('sigmoid', 0, x, out), sigmoid, 3],
      ];
      for (const [name, run, exact, ulps] of cases) {
        const out = new Float32Array(n);
        run(out);
        for (let i = 0; i < n; i++) {
          const w = exact(x[i]!);
          const g = out[i]!;
          const ok = Number.isNaN(w) ? Number.isNaN(g)
            : Math.fround(w) === Infinity ? g === Infinity
              : Object.is(Math.fround(w), -0) ? Object.is(g, -0) : Math.abs(g - w) <= ulps * ulp(w);
          if (!ok) throw new Error(`${name}(${x[i]}) = ${g}, want ${w}`);
        }
      }
    }
  });

  it('activation runs in place', () => {
    const x = new Float32Array([-1, 0, 2]);
    backend.activation!('relu', 0, x, x);
    expect([...x]).toEqual([0, 0, 2]);
  });

  it('prelu with a shared slope and one per feature, forward and backward', () => {
    const rand = rng(32);
    for (const [rows, features] of [[0, 3], [1, 1], [4, 5], [300, 70]]) {
      for (const perFeature of [false, true]) {
        const x = randomArray(rand, rows * features);
        const a = randomArray(rand, perFeature ? features : 1, 0, 0.5);
        const slope = (j: number): number => a[perFeature ? j : 0]!;
        const y = new Float32Array(x.length);
        backend.prelu!(x, a, features, y);
        expectClose(y, Float64Array.from(x, (v, i) => (v > 0 ? v : Math.fround(slope(i % features) * v))), 0, 0, 'prelu');
        const dy = randomArray(rand, x.length);
        const dx = new Float32Array(x.length);
        const da = new Float32Array(a.length).fill(NaN);
        backend.preluBackward!(x, a, features, dy, dx, da);
        expectClose(dx, Float64Array.from(x, (v, i) => (v > 0 ? dy[i]! : Math.fround(slope(i % features) * dy[i]!))), 0, 0, 'prelu dx');
        const wantDa = new Float64Array(a.length);
        x.forEach((v, i) => { if (v <= 0) wantDa[perFeature ? i % features : 0]! += v * dy[i]!; });
        expectClose(da, wantDa, 1e-6, 1e-6, 'prelu da');
      }
    }
  });

  it('cross-entropy: stable log-softmax and loss, and the gradient', () => {
    const rand = rng(33);
    for (const [rows, classes] of [[0, 4], [1, 1], [3, 10], [130, 7], [40, 1000]]) {
      const logits = randomArray(rand, rows * classes, -5, 5);
      if (rows * classes > 2) { logits[0] = 1000; logits[1] = -1000; } // overflow-prone without the max shift
      const targets = Float32Array.from({ length: rows }, () => Math.floor(rand() * classes));
      const logProbs = new Float32Array(rows * classes);
      const loss = new Float32Array(rows);
      backend.crossEntropy!(logits, targets, rows, classes, logProbs, loss);
      const wantLp = new Float64Array(rows * classes);
      const wantLoss = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        const row = logits.subarray(r * classes, (r + 1) * classes);
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        row.forEach((v, c) => { wantLp[r * classes + c] = v - lse; });
        wantLoss[r] = lse - row[targets[r]!]!;
      }
      expectClose(logProbs, wantLp, 1e-6, 1e-5, 'logProbs');
      expectClose(loss, wantLoss, 1e-6, 1e-5, 'loss');
      const gradLoss = randomArray(rand, rows);
      const dlogits = new Float32Array(rows * classes);
      backend.crossEntropyBackward!(logProbs, targets, gradLoss, rows, classes, dlogits);
      const wantD = Float64Array.from(wantLp, (lp, i) => {
        const r = Math.floor(i / classes);
        return gradLoss[r]! * (Math.exp(lp) - (i % classes === targets[r] ? 1 : 0));
      });
      expectClose(dlogits, wantD, 1e-5, 1e-6, 'dlogits');
    }
  });

  it('batchNorm forward and backward, with and without affine, large means included', () => {
    const rand = rng(34);
    for (const [rows, features] of [[1, 1], [2, 3], [128, 64], [500, 90]]) {
      for (const affine of [true, false]) {
        const x = randomArray(rand, rows * features, -2, 2).map((v, i) => v + (i % features === 0 ? 1e4 : 0));
        const gamma = affine ? randomArray(rand, features, 0.5, 1.5) : null;
        const beta = affine ? randomArray(rand, features) : null;
        const eps = 1e-5;
        const y = new Float32Array(x.length), mean = new Float32Array(features), invStd = new Float32Array(features);
        backend.batchNorm!(x, gamma, beta, rows, features, eps, y, mean, invStd);
        const m = new Float64Array(features), inv = new Float64Array(features);
        for (let j = 0; j < features; j++) {
          let s = 0, q = 0;
          for (let r = 0; r < rows; r++) s += x[r * features + j]!;
          m[j] = s / rows;
          for (let r = 0; r < rows; r++) q += (x[r * features + j]! - m[j]!) ** 2;
          inv[j] = 1 / Math.sqrt(q / rows + eps);
        }
        const xhat = Float64Array.from(x, (v, i) => (v - m[i % features]!) * inv[i % features]!);
        expectClose(mean, m, 1e-7, 0, 'mean');
        expectClose(invStd, inv, 1e-6, 0, 'invStd');
        expectClose(y, xhat.map((v, i) => v * (gamma?.[i % features] ?? 1) + (beta?.[i % features] ?? 0)), 1e-5, 1e-5, 'y');

        const dy = randomArray(rand, x.length);
        const dx = new Float32Array(x.length);
        const dgamma = new Float32Array(features), dbeta = new Float32Array(features);
        backend.batchNormBackward!(x, gamma, mean, invStd, dy, rows, features, dx, dgamma, dbeta);
        // The backward reads the saved float32 mean/invStd, so the reference does too.
        const savedXhat = Float64Array.from(x, (v, i) => (v - mean[i % features]!) * invStd[i % features]!);
        const sumDy = new Float64Array(features), sumDyXhat = new Float64Array(features);
        dy.forEach((g, i) => { sumDy[i % features]! += g; sumDyXhat[i % features]! += g * savedXhat[i]!; });
        const wantDx = Float64Array.from(dy, (g, i) => {
          const j = i % features;
          return ((gamma?.[j] ?? 1) * invStd[j]! / rows) * (rows * g - sumDy[j]! - savedXhat[i]! * sumDyXhat[j]!);
        });
        const scale = Math.max(...wantDx.map(Math.abs));
        expectClose(dx, wantDx, 1e-4, 1e-5 * scale, 'dx');
        expectClose(dbeta, sumDy, 1e-6, 1e-6, 'dbeta');
        expectClose(dgamma, sumDyXhat, 1e-4, 1e-5, 'dgamma');
      }
    }
  });
});

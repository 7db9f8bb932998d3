// linear, cross-entropy and BatchNorm: against float64 references, finite differences of the fused
// forward kernels, and the PyTorch vectors.

import { describe, expect, it } from 'vitest';
import type { Activation } from '@nabla/core';
import { linear } from '../src/linear.js';
import { crossEntropy, crossEntropyBackward } from '../src/crossEntropy.js';
import { batchNorm, batchNormBackward } from '../src/batchNorm.js';
import { expectClose, prng, randArray, readGolden, type GoldenTensor } from './helpers.js';

const f32 = (t: GoldenTensor) => Float32Array.from(t.data);

/**
 * Central differences of L(x) = Σ w·f(x) for a kernel f run in float32, with a perturbation large enough
 * that float32 rounding of the outputs stays well below the tolerance.
 */
function numericGrad(x: Float32Array, w: Float32Array, f: (x: Float32Array) => Float32Array, h = 1e-2): number[] {
  const loss = (input: Float32Array) => f(input).reduce((s, v, i) => s + v * w[i]!, 0);
  return Array.from(x, (_, i) => {
    const xp = Float32Array.from(x);
    const xm = Float32Array.from(x);
    xp[i]! += h;
    xm[i]! -= h;
    return (loss(xp) - loss(xm)) / (xp[i]! - xm[i]!);
  });
}

describe('linear', () => {
  const rand = prng(50);
  const acts: Activation[] = ['identity', 'relu', 'tanh', 'elu'];
  for (const [batch, inF, outF] of [[1, 1, 1], [3, 5, 2], [17, 33, 9], [64, 300, 10], [0, 4, 3]] as const) {
    for (const act of acts) {
      for (const withBias of [true, false]) {
        it(`${batch}x${inF} -> ${outF}, ${act}, ${withBias ? 'bias' : 'no bias'}`, () => {
          const x = randArray(rand, batch * inF);
          const w = randArray(rand, outF * inF);
          const b = withBias ? randArray(rand, outF) : null;
          const y = new Float32Array(batch * outF).fill(NaN);
          const preact = new Float32Array(batch * outF).fill(NaN);
          linear(x, w, b, batch, inF, outF, act, 1, y, preact);
          const expectedPre: number[] = [];
          for (let r = 0; r < batch; r++) {
            for (let o = 0; o < outF; o++) {
              let s = b ? b[o]! : 0;
              for (let i = 0; i < inF; i++) s += x[r * inF + i]! * w[o * inF + i]!;
              expectedPre.push(s);
            }
          }
          const actFn = { identity: (v: number) => v, relu: (v: number) => Math.max(0, v), tanh: Math.tanh, elu: (v: number) => (v > 0 ? v : Math.expm1(v)) }[act as 'identity']!;
          expectClose(y, expectedPre.map(actFn), 1e-5, 1e-5, 'y');
          if (act !== 'identity') expectClose(preact, expectedPre, 1e-5, 1e-5, 'preact');
        });
      }
    }
  }
  it('activates in place when no preact array is given', () => {
    const y = new Float32Array(2);
    linear(new Float32Array([1, -2]), new Float32Array([1, 1, 1, 2]), new Float32Array([0, 0]), 1, 2, 2, 'relu', 0, y, null);
    expect(Array.from(y)).toEqual([0, 0]);
  });
  it('rejects a weight array that is too short', () => {
    expect(() => linear(new Float32Array(6), new Float32Array(5), null, 2, 3, 2, 'identity', 0, new Float32Array(4), null))
      .toThrow(/linear: w has 5 elements, expected at least 6/);
  });
});

describe('crossEntropy', () => {
  const rand = prng(51);
  for (const [rows, classes] of [[1, 1], [1, 5], [7, 3], [128, 10], [0, 4]] as const) {
    it(`${rows} rows x ${classes} classes, forward and backward`, () => {
      const logits = randArray(rand, rows * classes, -5, 5);
      const targets = Float32Array.from({ length: rows }, () => Math.floor(rand() * classes));
      const logProbs = new Float32Array(rows * classes);
      const loss = new Float32Array(rows);
      crossEntropy(logits, targets, rows, classes, logProbs, loss);
      const expectedLp: number[] = [];
      const expectedLoss: number[] = [];
      for (let r = 0; r < rows; r++) {
        const row = Array.from(logits.subarray(r * classes, (r + 1) * classes));
        const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
        row.forEach((v) => expectedLp.push(v - lse));
        expectedLoss.push(lse - row[targets[r]!]!);
      }
      expectClose(logProbs, expectedLp, 1e-5, 1e-6, 'logProbs');
      expectClose(loss, expectedLoss, 1e-5, 1e-6, 'loss');

      const gradLoss = randArray(rand, rows);
      const dlogits = new Float32Array(rows * classes);
      crossEntropyBackward(logProbs, targets, gradLoss, rows, classes, dlogits);
      const fd = numericGrad(logits, gradLoss, (input) => {
        const lp = new Float32Array(rows * classes);
        const l = new Float32Array(rows);
        crossEntropy(input, targets, rows, classes, lp, l);
        return l;
      });
      expectClose(dlogits, fd, 2e-3, 2e-4, 'dlogits vs finite differences');
    });
  }
  it('stays finite for huge logits (the row max is subtracted)', () => {
    const logProbs = new Float32Array(3);
    const loss = new Float32Array(1);
    crossEntropy(new Float32Array([1000, 0, -1000]), new Float32Array([1]), 1, 3, logProbs, loss);
    expect(Array.from(logProbs)).toEqual([0, -1000, -2000]);
    expect(loss[0]).toBe(1000);
  });
  it('rejects a target that is not a class index', () => {
    const run = (t: number) => crossEntropy(new Float32Array(3), new Float32Array([t]), 1, 3, new Float32Array(3), new Float32Array(1));
    expect(() => run(3)).toThrow(/target 3 of row 0 is not a class index in \[0, 3\)/);
    expect(() => run(0.5)).toThrow(/target 0.5/);
  });
});

describe('batchNorm', () => {
  const rand = prng(52);
  for (const [rows, features, affine] of [[2, 1, true], [5, 4, true], [16, 7, false], [256, 33, true]] as const) {
    it(`${rows}x${features} ${affine ? 'affine' : 'plain'}: forward vs float64, backward vs finite differences`, () => {
      const eps = 1e-5;
      const x = randArray(rand, rows * features, -3, 5);
      const gamma = affine ? randArray(rand, features, 0.5, 1.5) : null;
      const beta = affine ? randArray(rand, features) : null;
      const y = new Float32Array(rows * features);
      const mean = new Float32Array(features);
      const invStd = new Float32Array(features);
      batchNorm(x, gamma, beta, rows, features, eps, y, mean, invStd);
      const expMean: number[] = [];
      const expInv: number[] = [];
      for (let f = 0; f < features; f++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += x[r * features + f]!;
        const mu = s / rows;
        let v = 0;
        for (let r = 0; r < rows; r++) v += (x[r * features + f]! - mu) ** 2;
        expMean.push(mu);
        expInv.push(1 / Math.sqrt(v / rows + eps));
      }
      expectClose(mean, expMean, 1e-6, 1e-6, 'mean');
      expectClose(invStd, expInv, 1e-5, 0, 'invStd');
      const expY = Array.from(x, (v, i) => {
        const f = i % features;
        return (v - expMean[f]!) * expInv[f]! * (gamma ? gamma[f]! : 1) + (beta ? beta[f]! : 0);
      });
      expectClose(y, expY, 1e-5, 1e-5, 'y');

      const dy = randArray(rand, rows * features);
      const dx = new Float32Array(rows * features);
      const dgamma = affine ? new Float32Array(features) : null;
      const dbeta = affine ? new Float32Array(features) : null;
      batchNormBackward(x, gamma, mean, invStd, dy, rows, features, dx, dgamma, dbeta);
      const forward = (input: Float32Array) => {
        const out = new Float32Array(rows * features);
        batchNorm(input, gamma, beta, rows, features, eps, out, new Float32Array(features), new Float32Array(features));
        return out;
      };
      if (rows * features <= 40) expectClose(dx, numericGrad(x, dy, forward), 2e-3, 2e-3, 'dx vs finite differences');
      // The closed form, in float64, for every size.
      const expDx = Array.from(x, (v, i) => {
        const f = i % features;
        let sDy = 0;
        let sDyXhat = 0;
        for (let r = 0; r < rows; r++) {
          const j = r * features + f;
          sDy += dy[j]!;
          sDyXhat += dy[j]! * (x[j]! - expMean[f]!) * expInv[f]!;
        }
        const xhat = (v - expMean[f]!) * expInv[f]!;
        return ((gamma ? gamma[f]! : 1) * expInv[f]! / rows) * (rows * dy[i]! - sDy - xhat * sDyXhat);
      });
      expectClose(dx, expDx, 1e-4, 1e-5, 'dx');
      if (affine) {
        const sums = (fn: (i: number) => number) => Array.from({ length: features }, (_, f) => {
          let s = 0;
          for (let r = 0; r < rows; r++) s += fn(r * features + f);
          return s;
        });
        expectClose(dbeta!, sums((i) => dy[i]!), 1e-5, 1e-5, 'dbeta');
        expectClose(dgamma!, sums((i) => dy[i]! * (x[i]! - expMean[i % features]!) * expInv[i % features]!), 1e-4, 1e-5, 'dgamma');
      }
    });
  }
  it('needs at least one row', () => {
    expect(() => batchNorm(new Float32Array(0), null, null, 0, 3, 1e-5, new Float32Array(0), new Float32Array(3), new Float32Array(3)))
      .toThrow(/at least one row/);
  });
});

describe('PyTorch reference vectors', () => {
  it('Linear forward (layers.json)', () => {
    const c = readGolden<{ linear: Record<string, GoldenTensor> }>('layers.json').linear;
    const [batch, inF] = c.x!.shape as [number, number];
    const outF = c.W!.shape[0]!;
    const y = new Float32Array(batch * outF);
    linear(f32(c.x!), f32(c.W!), f32(c.b!), batch, inF, outF, 'identity', 0, y, null);
    expectClose(y, c.y!.data, 1e-5, 1e-6, 'y');
  });

  it('BatchNorm1d training forward and backward (layers.json)', () => {
    const c = readGolden<{ batchnorm1d: { eps: number; gamma: GoldenTensor; beta: GoldenTensor; train: Record<string, GoldenTensor> } }>('layers.json').batchnorm1d;
    const t = c.train;
    const [rows, features] = t.x!.shape as [number, number];
    const y = new Float32Array(rows * features);
    const mean = new Float32Array(features);
    const invStd = new Float32Array(features);
    const gamma = f32(c.gamma);
    batchNorm(f32(t.x!), gamma, f32(c.beta), rows, features, c.eps, y, mean, invStd);
    expectClose(y, t.y!.data, 1e-5, 1e-5, 'y');
    const dx = new Float32Array(rows * features);
    const dgamma = new Float32Array(features);
    const dbeta = new Float32Array(features);
    batchNormBackward(f32(t.x!), gamma, mean, invStd, f32(t.dy!), rows, features, dx, dgamma, dbeta);
    expectClose(dx, t.dx!.data, 1e-4, 1e-5, 'dx');
    expectClose(dgamma, t.dgamma!.data, 1e-5, 1e-5, 'dgamma');
    expectClose(dbeta, t.dbeta!.data, 1e-5, 1e-5, 'dbeta');
  });

  it("cross-entropy with reduction 'none' (losses.json)", () => {
    interface LossCase { name: string; reduction: string; pred: GoldenTensor; target: GoldenTensor; loss: GoldenTensor; dloss: GoldenTensor; dpred: GoldenTensor }
    const c = readGolden<{ cases: LossCase[] }>('losses.json').cases.find((k) => k.name === 'cross_entropy' && k.reduction === 'none');
    expect(c, 'cross_entropy none case').toBeDefined();
    const [rows, classes] = c!.pred.shape as [number, number];
    const logProbs = new Float32Array(rows * classes);
    const loss = new Float32Array(rows);
    const targets = f32(c!.target);
    crossEntropy(f32(c!.pred), targets, rows, classes, logProbs, loss);
    expectClose(loss, c!.loss.data, 1e-5, 1e-6, 'loss');
    const dlogits = new Float32Array(rows * classes);
    crossEntropyBackward(logProbs, targets, f32(c!.dloss), rows, classes, dlogits);
    expectClose(dlogits, c!.dpred.data, 1e-5, 1e-6, 'dpred');
  });

  it('the MLP forward pass: linear+relu, linear, cross-entropy (mlp.json)', () => {
    const c = readGolden<Record<string, GoldenTensor> & { y: number[]; loss: number }>('mlp.json');
    const [batch, inF] = c.x!.shape as [number, number];
    const hidden = c.W1!.shape[0]!;
    const classes = c.W2!.shape[0]!;
    const h = new Float32Array(batch * hidden);
    linear(f32(c.x!), f32(c.W1!), f32(c.b1!), batch, inF, hidden, 'relu', 0, h, new Float32Array(batch * hidden));
    const logits = new Float32Array(batch * classes);
    linear(h, f32(c.W2!), f32(c.b2!), batch, hidden, classes, 'identity', 0, logits, null);
    expectClose(logits, c.logits!.data, 1e-5, 1e-6, 'logits');
    const loss = new Float32Array(batch);
    crossEntropy(logits, Float32Array.from(c.y), batch, classes, new Float32Array(batch * classes), loss);
    const mean = loss.reduce((s, v) => s + v, 0) / batch;
    expect(Math.abs(mean - c.loss) / c.loss).toBeLessThan(1e-5);
  });
});

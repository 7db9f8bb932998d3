// Layer behaviour beyond the reference vectors: Dropout, BatchNorm modes and running statistics, 3-d input,
// numerical stability at large |x|, and the initializers.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { Generator, ones, setBackend, tensor, zeros, type Tensor } from '@nabla/core';
import { backendsUnderTest } from '@nabla/backend-tests';
import {
  BatchNorm1d, Dropout, ELU, Linear, Sigmoid, Swish, Tanh, dropout, init, kaimingNormal, kaimingUniform, xavierNormal,
  xavierUniform,
} from '../src/index.js';

function stats(t: Tensor): { mean: number; std: number; maxAbs: number } {
  const d = t.data();
  let s = 0;
  let s2 = 0;
  let maxAbs = 0;
  for (const v of d) {
    s += v;
    s2 += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(s2 / d.length - mean * mean), maxAbs };
}

for (const backend of backendsUnderTest()) {
  describe(`${backend}: layer behaviour`, () => {
    it('activations are finite and saturate at ±50 and beyond', () => {
      setBackend(backend);
      const x = tensor([-1000, -50, 50, 1000], undefined, { requiresGrad: true });
      const s = new Sigmoid()(x);
      const sig = Array.from(s.data());
      expect([sig[0], sig[2], sig[3]]).toEqual([0, 1, 1]);
      expect(sig[1]! / (1 / (1 + Math.exp(50)))).toBeCloseTo(1, 6);
      s.sum().backward();
      expect(x.grad!.data().every(Number.isFinite)).toBe(true);
      expect(Array.from(new Tanh()(x.detach()).data())).toEqual([-1, -1, 1, 1]);
      const sw = Array.from(new Swish()(x.detach()).data());
      expect([sw[0]! + 0, sw[2], sw[3]]).toEqual([0, 50, 1000]);
      expect(sw[1]! / (-50 / (1 + Math.exp(50)))).toBeCloseTo(1, 6);
      expect(Array.from(new ELU()(x.detach()).data())).toEqual([-1, -1, 50, 1000]);
    });

    it('Dropout: scales kept elements by 1/(1-p) in training, identity in eval, seeded', () => {
      setBackend(backend);
      const drop = new Dropout(0.25, { generator: new Generator(1) });
      const x = ones([200, 50]);
      const y = drop(x).data();
      const kept = y.filter((v) => v !== 0);
      expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
      expect(kept.length / y.length).toBeGreaterThan(0.72);
      expect(kept.length / y.length).toBeLessThan(0.78);
      drop.eval();
      expect(drop(x)).toBe(x);
      const a = dropout(x, 0.5, true, new Generator(9)).data();
      const b = dropout(x, 0.5, true, new Generator(9)).data();
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(dropout(x, 1).data().every((v) => v === 0)).toBe(true);
      expect(() => new Dropout(1.5)).toThrow(/Dropout: p must be a probability in \[0, 1\], got 1.5/);
    });

    it('BatchNorm1d: cumulative average without momentum, batch stats without tracking, 3-d input', () => {
      setBackend(backend);
      const cumulative = new BatchNorm1d(1, { momentum: null, affine: false });
      cumulative(tensor([[0], [2]])); // mean 1, unbiased var 2
      cumulative(tensor([[4], [4]])); // mean 4, var 0
      expect(cumulative.runningMean!.item()).toBeCloseTo(2.5, 6);
      expect(cumulative.runningVar!.item()).toBeCloseTo(1, 6);
      expect(cumulative.numBatchesTracked!.item()).toBe(2);

      const untracked = new BatchNorm1d(2, { trackRunningStats: false });
      expect(untracked.namedBuffers()).toEqual([]);
      untracked.eval();
      const y = untracked(tensor([[1, 10], [3, 30]])).data();
      expect(Array.from(y).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-1, -1, 1, 1]);

      const bn3 = new BatchNorm1d(2);
      const x3 = tensor([[[1, 2, 3], [10, 20, 30]], [[4, 5, 6], [40, 50, 60]]]);
      const y3 = bn3(x3);
      expect(y3.shape).toEqual([2, 2, 3]);
      expect(bn3.runningMean!.data()[0]).toBeCloseTo(0.1 * 3.5, 5);
      expect(bn3.runningMean!.data()[1]).toBeCloseTo(0.1 * 35, 4);
      expect(stats(y3.select(1, 0)).mean).toBeCloseTo(0, 5);
    });

    it('BatchNorm1d in eval uses running statistics and never updates them', () => {
      setBackend(backend);
      const bn = new BatchNorm1d(2);
      bn.loadStateDict({ running_mean: tensor([1, -1]), running_var: tensor([4, 0.25]) }, { strict: false });
      bn.eval();
      const y = bn(tensor([[3, 0]])); // a batch of one is fine in eval
      expect(y.data()[0]).toBeCloseTo(2 / Math.sqrt(4 + 1e-5), 5);
      expect(y.data()[1]).toBeCloseTo(1 / Math.sqrt(0.25 + 1e-5), 5);
      expect(Array.from(bn.runningMean!.data())).toEqual([1, -1]);
      expect(bn.numBatchesTracked!.item()).toBe(0);
    });
  });
}

describe('initializers', () => {
  it('Linear draws its initial weights in ±1/sqrt(in) from the seeded generator', () => {
    const a = new Linear(100, 50, { generator: new Generator(4) });
    const b = new Linear(100, 50, { generator: new Generator(4) });
    expect(Array.from(a.weight.data())).toEqual(Array.from(b.weight.data()));
    const w = stats(a.weight);
    expect(w.maxAbs).toBeLessThanOrEqual(0.1);
    expect(w.std).toBeCloseTo(0.1 / Math.sqrt(3), 2); // uniform(-b, b) has std b/sqrt(3)
    expect(stats(a.bias!).maxAbs).toBeLessThanOrEqual(0.1);
  });

  it('kaiming and xavier reach their target standard deviations', () => {
    const g = new Generator(2);
    const w = (): Tensor => zeros([200, 300]);
    expect(stats(kaimingUniform(w(), { generator: g })).std).toBeCloseTo(Math.sqrt(2 / 300), 3);
    expect(stats(kaimingNormal(w(), { generator: g, mode: 'fanOut', nonlinearity: 'relu' })).std).toBeCloseTo(Math.sqrt(2 / 200), 3);
    expect(stats(xavierUniform(w(), { generator: g })).std).toBeCloseTo(Math.sqrt(2 / 500), 3);
    expect(stats(xavierNormal(w(), { generator: g, gain: 2 })).std).toBeCloseTo(2 * Math.sqrt(2 / 500), 3);
    expect(stats(kaimingUniform(w(), { generator: g })).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 10);
  });

  it('zeros, ones and constant fill in place; bad shapes are errors', () => {
    const t = tensor([[1, 2], [3, 4]]);
    expect(init.zeros(t)).toBe(t);
    expect(Array.from(t.data())).toEqual([0, 0, 0, 0]);
    expect(Array.from(init.ones(t).data())).toEqual([1, 1, 1, 1]);
    expect(Array.from(init.constant(t, 7).data())).toEqual([7, 7, 7, 7]);
    expect(() => kaimingUniform(zeros([5]))).toThrow(/at least 2 dimensions, got shape \[5\]/);
    expect(() => init.normal(zeros([2, 2]), 0, -1)).toThrow(/std must be a finite number >= 0, got -1/);
  });

  it('Module.apply with an initializer re-initialises every Linear', () => {
    const net = new Linear(3, 3);
    net.apply((m) => {
      if (m instanceof Linear) init.constant(m.weight, 0.5);
    });
    expect(Array.from(net.weight.data()).every((v) => v === 0.5)).toBe(true);
  });
});

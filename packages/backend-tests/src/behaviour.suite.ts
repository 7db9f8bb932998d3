// Behaviour every backend must share: views share storage, backends can be switched mid-program, and bad
// input fails with a message that names the op and what was wrong.

import { describe, expect, it } from 'vitest';
import {
  setBackend, getBackend, backendInfo, tensor, zeros, arange, randn, manualSeed, matmul, add, sum, softmaxCrossEntropy,
  concat, noGrad, NablaError,
} from '@nabla/core';

export function behaviourSuite(name: string): void {
  describe(`${name}: views, switching backends, errors`, () => {
    it('reshape, transpose, expand, slice and select are views over the same storage', () => {
      setBackend(name);
      const a = arange(12).reshape(3, 4);
      for (const v of [a.reshape(4, 3), a.T, a.slice(1, 1, 3), a.index(2), a.unsqueeze(0).expand(2, 3, 4)]) {
        expect(v.storage).toBe(a.storage);
      }
      a.copy_(Float32Array.from(a.data()).map((v, i) => (i === 6 ? 100 : v)));
      expect(a.T.contiguous().toArray()).toEqual([[0, 4, 8], [1, 5, 9], [2, 100, 10], [3, 7, 11]]);
      expect(a.slice(1, 1, 3).toArray()).toEqual([[1, 2], [5, 100], [9, 10]]);
    });

    it('switching backends mid-program keeps every tensor valid, with or without autograd', () => {
      setBackend(name);
      const x = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
      const y = x.mul(x);
      setBackend('reference');
      const z = y.sum();
      setBackend(name);
      z.backward();
      expect(x.grad!.toArray()).toEqual([[2, 4], [6, 8]]);
      expect(getBackend().name).toBe(name);
      expect(backendInfo(name).available).toBe(true);
    });

    it('seeded random numbers are the same on every backend', () => {
      setBackend(name);
      manualSeed(42);
      const a = randn([5]).toArray();
      setBackend('reference');
      manualSeed(42);
      const b = randn([5]).toArray();
      setBackend(name);
      expect(a).toEqual(b);
    });

    it('errors name the op, the shapes and what was expected', () => {
      setBackend(name);
      expect(() => add(zeros([2, 3]), zeros([4]))).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
      expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(/matmul: shapes \[2, 3\] and \[4, 5\] do not fit/);
      expect(() => sum(zeros([2, 3]), 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2/);
      expect(() => tensor([1, NaN, 3])).toThrow(/tensor: value at flat index 1 is NaN/);
      expect(() => tensor(new Float32Array(5), [2, 3])).toThrow(/5 values do not fit shape \[2, 3\]/);
      expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
      expect(() => zeros([2, 3]).reshape(4, 2)).toThrow(/reshape: shape \[4, 2\] holds 8 elements/);
      expect(() => softmaxCrossEntropy(zeros([2, 3]), tensor([0, 3]))).toThrow(/target 1 is 3, expected a class index in 0..2/);
      expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(/concat: tensor 1 has shape \[2, 4\]/);
      expect(() => zeros([2, 2], { requiresGrad: true }).mul(2).backward()).toThrow(/needs an explicit gradient/);
      expect(() => zeros([2]).backward()).toThrow(NablaError);
      expect(() => setBackend('no-such-backend')).toThrow(/no such backend/);
    });

    it('noGrad records nothing and detach cuts the graph', () => {
      setBackend(name);
      const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
      const y = noGrad(() => x.mul(2));
      expect(y.requiresGrad).toBe(false);
      const d = x.mul(2).detach();
      expect(d.requiresGrad).toBe(false);
      expect(d.gradFn).toBeNull();
    });

    it('gradients accumulate across backward calls, and a shared input gets the sum', () => {
      setBackend(name);
      const x = tensor([1, -2], undefined, { requiresGrad: true });
      x.mul(x).sum().backward();
      x.mul(3).sum().backward();
      expect(x.grad!.toArray()).toEqual([5, -1]);
      const w = tensor([2]).requiresGrad_();
      const out = w.mul(w).add(w).sum();
      out.backward();
      expect(w.grad!.toArray()).toEqual([5]);
    });
  });
}

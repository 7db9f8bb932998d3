// Off the happy path, the same on every backend: PyTorch's answers for 1-D matmul and 0-d axes; tensors that
// stay readable, movable and differentiable after the backend in use changed to one with other memory; copy_
// into views; and backward refusing a graph whose saved tensors copy_ has changed.

import { describe, expect, it } from 'vitest';
import {
  ShapeError, arange, concat, getBackend, hostMemory, matmul, oneHotOf, registerBackend, setBackend, sumTo, tensor, zeros,
  type Tensor,
} from '@nabla/core';
import { BoxedBackend } from './boxed.js';

const BOXED = 'conformance-boxed';
let boxedRegistered = false;

/**
 * A backend that computes in memory other than `name`'s: the boxed test backend, whose memory is its own (the
 * suite's 'reference' backend may share the memory of the backend under test).
 */
function otherMemory(name: string): string {
  if (!boxedRegistered) {
    registerBackend(BOXED, () => new BoxedBackend(), -3);
    boxedRegistered = true;
  }
  setBackend(name);
  return BOXED;
}

const leaf = (values: number[] | number[][]): Tensor => tensor(values, undefined, { requiresGrad: true });

export function edgeCasesSuite(name: string): void {
  describe(`${name}: PyTorch's answers off the happy path`, () => {
    it('matmul of two 1-D tensors is their dot product (0-d), with gradients; mismatches name the shapes given', () => {
      setBackend(name);
      const a = leaf([1, 2, 3]);
      const b = leaf([4, 5, 6]);
      const dot = matmul(a, b);
      expect(dot.shape).toEqual([]);
      expect(dot.item()).toBe(32);
      dot.backward();
      expect(a.grad!.toArray()).toEqual([4, 5, 6]);
      expect(b.grad!.toArray()).toEqual([1, 2, 3]);
      expect(() => matmul(tensor([1, 2, 3]), tensor([4, 5]))).toThrow(/matmul: shapes \[3\] and \[2\] do not fit/);
      expect(() => matmul(zeros([2, 3]), tensor([1, 2]))).toThrow(/matmul: shapes \[2, 3\] and \[2\] do not fit/);
      expect(() => matmul(tensor([1, 2]), zeros([3, 4]))).toThrow(/matmul: shapes \[2\] and \[3, 4\] do not fit/);
    });

    it('0-d tensors take axis 0 and -1 in reductions, softmax and squeeze; slicing one is an error', () => {
      setBackend(name);
      const s = tensor(3);
      expect([s.sum(0).item(), s.sum(-1).item(), s.mean(0).item(), s.max(-1).item(), s.min(0).item()]).toEqual([3, 3, 3, 3, 3]);
      expect(s.sum(0, true).shape).toEqual([]);
      expect(s.argmax().item()).toBe(0);
      expect(s.softmax().item()).toBe(1);
      expect(s.logSoftmax(0).item()).toBe(0);
      expect(s.squeeze(-1).shape).toEqual([]);
      expect(() => s.sum(1)).toThrow(/sum: axis 1 is out of range for a tensor of rank 0 \(expected -1\.\.0\)/);
      expect(() => s.slice(0, 0, 1)).toThrow(ShapeError);
      expect(() => s.index(0)).toThrow(/select: a 0-d tensor has no axis/);
      expect(() => concat([s, s])).toThrow(/concat: tensor 0 is 0-d .* use stack\(\)/);
      const x = leaf(2 as never);
      x.max(0).backward();
      expect(x.grad!.item()).toBe(1);
    });

    it('pow has the gradient 0 for the exponent 0 (not NaN at x = 0), and softmax of an empty axis is empty', () => {
      setBackend(name);
      const x = leaf([0, 2, -3]);
      x.pow(0).sum().backward();
      expect(x.grad!.toArray()).toEqual([0, 0, 0]);
      const y = leaf([0, 2]);
      y.pow(tensor([0, 2])).sum().backward();
      expect(y.grad!.toArray()).toEqual([0, 4]);
      expect(zeros([3, 0]).softmax().shape).toEqual([3, 0]);
      expect(zeros([3, 0]).logSoftmax(1).shape).toEqual([3, 0]);
    });

    it('argmin and sign are methods as in PyTorch; a NaN wins max, min, argmax and argmin wherever it is', () => {
      setBackend(name);
      const t = tensor([[3, -1, 2], [0, 5, -4]]);
      expect(t.argmin(1).toArray()).toEqual([1, 2]);
      expect(t.sign().toArray()).toEqual([[1, -1, 1], [0, 1, -1]]);
      for (const at of [0, 7, 8, 16, 500, 1036]) {
        const values = Float32Array.from({ length: 1037 }, (_, i) => Math.sin(i));
        values[at] = NaN;
        const x = tensor(values, undefined, { allowNonFinite: true });
        expect([x.max().item(), x.min().item(), x.argmax().item(), x.argmin().item()]).toEqual([NaN, NaN, at, at]);
      }
      // The gradient of max() goes to the NaN that is the maximum, as in PyTorch (not NaN everywhere).
      const y = tensor([[1, NaN, 3], [4, 5, 6]], undefined, { requiresGrad: true, allowNonFinite: true });
      y.max(1).sum().backward();
      expect(y.grad!.toArray()).toEqual([[0, 1, 0], [0, 0, 1]]);
    });

    it('oneHotOf refuses a target outside its classes (a silent row of zeros before); sumTo names a shape it cannot reach', () => {
      setBackend(name);
      expect(oneHotOf(tensor([2, 0]), 3).toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
      expect(() => oneHotOf(tensor([0, 5]), 3)).toThrow(/oneHotOf: target 1 is 5, expected a class index in 0\.\.2/);
      expect(() => oneHotOf(tensor([0.5]), 3)).toThrow(/target 0 is 0.5/);
      expect(() => oneHotOf(tensor([0]), 0)).toThrow(/classes must be a positive integer/);
      expect(() => sumTo(zeros([2, 3]), [4])).toThrow(/sumTo: a tensor of shape \[2, 3\] cannot be summed to \[4\]/);
      expect(sumTo(tensor([[1, 2], [3, 4]]), [1, 2]).toArray()).toEqual([[4, 6]]);
    });

    it('JSON.stringify writes a tensor\'s values, not its storage (which may be a whole backend memory)', () => {
      setBackend(name);
      expect(JSON.stringify({ loss: tensor(0.5), w: tensor([[1, 2], [3, 4]]).T })).toBe('{"loss":0.5,"w":[[1,3],[2,4]]}');
      expect(JSON.stringify(zeros([2, 0]))).toBe('[[],[]]');
    });

    it('an op whose result would be too large for one tensor is refused by its size, before allocating', () => {
      setBackend(name);
      expect(() => zeros([131072, 1]).add(zeros([1, 65536]))).toThrow(/an op's result would have 8\.590e\+9 elements .* at most 4294967296/);
      expect(() => zeros([1]).expand(2 ** 33).contiguous()).toThrow(RangeError);
    });

    it('strided views stay readable and movable after the backend in use changed to one with other memory', () => {
      const other = otherMemory(name);
      setBackend(name);
      const a = arange(6).reshape(2, 3);
      const views = [a.T, a.slice(1, 1, 3), a.index(1).unsqueeze(0).expand(2, 3)];
      const expected = [[[0, 3], [1, 4], [2, 5]], [[1, 2], [4, 5]], [[3, 4, 5], [3, 4, 5]]];
      setBackend(other);
      views.forEach((v, i) => {
        expect(v.toArray()).toEqual(expected[i]);
        expect(Array.from(v.data())).toEqual(expected[i]!.flat());
        expect(v.to(other).toArray()).toEqual(expected[i]);
        expect(v.to(other).device).toBe(getBackend().memory.name);
      });
      expect(String(a.T)).toContain('[2., 5.]');
      expect(a.T.slice(0, 2, 3).slice(1, 1, 2).item()).toBe(5);
    });

    it('backward runs where the graph lives, even when the backend in use has changed since', () => {
      const other = otherMemory(name);
      setBackend(name);
      const x = leaf([[1, 2], [3, 4]]);
      const loss = x.mul(x).T.sum();
      const inUse = setBackend(other);
      loss.backward();
      expect(getBackend()).toBe(inUse);
      setBackend(name);
      expect(x.grad!.toArray()).toEqual([[2, 4], [6, 8]]);
    });

    it('backward names a gradient given in another memory than the output', () => {
      const other = otherMemory(name);
      setBackend(other);
      const elsewhere = tensor([1, 1]);
      setBackend(name);
      const x = leaf([1, 2]);
      expect(() => x.mul(2).backward(elsewhere)).toThrow(/backward: the gradient lives in \w+ memory, the output in \w+ memory/);
      expect(x.grad).toBeNull();
    });

    it('to() is recorded for autograd: gradients flow back into the source memory and accumulate there', () => {
      const other = otherMemory(name);
      setBackend(name);
      const x = leaf([1, 2, 3]);
      const moved = x.to(other);
      expect(moved.requiresGrad).toBe(true);
      setBackend(other);
      const there = moved.mul(moved).sum(); // sum(x^2), computed in the other memory
      const back = there.to(name);
      setBackend(name);
      back.add(x.sum()).backward(); // d/dx (sum(x^2) + sum(x)) = 2x + 1
      expect(x.grad!.device).toBe(x.device);
      expect(x.grad!.toArray()).toEqual([3, 5, 7]);
      expect(x.detach().to(other).requiresGrad).toBe(false);
    });

    it('copy_ refuses a broadcast view, writes strided views, and copies a view of its own storage safely', () => {
      setBackend(name);
      expect(() => zeros([2]).expand(3, 2).copy_([1, 2, 3, 4, 5, 6])).toThrow(/copy_: .* expanded \(broadcast\) view/);
      const b = zeros([2, 3]);
      b.T.copy_([1, 2, 3, 4, 5, 6]);
      expect(b.toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
      const x = tensor([[1, 2], [3, 4]]);
      x.T.copy_(x);
      expect(x.toArray()).toEqual([[1, 3], [2, 4]]);
      const c = zeros([2, 4]);
      c.slice(1, 1, 4, 2).copy_(tensor([[7, 8], [9, 10]]));
      expect(c.toArray()).toEqual([[0, 7, 0, 8], [0, 9, 0, 10]]);
      expect(() => c.copy_(['1', 2] as never)).toThrow(/copy_: element 0 is string, expected a number/);
    });

    it('an adopted Float32Array detached behind a tensor is named when the tensor is used', () => {
      setBackend(name);
      const values = new Float32Array([1, 2, 3, 4]);
      const t = tensor(values, [2, 2]);
      structuredClone(values.buffer, { transfer: [values.buffer] });
      if (getBackend().memory === hostMemory) {
        // tensor() adopted the array itself (like torch.from_numpy), so its memory is gone.
        for (const use of [() => t.toArray(), () => t.data(), () => t.add(1), () => t.matmul(t), () => t.sum().item()]) {
          expect(use).toThrow(/detached/);
        }
      } else {
        expect(t.matmul(t).toArray()).toEqual([[7, 10], [15, 22]]); // a copy in the backend's memory
      }
    });

    it('backward refuses a graph whose saved tensor copy_ changed, before touching any gradient', () => {
      setBackend(name);
      const x = leaf([1, 2]);
      const y = x.mul(x);
      x.detach().copy_([3, 4]); // a view of the same storage, as an in-place update would be
      expect(() => y.sum().backward()).toThrow(/'mul' saved for its gradient was modified in place \(copy_\)/);
      expect(x.grad).toBeNull();
      const z = leaf([0, 1]);
      const e = z.exp();
      e.detach().copy_([5, 5]);
      expect(() => e.sum().backward()).toThrow(/'exp' saved/);
      // A .grad assigned by hand with another shape is named, not broadcast into.
      const g = leaf([1, 2]);
      g.grad = tensor([1, 2, 3]);
      expect(() => g.mul(2).sum().backward()).toThrow(/the \.grad of a tensor of shape \[2\] has shape \[3\]/);
      // A write before the op, or into an unrelated tensor, is fine.
      const w = leaf([1, 2]);
      w.detach().copy_([5, 6]);
      const out = w.mul(w).sum();
      zeros([2]).copy_([1, 1]);
      out.backward();
      expect(w.grad!.toArray()).toEqual([10, 12]);
    });
  });
}

// A backend that keeps tensors in memory of its own: core must allocate through it, never read its storage
// behind its back, refuse to mix memories, move tensors explicitly, and give temporaries back.

import { describe, expect, it } from 'vitest';
import {
  Generator, Tensor, linear, noGrad, randn, registerBackend, setBackend, softmaxCrossEntropy, tensor, zeros,
} from '@nabla/core';
import { BoxedBackend, BoxedStorage } from '../src/boxed.js';
import { registerReference } from '../src/index.js';

registerReference();
const boxed = new BoxedBackend();
registerBackend('boxed', () => boxed, -2);

describe('a backend with memory of its own', () => {
  it('creates tensors in its memory and reads them back as copies', () => {
    setBackend('boxed');
    const t = tensor([[1, 2], [3, 4]]);
    expect(t.storage).toBeInstanceOf(BoxedStorage);
    expect(t.device).toBe('boxed');
    expect(zeros([3]).toArray()).toEqual([0, 0, 0]);
    const values = t.data();
    values[0] = 100; // a copy: the tensor keeps its value
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(t.T.contiguous().toArray()).toEqual([[1, 3], [2, 4]]);
    expect(t.add(1).mul(t).sum().item()).toBe(2 + 6 + 12 + 20);
  });

  it('refuses a tensor from another memory with a message naming the move, and moves it with to()', () => {
    setBackend('reference');
    const host = tensor([1, 2, 3]);
    expect(host.device).toBe('host');
    setBackend('boxed');
    const here = tensor([1, 1, 1]);
    expect(() => here.add(host)).toThrow(/lives in host memory.*'boxed'.*boxed memory.*tensor\.to\('boxed'\)/);
    const moved = host.to('boxed');
    expect(moved.storage).toBeInstanceOf(BoxedStorage);
    expect(here.add(moved).toArray()).toEqual([2, 3, 4]);
    expect(moved.to('boxed')).toBe(moved);
    const back = moved.to('reference');
    expect(back.storage).toBeInstanceOf(Float32Array);
    expect(back.toArray()).toEqual([1, 2, 3]);
  });

  it('trains a small network with SGD, with the same losses as in host memory, and gets its temporaries back', () => {
    const run = (name: string): number[] => {
      setBackend(name);
      const gen = new Generator(3);
      const x = randn([32, 6], { generator: gen });
      const y = tensor(Array.from({ length: 32 }, (_, i) => i % 3));
      const w1 = randn([8, 6], { generator: gen, std: 0.3 }).requiresGrad_();
      const b1 = zeros([8]).requiresGrad_();
      const w2 = randn([3, 8], { generator: gen, std: 0.3 }).requiresGrad_();
      const params = [w1, b1, w2];
      const losses: number[] = [];
      for (let step = 0; step < 15; step++) {
        for (const p of params) p.grad = null;
        const loss = softmaxCrossEntropy(linear(linear(x, w1, b1, 'tanh'), w2), y).mean();
        loss.backward();
        noGrad(() => params.forEach((p) => p.copy_(p.sub(p.grad!.mul(0.5)))));
        losses.push(loss.item());
      }
      return losses;
    };
    const released = boxed.memory.released;
    const onBoxed = run('boxed');
    expect(boxed.memory.released).toBeGreaterThan(released);
    const onHost = run('reference');
    expect(onBoxed).toEqual(onHost);
    expect(onBoxed[14]!).toBeLessThan(onBoxed[0]! * 0.9);
  });

  it('keeps the values of every tensor a user holds while temporaries are recycled', () => {
    setBackend('boxed');
    const w = tensor([[0.5, -1], [2, 0.25]], undefined, { requiresGrad: true });
    const h = w.mul(3);
    h.retainGrad();
    const loss = h.exp().sum();
    loss.backward();
    expect(h.toArray()).toEqual([[1.5, -3], [6, 0.75]]);
    expect(w.grad!.toArray()).toEqual((h.grad!.mul(3)).toArray());
    expect(Number.isNaN(loss.item())).toBe(false);
  });

  it('writes a strided view in its memory through a copy of the range the view spans', () => {
    setBackend('boxed');
    const t = new Tensor(boxed.memory.alloc(4), [2, 2]).copy_([1, 2, 3, 4]);
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    t.T.copy_([5, 6, 7, 8]);
    expect(t.toArray()).toEqual([[5, 7], [6, 8]]);
  });
});

// The wasm backend through core: tensors live in linear memory, reads are copies, memories do not mix
// silently, tensors move with to(), and a network trains with the losses it has in host memory.

import '@nabla/backend-js';
import { describe, expect, it, vi } from 'vitest';
import {
  Generator, Tensor, backendInfo, concat, getBackendByName, linear, listBackends, noGrad, randn, setBackend,
  softmaxCrossEntropy, tensor, zeros,
} from '@nabla/core';
import { ByteImageDataset, DataLoader, TensorDataset } from '@nabla/data';
import { Adam } from '@nabla/optimizers';
import { WASM_PRIORITY, WasmBackend, WasmStorage } from '../src/index.js';

const wasm = getBackendByName('wasm') as WasmBackend;

describe('the wasm backend', () => {
  it('registers between js and native, and reports its variant and memory', () => {
    const names = listBackends().map((b) => b.name);
    expect(names.indexOf('wasm')).toBeLessThan(names.indexOf('js'));
    expect(WASM_PRIORITY).toBeGreaterThan(0);
    expect(WASM_PRIORITY).toBeLessThan(10);
    const info = backendInfo('wasm');
    expect(info).toMatchObject({ name: 'wasm', available: true, details: { variant: 'simd128' } });
    expect(info.details!.heapSize).toBeGreaterThan(0);
    expect(wasm).toBeInstanceOf(WasmBackend);
    expect(wasm.memory.name).toBe('wasm');
  });

  it('creates tensors in linear memory and reads them back as copies', () => {
    setBackend('wasm');
    const t = tensor([[1, 2], [3, 4]]);
    expect(t.storage).toBeInstanceOf(WasmStorage);
    expect((t.storage as WasmStorage).memory).toBe(wasm.memory);
    expect(t.device).toBe('wasm');
    expect(zeros([3]).toArray()).toEqual([0, 0, 0]);
    const values = t.data();
    values[0] = 100;
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(t.T.contiguous().toArray()).toEqual([[1, 3], [2, 4]]);
    expect(t.add(1).mul(t).sum().item()).toBe(2 + 6 + 12 + 20);
    expect(t.matmul(t).toArray()).toEqual([[7, 10], [15, 22]]);
  });

  it('refuses a host tensor with a message naming the move, and moves tensors both ways with to()', () => {
    setBackend('js');
    const host = tensor([1, 2, 3]);
    expect(host.device).toBe('host');
    setBackend('wasm');
    const here = tensor([1, 1, 1]);
    expect(() => here.add(host)).toThrow(/lives in host memory.*'wasm'.*wasm memory.*tensor\.to\('wasm'\)/);
    const moved = host.to('wasm');
    expect(moved.device).toBe('wasm');
    expect(here.add(moved).toArray()).toEqual([2, 3, 4]);
    expect(moved.to('wasm')).toBe(moved);
    const back = here.add(moved).to('js');
    expect(back.storage).toBeInstanceOf(Float32Array);
    expect(back.toArray()).toEqual([2, 3, 4]);
    setBackend('js');
    expect(() => back.add(here)).toThrow(/lives in wasm memory.*tensor\.to\('js'\)/);
  });

  it('concatenates through copy with an output offset', () => {
    setBackend('wasm');
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6]]);
    expect(concat([a, b], 0).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(concat([a.T, b.T], 1).toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
  });
});

describe('data on wasm', () => {
  it("a DataLoader's batches land in wasm memory, from tensors and from bytes", async () => {
    setBackend('wasm');
    const x = tensor(Array.from({ length: 10 }, (_, i) => [i, -i]));
    const y = tensor(Array.from({ length: 10 }, (_, i) => i % 2));
    const seen: number[] = [];
    for await (const batch of new DataLoader(new TensorDataset(x, y), { batchSize: 4 })) {
      expect(batch.x.device).toBe('wasm');
      expect(batch.y.device).toBe('wasm');
      seen.push(...(batch.x.select(1, 0).toArray() as number[]));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const bytes = new ByteImageDataset(Uint8Array.of(0, 51, 102, 255), Float32Array.of(1, 0), [2], 255);
    for await (const batch of new DataLoader(bytes, { batchSize: 2 })) {
      expect(batch.x.device).toBe('wasm');
      expect(batch.x.toArray()).toEqual([[0, Math.fround(51 / 255)], [Math.fround(102 / 255), 1]]);
    }
  });
});

/** An MLP 12-16-3 trained with Adam for 15 steps on backend `name`; the losses. */
function trainMlp(name: string, steps = 15): number[] {
  setBackend(name);
  const gen = new Generator(7);
  const x = randn([64, 12], { generator: gen });
  const y = tensor(Array.from({ length: 64 }, (_, i) => (i * 7) % 3));
  const w1 = randn([16, 12], { generator: gen, std: 0.3 }).requiresGrad_();
  const b1 = zeros([16]).requiresGrad_();
  const w2 = randn([3, 16], { generator: gen, std: 0.3 }).requiresGrad_();
  const b2 = zeros([3]).requiresGrad_();
  const opt = new Adam([w1, b1, w2, b2], { lr: 0.01 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    const loss = softmaxCrossEntropy(linear(linear(x, w1, b1, 'relu'), w2, b2), y).mean();
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

describe('training on wasm', () => {
  it('trains an MLP with Adam to the losses of the js backend, giving temporaries back', () => {
    const before = wasm.memory.stats().inUse;
    const adamStep = vi.spyOn(wasm.kernels, 'adamStep');
    const onWasm = trainMlp('wasm');
    expect(adamStep).toHaveBeenCalledTimes(4 * 15); // the optimizer's step runs in wasm, one call per parameter
    adamStep.mockRestore();
    const onJs = trainMlp('js');
    for (let i = 0; i < onJs.length; i++) expect(Math.abs(onWasm[i]! - onJs[i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(onJs[i]!) + 1e-7);
    expect(onWasm[14]!).toBeLessThan(onWasm[0]! * 0.8);
    // Backward temporaries are released at once; what stays is what a step keeps (parameters, Adam state,
    // inputs) and the forward outputs the collector has not reached yet, far less than all allocations.
    const after = wasm.memory.stats();
    expect(after.cached).toBeGreaterThan(0);
    expect(after.inUse - before).toBeLessThan(2 * 1024 * 1024);
  });

  it('keeps every live tensor correct while linear memory grows', () => {
    setBackend('wasm');
    const gen = new Generator(11);
    const kept = Array.from({ length: 6 }, () => randn([50, 40], { generator: gen }));
    const copies = kept.map((t) => Float32Array.from(t.data()));
    const heap = wasm.memory.stats().heapSize;
    const w = randn([64, 40], { generator: gen, std: 0.1 }).requiresGrad_();
    const big: Tensor[] = [];
    for (let i = 0; i < 6; i++) {
      // Each iteration holds on to 4 MiB more, so memory.grow runs in the middle of forward and backward.
      big.push(randn([1024, 1024], { generator: gen }));
      const loss = linear(kept[i % kept.length]!, w, null, 'tanh').square().mean();
      loss.backward();
      noGrad(() => w.copy_(w.sub(w.grad!.mul(0.1))));
      w.grad = null;
    }
    expect(wasm.memory.stats().heapSize).toBeGreaterThan(heap + 16 * 1024 * 1024);
    kept.forEach((t, i) => expect(t.data()).toEqual(copies[i]));
    expect(Number.isFinite(w.sum().item())).toBe(true);
    expect(big[0]!.data().length).toBe(1 << 20);
  });
});

import { describe, expect, it } from 'vitest';
import { manualSeed, registerBackend, setBackend, tensor } from '@nabla/core';
import { WasmBackend, WasmKernels, WasmStorage, sizeClass } from '../src/index.js';

describe('memory', () => {
  it('size classes are 64-byte multiples that fit the request, with a few classes per power of two', () => {
    for (const bytes of [1, 63, 64, 65, 1000, 1024, 1025, 5000, 1 << 20, (1 << 20) + 1]) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % 64).toBe(0);
      expect(c).toBeLessThanOrEqual(Math.max(64, bytes * 1.25 + 64));
    }
  });

  it('blocks are 64-byte aligned, disjoint, and recycled after release', () => {
    const k = WasmKernels.load();
    const a = k.alloc(10), b = k.alloc(10), c = k.alloc(1000);
    for (const s of [a, b, c]) expect(s.ptr % 64).toBe(0);
    expect(b.ptr >= a.ptr + 40 || a.ptr >= b.ptr + 40).toBe(true);
    const ptr = b.ptr;
    k.release(b);
    expect(b.released).toBe(true);
    expect(k.alloc(12).ptr).toBe(ptr); // same size class: the freed block comes back
    expect(() => k.release(b)).toThrow(/released/);
  });

  it('grows memory while tensors are live; their contents and fresh views stay correct', () => {
    const k = WasmKernels.load();
    const live = Array.from({ length: 8 }, (_, i) => {
      const s = k.alloc(1000);
      k.write(s, 0, Float32Array.from({ length: 1000 }, (_, j) => i * 1000 + j));
      return s;
    });
    const before = k.stats().heapSize;
    const big: WasmStorage[] = [];
    for (let i = 0; i < 6; i++) big.push(k.alloc(1 << 20)); // 24 MiB: several grow()s
    expect(k.stats().heapSize).toBeGreaterThan(before);
    // Kernels and reads after growth see the old data through new views.
    live.forEach((s, i) => {
      const r = k.read(s);
      expect(r[0]).toBe(i * 1000);
      expect(r[999]).toBe(i * 1000 + 999);
    });
    const out = big[5]!;
    k.binary('add', { storage: live[1]!, shape: [1000], strides: [1], offset: 0 }, { storage: live[2]!, shape: [1000], strides: [1], offset: 0 }, out);
    expect(k.read(out, 0, 3)).toEqual(Float32Array.of(3000, 3002, 3004));
    k.write(big[0]!, (1 << 20) - 1, [42]);
    expect(k.read(big[0]!, (1 << 20) - 1, 1)[0]).toBe(42);
  });

  it('a storage writes itself to JSON as its place, not the linear memory it belongs to', () => {
    const k = WasmKernels.load();
    const s = k.alloc(10);
    expect(JSON.parse(JSON.stringify(s))).toEqual({ memory: 'wasm', ptr: s.ptr, length: 10 });
  });

  it('accounts bytes in use and cached', () => {
    const k = WasmKernels.load();
    const s = k.alloc(100);
    const { inUse } = k.stats();
    expect(inUse).toBe(sizeClass(400));
    k.release(s);
    expect(k.stats()).toMatchObject({ inUse: 0, cached: sizeClass(400) });
  });

  it('frees the block of a collected storage', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, "vitest.config.ts runs the tests with --expose-gc").toBeTypeOf("function");
    if (!gc) return;
    const k = WasmKernels.load();
    (() => { k.alloc(5000); })();
    for (let i = 0; i < 20 && k.stats().inUse > 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(k.stats().inUse).toBe(0);
  });

  it('keeps instances separate: a storage of one cannot be used with another', () => {
    const k1 = WasmKernels.load(), k2 = WasmKernels.load();
    const s = k1.alloc(4);
    expect(() => k2.read(s)).toThrow(/another WebAssembly memory/);
  });
});

describe('spilling past the threshold', () => {
  const MiB = 1024 * 1024;

  it('a synchronous loop that drops its tensors keeps memory near the threshold instead of filling 4 GiB', () => {
    const k = WasmKernels.load();
    k.memory.setSpillThreshold(8 * MiB);
    const a = k.alloc(64 * 1024);
    k.write(a, 0, new Float32Array(64 * 1024).fill(1));
    for (let i = 0; i < 400; i++) {
      // 100 MiB in all, each dropped at once: no collection callback can run inside this loop.
      const out = k.alloc(64 * 1024);
      k.unary('neg', { storage: a, shape: [64 * 1024], strides: [1], offset: 0 }, out);
    }
    const stats = k.stats();
    expect(stats.heapSize).toBeLessThan(16 * MiB);
    expect(stats.spills).toBeGreaterThan(300);
    expect(k.read(a, 0, 2)).toEqual(Float32Array.of(1, 1));
  });

  it('a spilled storage still in use keeps its values and comes back on its next use', () => {
    const k = WasmKernels.load();
    k.memory.setSpillThreshold(0);
    const kept = k.alloc(1000);
    k.write(kept, 0, Float32Array.from({ length: 1000 }, (_, i) => i));
    const ptr = kept.ptr;
    const other = k.alloc(1000); // same size class, no free block: the least recently used moves out
    expect(kept.ptr).toBe(-1);
    expect(other.ptr).toBe(ptr);
    k.write(other, 0, new Float32Array(1000).fill(-7));
    expect(k.stats().spills).toBe(1);
    // A kernel reading it brings it back first (and the other one stays where it is).
    const out = k.alloc(1000);
    k.binary('add', { storage: kept, shape: [1000], strides: [1], offset: 0 },
      { storage: other, shape: [1000], strides: [1], offset: 0 }, out);
    expect(kept.ptr).toBeGreaterThanOrEqual(0);
    expect(k.stats().reloads).toBeGreaterThanOrEqual(1);
    const sum = k.read(out);
    expect(sum[0]).toBe(-7);
    expect(sum[999]).toBe(992);
    expect(k.read(kept)[999]).toBe(999);
  });

  it('releasing a spilled storage frees it without bringing it back', () => {
    const k = WasmKernels.load();
    k.memory.setSpillThreshold(0);
    const a = k.alloc(300);
    k.alloc(300); // spills a
    expect(a.ptr).toBe(-1);
    const { reloads, inUse } = k.stats();
    k.memory.release(a);
    expect(a.released).toBe(true);
    expect(k.stats()).toMatchObject({ reloads, inUse });
    expect(() => k.read(a)).toThrow(/released/);
  });

  it('refuses a threshold that is not a byte count', () => {
    const k = WasmKernels.load();
    expect(() => k.memory.setSpillThreshold(-1)).toThrow(/non-negative integer/);
    expect(() => k.memory.setSpillThreshold(Number.NaN)).toThrow(/non-negative integer/);
  });

  it('a synchronous training loop gives the same bits whether its blocks are spilled or not', () => {
    const run = (threshold: number): { weights: Float32Array; spills: number; reloads: number } => {
      const backend = new WasmBackend(WasmKernels.load());
      backend.memory.setSpillThreshold(threshold);
      registerBackend(`wasm spilling above ${threshold}`, () => backend, -10);
      setBackend(`wasm spilling above ${threshold}`);
      try {
        manualSeed(3);
        const x = tensor(Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i)), [64, 32]);
        let w = tensor(Float32Array.from({ length: 32 * 16 }, (_, i) => Math.cos(i) / 8), [32, 16]).requiresGrad_();
        for (let step = 0; step < 40; step++) {
          const loss = x.matmul(w).relu().square().mean();
          loss.backward();
          w = tensor(w.sub(w.grad!.mul(0.1)).data(), [32, 16]).requiresGrad_();
        }
        const { spills, reloads } = backend.memory.stats();
        return { weights: Float32Array.from(w.data()), spills, reloads };
      } finally {
        setBackend('wasm');
      }
    };
    const plain = run(4 * 1024 * MiB);
    const spilled = run(0);
    expect(plain.spills).toBe(0);
    expect(spilled.spills).toBeGreaterThan(40);
    expect(spilled.reloads).toBeGreaterThan(0); // tensors still in use went out and came back
    expect(Buffer.from(spilled.weights.buffer).equals(Buffer.from(plain.weights.buffer))).toBe(true);
  });
});

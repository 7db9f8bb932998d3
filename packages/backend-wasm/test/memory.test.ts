import { describe, expect, it } from 'vitest';
import { WasmKernels, WasmStorage, sizeClass } from '../src/index.js';

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

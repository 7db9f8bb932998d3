import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WasmKernels } from '../src/index.js';

const relaxedBytes = readFileSync(new URL('../wasm/nabla-relaxed.wasm', import.meta.url));

describe('loading', () => {
  it('loads the plain SIMD build by default, synchronously and asynchronously', async () => {
    expect(WasmKernels.load().variant).toBe('simd128');
    const k = await WasmKernels.init();
    expect(k.variant).toBe('simd128');
    const s = k.alloc(3);
    k.fill(s, 2, 0, 3);
    expect([...k.read(s)]).toEqual([2, 2, 2]);
  });

  it('picks the relaxed build only when asked and when the engine validates it', () => {
    const expected = WebAssembly.validate(relaxedBytes) ? 'relaxed-simd' : 'simd128';
    expect(WasmKernels.load({ relaxed: true }).variant).toBe(expected);
  });

  it('accepts the module bytes from the caller (bundlers, custom hosting)', async () => {
    const bytes = readFileSync(new URL('../wasm/nabla.wasm', import.meta.url));
    const k = await WasmKernels.init({ source: bytes });
    const a = k.alloc(2);
    k.write(a, 0, [1, 4]);
    const out = k.alloc(2);
    k.unary('sqrt', { storage: a, shape: [2], strides: [1], offset: 0 }, out);
    expect([...k.read(out)]).toEqual([1, 2]);
  });
});

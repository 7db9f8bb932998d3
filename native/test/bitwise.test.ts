// One floating-point policy (IEEE denormals, never flush-to-zero) on every thread and every path: every
// primitive and fused kernel gives the same bits with 1, 2 and 4 threads on each ISA path, on inputs full of
// denormals, NaN, ±Infinity and ±0; and the same bits on every ISA path, but for the sign of a NaN and, on
// the portable path, the GEMMs (which use FMA on the AVX paths only).
import { afterAll, describe, expect, it } from 'vitest';

import type { Backend } from '@nabla/core';
import { JsBackend } from '@nabla/backend-js';

import { differences, hostileArray, runEveryKernel, runPrimitives } from './bitwise-runs.js';
import { ISAS, addon, backend, useIsa, type IsaName } from './helpers.js';

const THREADS = [1, 2, 4];
const initialThreads = addon.getNumThreads();
const initialIsa = addon.info().isa;
afterAll(() => {
  addon.setNumThreads(initialThreads);
  addon.setIsa(initialIsa);
});

const runs = new Map<string, Map<string, Uint32Array>>();
function runWith(isa: IsaName, threads: number): Map<string, Uint32Array> {
  const key = `${isa} ${threads}`;
  let run = runs.get(key);
  if (!run) {
    useIsa(isa);
    addon.setNumThreads(threads);
    runs.set(key, (run = runEveryKernel(backend)));
  }
  return run;
}

describe.each(ISAS)('on %s', (isa) => {
  it.each(THREADS.slice(1))('every kernel gives the same bits with %i threads as with 1', (threads) => {
    const single = runWith(isa, 1);
    expect(single.size).toBeGreaterThan(100);
    expect(differences(single, runWith(isa, threads))).toEqual([]);
  });
});

describe('across ISA paths', () => {
  const withoutGemm = (run: Map<string, Uint32Array>): Map<string, Uint32Array> =>
    new Map([...run].filter(([name]) => !/^(gemm|linear) /.test(name)));

  it('avx2 and avx512 give the same bits for every kernel', () => {
    expect(differences(runWith('avx2', 2), runWith('avx512', 2), true)).toEqual([]);
  });

  it('portable gives the same values for every kernel but the GEMMs (NaN signs aside)', () => {
    expect(differences(withoutGemm(runWith('portable', 2)), withoutGemm(runWith('avx2', 2)), true)).toEqual([]);
  });
});

describe('against the js backend', () => {
  // Operations that both backends round exactly once (or not at all), so they must agree bit for bit on any
  // input, denormals included. (exp, log, pow and the sums are computed differently, and max/min may pick
  // either zero of a ±0 pair.)
  const EXACT = /^(unary (neg|abs|sqrt)|binary (add|sub|mul|div|eq|ne|lt|le|gt|ge)( broadcast)?|where|copy transposed|fill|argmax \d)$/;

  it('exactly rounded primitives give the same bits on inputs full of denormals, NaN, ±Infinity and ±0', () => {
    addon.setNumThreads(2);
    const exact = (name: string): boolean => EXACT.test(name);
    const native = runPrimitives(backend, exact);
    expect(native.size).toBe(3 + 10 * 2 + 5);
    expect(differences(runPrimitives(new JsBackend(), exact), native, true)).toEqual([]);
  });

  it('relu and its derivative give the same bits (NaN passes through relu, as in PyTorch)', () => {
    const x = hostileArray(1, 4 * 32768 + 7);
    const dy = hostileArray(2, x.length);
    const run = (b: Backend): Map<string, Uint32Array> => {
      const y = new Float32Array(x.length);
      const dx = new Float32Array(x.length);
      b.activation!('relu', 0, x, y);
      b.activationBackward!('relu', 0, x, y, dy, dx);
      return new Map([['relu', new Uint32Array(y.buffer)], ['relu backward', new Uint32Array(dx.buffer)]]);
    };
    const native = run(backend);
    expect(new Float32Array(native.get('relu')!.buffer).some(Number.isNaN)).toBe(true);
    expect(differences(run(new JsBackend()), native, true)).toEqual([]);
  });
});

describe('denormal results are kept, as in the js backend', () => {
  it('a large add of denormals keeps every one of them on every thread', () => {
    const x = new Float32Array(1 << 18).fill(1e-40);
    const out = new Float32Array(x.length);
    const zero = { storage: new Float32Array(1), shape: [x.length], strides: [0], offset: 0 };
    for (const threads of THREADS) {
      addon.setNumThreads(threads);
      backend.binary('add', { storage: x, shape: [x.length], strides: [1], offset: 0 }, zero, out);
      expect(out.filter((v) => v === 0).length, `${threads} threads`).toBe(0);
      backend.unary('log', { storage: x, shape: [x.length], strides: [1], offset: 0 }, out);
      expect(new Set(out).size, `${threads} threads`).toBe(1);
      expect(out[0]).toBeCloseTo(Math.log(Math.fround(1e-40)), 4);
    }
  });
});

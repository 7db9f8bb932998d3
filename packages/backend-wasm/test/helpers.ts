// Test helpers: one loaded module, a seeded PRNG, pairs of views (a Float32Array one for backend-js and
// the same data in linear memory), and a bitwise comparison in which every NaN equals every NaN.

import { expect } from 'vitest';
import type { View } from '@nabla/core';
import { JsBackend } from '@nabla/backend-js';
import { WasmKernels, type WasmStorage, type WasmView } from '../src/index.js';

export const wk = WasmKernels.load();
export const js = new JsBackend();

/** mulberry32: small, seeded, good enough for test data. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randArray(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

export function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]!; }
  return s;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A storage in linear memory holding a copy of `data`. */
export function upload(data: Float32Array | number[]): WasmStorage {
  const s = wk.alloc(data.length);
  wk.write(s, 0, data);
  return s;
}

export interface Pair { js: View; wasm: WasmView }

/** The same strided view over the same data, in host memory and in linear memory. */
export function pair(data: Float32Array, shape: number[], strides = contiguous(shape), offset = 0): Pair {
  return {
    js: { storage: data, shape, strides, offset },
    wasm: { storage: upload(data), shape, strides, offset },
  };
}

/** A random view of `shape`: contiguous, transposed, with an offset, or broadcast along random dims. */
export function randomView(rand: () => number, shape: number[], kind: number, fill?: (i: number) => number): Pair {
  const rank = shape.length;
  let strides: number[];
  let storageShape = shape;
  if (kind === 1 && rank >= 2) { // the last two dims swapped in memory
    storageShape = [...shape.slice(0, rank - 2), shape[rank - 1]!, shape[rank - 2]!];
    const cs = contiguous(storageShape);
    strides = [...cs.slice(0, rank - 2), cs[rank - 1]!, cs[rank - 2]!];
  } else if (kind === 2) { // broadcast along every other dim
    const cs = contiguous(shape.map((n, d) => (d % 2 === 0 ? 1 : n)));
    strides = cs.map((s, d) => (d % 2 === 0 ? 0 : s));
    storageShape = shape.map((n, d) => (d % 2 === 0 ? 1 : n));
  } else {
    strides = contiguous(shape);
  }
  const offset = kind === 3 ? 5 : 0;
  const n = sizeOf(storageShape) + offset;
  const data = fill ? Float32Array.from({ length: n }, (_, i) => fill(i)) : randArray(rand, n);
  return pair(data, shape, strides, offset);
}

/** Equal bit for bit, except that any NaN equals any NaN (engines differ in NaN payloads). */
export function expectBitwise(actual: Float32Array, expected: Float32Array, what = ''): void {
  expect(actual.length, what).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      expect.fail(`${what} element ${i}: ${actual[i]} (0x${a[i]!.toString(16)}) vs ${expected[i]} (0x${e[i]!.toString(16)})`);
    }
  }
}

/** Values that stress every kernel: zeros of both signs, infinities, NaN, tiny and huge numbers. */
export const SPECIAL = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3e38, -3e38, 0.5, 2, 88.7, -103.9, 1e-7];

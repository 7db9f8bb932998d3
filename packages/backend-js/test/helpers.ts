// Test helpers: a seeded PRNG, strided views of random data, a float64 element reader, closeness checks.

import { expect } from 'vitest';
import type { View } from '@nabla/core';
import { Generator } from '@nabla/core';
import { loadGolden } from '@nabla/backend-tests';

/** Seeded uniform numbers in [0, 1) from core's documented generator. */
export function prng(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.uniform();
}

export function randArray(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]!; }
  return s;
}

export function view(storage: Float32Array, shape: number[], strides = contiguous(shape), offset = 0): View {
  return { storage, shape, strides, offset };
}

/** Calls fn with every multi-index of shape, in row-major order. */
export function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const total = sizeOf(shape);
  const idx = shape.map(() => 0);
  for (let flat = 0; flat < total; flat++) {
    fn(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

export function at(v: View, idx: readonly number[]): number {
  let i = v.offset;
  for (let d = 0; d < idx.length; d++) i += idx[d]! * v.strides[d]!;
  return v.storage[i]!;
}

/** The view's elements in row-major order, as float64 numbers. */
export function toArray(v: View): number[] {
  const out: number[] = [];
  forEachIndex(v.shape, (idx) => out.push(at(v, idx)));
  return out;
}

export type ViewKind = 'contiguous' | 'offset' | 'transposed' | 'strided' | 'broadcast';
export const VIEW_KINDS: ViewKind[] = ['contiguous', 'offset', 'transposed', 'strided', 'broadcast'];

/**
 * A view of the given logical shape laid out in one of several ways: plain, starting at an offset, with
 * its dims stored in reverse order, every other element of a larger buffer, or with stride 0 on every
 * other dim (a broadcast).
 */
export function makeView(rand: () => number, shape: number[], kind: ViewKind, lo = -1, hi = 1): View {
  const rank = shape.length;
  switch (kind) {
    case 'contiguous':
      return view(randArray(rand, sizeOf(shape), lo, hi), shape);
    case 'offset': {
      const off = 3;
      return view(randArray(rand, sizeOf(shape) + off + 2, lo, hi), shape, contiguous(shape), off);
    }
    case 'transposed': {
      const reversed = [...shape].reverse();
      const rs = contiguous(reversed);
      return view(randArray(rand, sizeOf(shape), lo, hi), shape, shape.map((_, d) => rs[rank - 1 - d]!));
    }
    case 'strided': {
      const strides = contiguous(shape).map((s) => s * 2);
      return view(randArray(rand, Math.max(1, 2 * sizeOf(shape)), lo, hi), shape, strides, 1);
    }
    case 'broadcast': {
      const stored = shape.map((n, d) => (d % 2 === 0 ? 1 : n));
      const cs = contiguous(stored);
      return view(randArray(rand, sizeOf(stored), lo, hi), shape, shape.map((_, d) => (d % 2 === 0 ? 0 : cs[d]!)));
    }
  }
}

/** |actual - expected| <= atol + rtol * |expected| elementwise; NaN must match NaN. Reports the first miss. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-6, atol = 1e-6, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = Number.isNaN(e) || Number.isNaN(a)
      ? Number.isNaN(a) && Number.isNaN(e)
      : a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e); // a === e covers equal infinities
    if (!ok) expect.fail(`${what} [${i}]: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
  }
}

export interface GoldenTensor { shape: number[]; data: number[] }

/** One golden file (the folder is $NABLA_GOLDEN_DIR or the suite's copy, as for every backend). */
export function readGolden<T>(file: string): T {
  return loadGolden<T>(file.replace(/\.json$/, ''));
}

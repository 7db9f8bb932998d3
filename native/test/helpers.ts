// Shared by the native tests: the loaded addon and backend, the ISA paths to cover, a seeded RNG, strided
// test views of several layouts, and float64 reference helpers.
import type { View } from '@nabla/core';
import { Generator } from '@nabla/core';

import { createNativeBackend, nativeLoad, setNativeIsa, type NativeAddon } from '../src/index.js';

function requireAddon(): NativeAddon {
  if (!nativeLoad.ok) {
    throw new Error(`the native addon did not load, so its tests cannot run: ${nativeLoad.reason}`);
  }
  return nativeLoad.addon;
}

export const addon = requireAddon();
/** The file the addon was loaded from, for tests that start fresh processes. */
export const nativeLoadPath = nativeLoad.ok ? nativeLoad.path : '';
export const backend = createNativeBackend(addon);
export const ISAS = ['portable', 'avx2', 'avx512'] as const;
export type IsaName = (typeof ISAS)[number];

/** Forces `isa` and checks it took effect: a path the CPU lacks is clamped to the best it has. */
export function useIsa(isa: IsaName): void {
  const rank = (name: string): number => ISAS.indexOf(name as IsaName);
  const best = addon.info().bestIsa;
  const active = setNativeIsa(isa);
  const expected = rank(isa) <= rank(best) ? isa : best;
  if (active !== expected || addon.info().kernels !== expected) {
    throw new Error(`setIsa('${isa}') gave ${active} / kernels ${addon.info().kernels}, expected ${expected}`);
  }
}

/** Seeded uniform numbers in [0, 1) from core's documented generator. */
export function rng(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.uniform();
}

export function randomArray(rand: () => number, n: number, lo = -2, hi = 2): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

/**
 * Layouts a test view can have: contiguous at an offset, inside a subarray, dims stored in reverse order
 * (a transpose), every other element of the last dim, broadcast (stride 0) in some dims, and reversed
 * (negative stride) in the first dim.
 */
export const LAYOUTS = ['contiguous', 'subarray', 'transposed', 'stepped', 'broadcast', 'reversed'] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface TestView extends View {
  /** The value at a multi-index, read through the view's strides (the reference reads it this way). */
  at(index: readonly number[]): number;
}

export function makeView(rand: () => number, shape: readonly number[], layout: Layout, lo = -2, hi = 2): TestView {
  const n = shape.length;
  let strides: number[];
  let span: number;
  if (layout === 'transposed') {
    strides = new Array<number>(n);
    let acc = 1;
    for (let d = 0; d < n; d++) {
      strides[d] = acc;
      acc *= shape[d]!;
    }
    span = acc;
  } else if (layout === 'broadcast') {
    const kept = shape.map((d) => (rand() < 0.5 ? 1 : d));
    strides = contiguousStrides(kept).map((s, d) => (kept[d] === 1 ? 0 : s));
    span = numel(kept);
  } else if (layout === 'stepped') {
    strides = contiguousStrides(shape).map((s) => s * 2);
    span = numel(shape) * 2;
  } else {
    strides = contiguousStrides(shape);
    span = numel(shape);
  }
  let offset = layout === 'contiguous' ? 3 : 0;
  if (layout === 'reversed' && n > 0 && shape[0]! > 0) {
    offset = (shape[0]! - 1) * strides[0]!;
    strides[0] = -strides[0]!;
  }
  const total = Math.max(span, 1) + offset + 2;
  let storage = randomArray(rand, total, lo, hi);
  if (layout === 'subarray') storage = randomArray(rand, total + 5, lo, hi).subarray(5);
  const at = (index: readonly number[]): number => {
    let i = offset;
    for (let d = 0; d < n; d++) i += index[d]! * strides[d]!;
    return storage[i]!;
  };
  return { storage, shape: [...shape], strides, offset, at };
}

/** Calls fn with every multi-index of `shape` in row-major order and its flat position. */
export function forEachIndex(shape: readonly number[], fn: (index: number[], flat: number) => void): void {
  const total = numel(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < total; flat++) {
    fn(index, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}

/**
 * Asserts got[i] matches the float64 reference want[i] to within `rel` relative error (plus `abs`), with
 * NaN only where NaN is expected and infinities equal. Reports the first mismatch.
 */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, abs = 0, what = ''): void {
  if (got.length < want.length) throw new Error(`${what}: got ${got.length} values, want ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) throw new Error(`${what}[${i}]: got ${g}, want ${w}`);
      continue;
    }
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) throw new Error(`${what}[${i}]: got ${g}, want ${w}`);
      continue;
    }
    if (Math.abs(g - w) > rel * Math.abs(w) + abs) {
      throw new Error(`${what}[${i}]: got ${g}, want ${w} (error ${Math.abs(g - w)}, allowed ${rel * Math.abs(w) + abs})`);
    }
  }
}

// The canonical form in which elementwise primitives (unary, binary, where, copy) receive their views: axes
// of size 1 dropped and adjacent axes merged wherever every operand allows it, so that a contiguous operand
// arrives as one flat axis and a backend's loops see as few axes as the layout truly has. Done once here, so
// that each backend can write flat loops with strided fallbacks instead of its own coalescing.

import type { Storage, View } from './backend.js';

/** Shape and per-operand strides after coalescing; always at least one dim. */
export interface Coalesced {
  shape: number[];
  strides: number[][];
}

/**
 * Drops size-1 dims and merges neighbours that every operand lays out as one longer dim. Backends use it for
 * their own layouts too (a reduction's output strides), so that all of them visit elements in one order.
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, o) => outStrides[o]![last] === s[d]! * n);
    if (mergeable) {
      outShape[last]! *= n;
      strides.forEach((s, o) => { outStrides[o]![last] = s[d]!; });
    } else {
      outShape.push(n);
      strides.forEach((s, o) => outStrides[o]!.push(s[d]!));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  return { shape: outShape, strides: outStrides };
}

const flatStrides: readonly number[] = [1];

/** A view over the same storage with the given (merged) shape and strides. */
function view(v: View<Storage>, shape: readonly number[], strides: readonly number[]): View<Storage> {
  return { storage: v.storage, shape, strides, offset: v.offset };
}

function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/**
 * The views (all of one shape) in canonical form. Returns the views themselves when there is nothing to
 * merge, else new views over the same storage.
 */
export function coalesceViews(views: View<Storage>[]): View<Storage>[] {
  const shape = views[0]!.shape;
  const rank = shape.length;
  if (rank <= 1) return views;
  if (views.every((v) => isRowMajor(shape, v.strides))) {
    let size = 1;
    for (const d of shape) size *= d;
    const flat = [size];
    return views.map((v) => view(v, flat, flatStrides));
  }
  const merged = coalesce(shape, views.map((v) => v.strides));
  if (merged.shape.length === rank) return views;
  return views.map((v, k) => view(v, merged.shape, merged.strides[k]!));
}

// The canonical form in which elementwise primitives (unary, binary, where, copy) receive their views: axes
// of size 1 dropped and adjacent axes merged wherever every operand allows it, so that a contiguous operand
// arrives as one flat axis and a backend's loops see as few axes as the layout truly has. Done once here, so
// that each backend can write flat loops with strided fallbacks instead of its own coalescing.

import type { Storage, View } from './backend.js';

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
export function coalesce(views: View<Storage>[]): View<Storage>[] {
  const shape = views[0]!.shape;
  const rank = shape.length;
  if (rank <= 1) return views;
  let size = 1;
  for (const d of shape) size *= d;
  if (views.every((v) => isRowMajor(shape, v.strides))) {
    const flat = [size];
    return views.map((v) => view(v, flat, flatStrides));
  }
  // Walk from the last axis, merging axis d into the current run when every operand steps over it by the
  // run's extent; size-1 axes are skipped (their stride never matters).
  const outShape: number[] = [];
  const outStrides: number[][] = views.map(() => []);
  for (let d = rank - 1; d >= 0; d--) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    const merges = last >= 0 && views.every((v, k) => v.strides[d] === outStrides[k]![last]! * outShape[last]!);
    if (merges) {
      outShape[last] = outShape[last]! * n;
    } else {
      outShape.push(n);
      views.forEach((v, k) => outStrides[k]!.push(v.strides[d]!));
    }
  }
  if (outShape.length === rank) return views;
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(1));
  }
  outShape.reverse();
  return views.map((v, k) => view(v, outShape, outStrides[k]!.reverse()));
}

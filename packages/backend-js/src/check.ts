// Argument checks run once per call (O(rank) or O(1)), never per element. A Float32Array read out of
// bounds yields undefined (NaN after arithmetic) and a write out of bounds is dropped silently, so a bad
// shape, stride or length from a caller must be caught here rather than turn into wrong numbers.

import { ShapeError, ValueError, fmtShape, isContiguous as isContiguousLayout, type View } from '@nabla/core';

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Checks that every element the view addresses lies inside its storage; returns its element count. */
export function checkView(op: string, name: string, v: View): number {
  const { shape, strides, offset, storage } = v;
  if (strides.length !== shape.length) {
    throw new ShapeError(`${op}: ${name} has shape ${fmtShape(shape)} but ${strides.length} strides`);
  }
  let size = 1;
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (!Number.isInteger(n) || n < 0) throw new ShapeError(`${op}: ${name} has a bad shape ${fmtShape(shape)}`);
    size *= n;
    if (!Number.isInteger(strides[d])) throw new ShapeError(`${op}: ${name} has a bad stride in ${fmtShape(strides)}`);
    const reach = (n - 1) * strides[d]!;
    if (reach > 0) hi += reach; else lo += reach;
  }
  if (size === 0) return 0;
  if (!Number.isInteger(offset) || lo < 0 || hi >= storage.length) {
    throw new ShapeError(
      `${op}: ${name} (shape ${fmtShape(shape)}, strides ${fmtShape(strides)}, offset ${offset}) reaches ` +
      `elements ${lo}..${hi} but its storage holds ${storage.length}${detachedNote(storage)}`,
    );
  }
  return size;
}

export function checkSameShape(op: string, name: string, v: View, shape: readonly number[]): void {
  const s = v.shape;
  let same = s.length === shape.length;
  for (let d = 0; same && d < s.length; d++) same = s[d] === shape[d];
  if (!same) throw new ShapeError(`${op}: ${name} has shape ${fmtShape(s)}, expected ${fmtShape(shape)}`);
}

/** Row-major contiguous (size-1 dims may have any stride)? Lets small calls skip the general iteration. */
/** Says so when an array is empty because its buffer was detached (an adopted array transferred away). */
export function detachedNote(arr: Float32Array): string {
  return arr.length === 0 && arr.buffer.byteLength === 0 ? ' (its buffer was detached, e.g. transferred by postMessage)' : '';
}

export function isContiguous(v: View): boolean {
  return isContiguousLayout(v.shape, v.strides);
}

/** Every stride 0 (or size 1): the view is one value repeated, a broadcast scalar. */
export function isScalar(v: View): boolean {
  const { shape, strides } = v;
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1 && strides[d] !== 0) return false;
  return true;
}

/** `arr` must hold at least `needed` elements. */
export function checkLength(op: string, name: string, arr: Float32Array, needed: number): void {
  if (arr.length < needed) {
    throw new ValueError(`${op}: ${name} has ${arr.length} elements, expected at least ${needed}${detachedNote(arr)}`);
  }
}

export function checkDims(op: string, dims: Record<string, number>): void {
  for (const [name, value] of Object.entries(dims)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ValueError(`${op}: ${name} must be a non-negative integer, got ${value}`);
    }
  }
}

/** Row-major strides of a contiguous array of this shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

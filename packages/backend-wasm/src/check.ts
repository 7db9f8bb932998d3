// Argument checks, run once per call before anything reaches wasm. Inside linear memory an out-of-bounds
// index does not trap: it silently reads or overwrites another tensor (or the kernels' own scratch), so
// every shape, stride, offset and length is checked against its storage here. Wrong types throw a
// TypeError, wrong sizes and ranges a RangeError; each message names the call and the argument.

import { isContiguous as isContiguousLayout } from '@nabla/core';
import type { WasmMemory, WasmStorage } from './memory.js';
import { MAX_DIMS } from './plan.js';

/** A strided view of float32 elements in linear memory (the wasm counterpart of core's View). */
export interface WasmView {
  readonly storage: WasmStorage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

const fmt = (a: readonly number[]) => `[${a.join(', ')}]`;

export function checkIndex(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    throw new RangeError(`${op}: ${name} must be a non-negative integer (int32), got ${String(v)}`);
  }
  return v;
}

export function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${typeof v}`);
  return v;
}

export function checkFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/** Checks that every element the view addresses lies inside its storage; returns its element count. */
export function checkView(mem: WasmMemory, op: string, name: string, v: WasmView): number {
  if (typeof v !== 'object' || v === null) throw new TypeError(`${op}: ${name} must be a view {storage, shape, strides, offset}`);
  if (!mem.owns(v.storage)) mem.check(v.storage, op, `${name}.storage`);
  const { shape, strides, offset } = v;
  if (!Array.isArray(shape) || !Array.isArray(strides)) throw new TypeError(`${op}: ${name}.shape and ${name}.strides must be arrays`);
  if (strides.length !== shape.length) {
    throw new RangeError(`${op}: ${name} has shape ${fmt(shape)} but ${strides.length} strides`);
  }
  if (shape.length > MAX_DIMS) throw new RangeError(`${op}: ${name} has rank ${shape.length}; at most ${MAX_DIMS} is supported`);
  let size = 1;
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: ${name} has a bad shape ${fmt(shape)}`);
    size *= n;
    if (!Number.isInteger(strides[d])) throw new RangeError(`${op}: ${name} has a bad stride in ${fmt(strides)}`);
    const reach = (n - 1) * strides[d];
    if (reach > 0) hi += reach; else lo += reach;
  }
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`${op}: ${name}.offset must be a non-negative integer, got ${offset}`);
  if (size === 0) return 0;
  if (size > 0x7fffffff) throw new RangeError(`${op}: ${name} has ${size} elements, more than 32-bit memory holds`);
  if (lo < 0 || hi >= v.storage.length) {
    throw new RangeError(
      `${op}: ${name} (shape ${fmt(shape)}, strides ${fmt(strides)}, offset ${offset}) reaches ` +
      `elements ${lo}..${hi} but its storage holds ${v.storage.length}`,
    );
  }
  return size;
}

export function checkSameShape(op: string, name: string, v: WasmView, shape: readonly number[]): void {
  const s = v.shape;
  let same = s.length === shape.length;
  for (let d = 0; same && d < s.length; d++) same = s[d] === shape[d];
  if (!same) throw new RangeError(`${op}: ${name} has shape ${fmt(s)}, expected ${fmt(shape)}`);
}

/** A live storage of this memory holding at least `needed` elements. */
export function checkStorage(mem: WasmMemory, op: string, name: string, s: WasmStorage, needed: number): void {
  mem.check(s, op, name);
  if (s.length < needed) throw new RangeError(`${op}: ${name} has ${s.length} elements, expected at least ${needed}`);
}

/** Row-major contiguous (size-1 dims may have any stride)? */
export function isContiguous(v: WasmView): boolean {
  return isContiguousLayout(v.shape, v.strides);
}

/** Address of element `offset` of a storage. */
export function addr(s: WasmStorage, offset = 0): number {
  return s.ptr + offset * 4;
}

export function fmtShape(a: readonly number[]): string {
  return fmt(a);
}

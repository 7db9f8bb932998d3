// The in-place view of a tensor that MPI reads and writes: its own Float32Array memory, no copy. Tensors of
// the js and native backends live in host Float32Arrays; a backend with memory of its own cannot be reduced
// in place, and the error says so.

import { Tensor } from '@nabla/core';
import type { MpiBuffer } from './addon.js';

export function hostView(t: Tensor, where: string): Float32Array {
  if (!(t.storage instanceof Float32Array)) {
    throw new TypeError(`${where}: the tensor's memory is not a host Float32Array (backend memory of its own, e.g. ` +
      'WebAssembly); use the js or native backend for distributed training');
  }
  if (!t.isContiguous) throw new TypeError(`${where}: the tensor is not contiguous; pass .contiguous() (a copy) instead`);
  return t.storage.subarray(t.offset, t.offset + t.size);
}

/** A Float32Array, a Float64Array, or a tensor in host memory (its memory, in place). */
export type Reducible = MpiBuffer | Tensor;

export function bufferOf(x: Reducible, where: string): MpiBuffer {
  if (x instanceof Float32Array || x instanceof Float64Array) return x;
  if (x instanceof Tensor) return hostView(x, where);
  throw new TypeError(`${where}: expected a Float32Array, a Float64Array or a Tensor, got ${describe(x)}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}

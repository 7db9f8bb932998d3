// How core reaches a tensor's memory: which Memory a storage belongs to, allocation of op outputs through the
// backend in use (recorded while a backward pass runs, so that its temporaries can be recycled), and the
// internal host-side reads of values that core itself checks.

import type { Backend, DeviceStorage, Memory, Storage, View } from './backend.js';
import { NablaError } from './errors.js';
import { hostMemory } from './host-memory.js';
import { coalesceViews } from './plan.js';
import { MAX_ELEMENTS } from './shape.js';

/** The memory a storage lives in: host memory for a Float32Array, else the one it names. */
export function memoryOf(s: Storage): Memory {
  if (s instanceof Float32Array) return hostMemory as Memory;
  const memory = (s as Partial<DeviceStorage>).memory;
  if (memory === undefined || memory === null) {
    throw new TypeError(
      `a tensor's storage is ${Object.prototype.toString.call(s)}, neither a Float32Array nor a backend's storage ` +
      '(which names its memory); make tensors with tensor(), zeros()...',
    );
  }
  return memory;
}

/** Throws unless `t` lives in the memory of `backend` (an op cannot read another backend's memory). */
export function checkMemory(op: string, backend: Backend<Storage>, t: View<Storage>): void {
  const where = memoryOf(t.storage);
  if (where !== backend.memory) {
    if (where.name === backend.memory.name) {
      throw new NablaError(
        `${op}: a tensor lives in an earlier instance of ${where.name} memory: the backend '${backend.name}' was ` +
        `registered again since it was made (a second copy of the backend's package, or a reload); move it with ` +
        `tensor.to('${backend.name}')`,
      );
    }
    throw new NablaError(
      `${op}: a tensor lives in ${where.name} memory, but the backend in use ('${backend.name}') computes in ` +
      `${backend.memory.name} memory; move it first with tensor.to('${backend.name}')`,
    );
  }
}

let taken: Set<Storage> | null = null;

/** Storage for n elements from the backend's memory, contents unspecified (the caller writes them all). */
export function allocStorage(backend: Backend<Storage>, n: number): Storage {
  // An op's output (a broadcast, an outer product) can be far larger than its inputs: refuse it by its size
  // instead of asking the engine for tens of GiB.
  if (n > MAX_ELEMENTS) {
    throw new RangeError(
      `an op's result would have ${n.toExponential(3)} elements (${(n * 4 / 2 ** 30).toExponential(3)} GiB of float32); ` +
      `a tensor can hold at most ${MAX_ELEMENTS} elements`,
    );
  }
  const s = backend.memory.alloc(n);
  taken?.add(s);
  return s;
}

/** Whether `s` was allocated since the current record began (a temporary of the backward pass running). */
export function isTemporary(s: Storage): boolean {
  return taken?.has(s) ?? false;
}

/** Starts recording the storage allocated (by a backward pass); returns the enclosing record, if any. */
export function beginTemporaries(): Set<Storage> | null {
  const outer = taken;
  taken = new Set();
  return outer;
}

/**
 * Ends the record started by beginTemporaries and releases every storage allocated since, except those in
 * `reachable`. With reachable === null (the pass failed) nothing is released: its state is unknown.
 */
export function endTemporaries(outer: Set<Storage> | null, reachable: ReadonlySet<Storage> | null): void {
  const mine = taken;
  taken = outer;
  if (mine === null || reachable === null) return;
  for (const s of mine) {
    if (reachable.has(s)) continue;
    if (outer !== null) outer.add(s); // a pass nested in another: the outer one decides at its end
    else memoryOf(s).release(s);
  }
}

/**
 * Throws unless host storage still holds elements [offset, offset + n): an array adopted by tensor() can be
 * detached (transferred by postMessage) or its resizable buffer shrunk behind the tensor's back.
 */
export function checkHostRange(s: Storage, offset: number, n: number): void {
  if (!(s instanceof Float32Array) || offset + n <= s.length) return;
  throw new NablaError(
    `reading a tensor: it needs elements ${offset}..${offset + n - 1} of its memory, which holds ${s.length}: ` +
    (s.buffer.byteLength === 0
      ? 'the Float32Array that tensor() adopted was detached (transferred, e.g. by postMessage) since; pass a copy ' +
        '(tensor(array.slice())) to keep using the array elsewhere'
      : 'the array is shorter than the shape needs (a resized buffer under an array adopted by tensor(), or a Tensor ' +
        'constructed by hand over a short array)'),
  );
}

/**
 * The values of a view's contiguous range as a host array, for core's own reading (targets, item()): the
 * memory itself for host storage (not marked as seen by the user), a copy otherwise. Do not keep the result.
 */
export function peek(s: Storage, offset: number, n: number): Float32Array {
  checkHostRange(s, offset, n);
  if (s instanceof Float32Array) return offset === 0 && n === s.length ? s : s.subarray(offset, offset + n);
  return memoryOf(s).read(s, offset, n);
}

/** Storage holding `values` in the backend's memory: the array itself in host memory, else a copy. */
export function fromHost(backend: Backend<Storage>, values: Float32Array): Storage {
  const memory = backend.memory;
  if (memory.adopt) return memory.adopt(values);
  const s = memory.alloc(values.length);
  memory.write(s, 0, values);
  return s;
}

/** One-element storage holding `value`, for scalar operands. */
export function constant(backend: Backend<Storage>, value: number): Storage {
  return fromHost(backend, Float32Array.of(value));
}

/** Storage of n zeros in the backend's memory. */
export function zerosStorage(backend: Backend<Storage>, n: number): Storage {
  const s = allocStorage(backend, n);
  backend.fill(s, 0, 0, n);
  return s;
}

/**
 * The elements of a view as one dense storage (offset 0, exactly n elements long), which is what fused kernels
 * take: the storage itself when it already is, a subarray in host memory when contiguous, else a copy.
 */
export function dense(backend: Backend<Storage>, t: View<Storage>, n: number, contiguous: boolean): Storage {
  const s = t.storage;
  if (contiguous) {
    if (t.offset === 0 && s.length === n) return s;
    if (s instanceof Float32Array) return s.subarray(t.offset, t.offset + n);
  }
  const out = allocStorage(backend, n);
  backend.copy(coalesceViews([t])[0]!, out);
  return out;
}

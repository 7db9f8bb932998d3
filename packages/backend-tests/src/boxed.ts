// A backend with memory of its own, for testing that core reaches tensor memory only through the backend
// interface: its storage objects box a Float32Array that only this backend looks into, and every primitive
// unboxes its arguments and runs the reference backend's code. A WebAssembly or GPU backend has the same
// shape (its storage names a block of memory that only it can read).

import type {
  Backend, BinaryOp, DeviceStorage, GemmArgs, Memory, ReduceOp, UnaryOp, View,
} from '@nabla/core';
import { ReferenceBackend } from './reference.js';

export class BoxedStorage implements DeviceStorage {
  constructor(readonly memory: BoxedMemory, readonly data: Float32Array) {}

  get length(): number {
    return this.data.length;
  }
}

/** Counts what core asks of it, so tests can check that temporaries come back. */
export class BoxedMemory implements Memory<BoxedStorage> {
  readonly name = 'boxed';
  allocated = 0;
  released = 0;

  alloc(n: number): BoxedStorage {
    this.allocated++;
    // NaN, not zeros: core must write every element it later reads.
    return new BoxedStorage(this, new Float32Array(n).fill(NaN));
  }

  read(s: BoxedStorage, offset: number, n: number): Float32Array {
    return s.data.slice(offset, offset + n);
  }

  write(s: BoxedStorage, offset: number, values: Float32Array): void {
    s.data.set(values, offset);
  }

  release(s: BoxedStorage): void {
    if (s.memory !== this) throw new Error('boxed memory: release of storage from another memory');
    this.released++;
  }
}

function unbox(s: BoxedStorage): Float32Array {
  if (!(s instanceof BoxedStorage)) throw new TypeError(`boxed backend: expected BoxedStorage, got ${Object.prototype.toString.call(s)}`);
  return s.data;
}

function unboxView(v: View<BoxedStorage>): View {
  return { storage: unbox(v.storage), shape: v.shape, strides: v.strides, offset: v.offset };
}

export class BoxedBackend implements Backend<BoxedStorage> {
  readonly name = 'boxed';
  readonly memory = new BoxedMemory();
  private readonly ref = new ReferenceBackend();

  unary(op: UnaryOp, x: View<BoxedStorage>, out: BoxedStorage): void {
    this.ref.unary(op, unboxView(x), unbox(out));
  }

  binary(op: BinaryOp, a: View<BoxedStorage>, b: View<BoxedStorage>, out: BoxedStorage): void {
    this.ref.binary(op, unboxView(a), unboxView(b), unbox(out));
  }

  where(cond: View<BoxedStorage>, a: View<BoxedStorage>, b: View<BoxedStorage>, out: BoxedStorage): void {
    this.ref.where(unboxView(cond), unboxView(a), unboxView(b), unbox(out));
  }

  reduce(op: ReduceOp, x: View<BoxedStorage>, axes: readonly number[], out: BoxedStorage): void {
    this.ref.reduce(op, unboxView(x), axes, unbox(out));
  }

  argmax(x: View<BoxedStorage>, axis: number, out: BoxedStorage): void {
    this.ref.argmax(unboxView(x), axis, unbox(out));
  }

  gemm(g: GemmArgs<BoxedStorage>): void {
    this.ref.gemm({ ...g, a: unbox(g.a), b: unbox(g.b), c: unbox(g.c) });
  }

  copy(x: View<BoxedStorage>, out: BoxedStorage, outOffset = 0): void {
    this.ref.copy(unboxView(x), unbox(out), outOffset);
  }

  fill(out: BoxedStorage, value: number, offset: number, length: number): void {
    this.ref.fill(unbox(out), value, offset, length);
  }
}

// The allocator of a module's linear memory. Blocks are float32 arrays at 64-byte-aligned addresses, in
// size classes (multiples of 64 bytes up to 1 KiB, then four classes per power of two), each with a free
// list: a freed block is kept for the next request of its class, as the host backends' caching allocator
// does, so a training step's tensors recycle the previous step's blocks. When the bump region is full,
// memory.grow adds pages; that detaches every typed array over the old buffer, which is why views are only
// ever taken through f32()/i32()/f64() right before use.

import type { DeviceStorage, Memory } from '@nabla/core';

const ALIGN = 64;
const PAGE = 65536;
const MAX_BYTES = 4 * 1024 * 1024 * 1024;

/** Bytes of the size class that serves a request of `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const step = pow / 4;
  return Math.ceil(bytes / step) * step;
}

const kill = Symbol('kill');
const weight = Symbol('weight');
// Blocks from this size on carry their weight in the JavaScript heap while more than WEIGH_ABOVE bytes are
// in use (see WasmStorage[weight]).
const WEIGHED_BYTES = 16384;
const WEIGH_ABOVE = 128 * 1024 * 1024;
// Only the allocator can make a storage: a hand-made one could name any address and bypass every check.
const token = Symbol('WasmMemory');

/**
 * A float32 block of linear memory: `ptr` is its byte address, `length` its element count. Its `memory` is
 * the allocator that made it, which is also the wasm backend's `memory`: core tells which memory a tensor
 * lives in by that object's identity.
 */
export class WasmStorage implements DeviceStorage {
  /** True once `release` has returned the block; the storage is then unusable. */
  readonly released: boolean = false;

  /**
   * @internal An untouched ArrayBuffer of the block's size, given to storages allocated while much memory is
   * in use. The collector does not see linear memory, so without it a training loop's dropped tensors (tiny
   * objects to the collector) wait for a collection while memory grows by hundreds of MiB; an ArrayBuffer
   * counts as external memory, which makes the engine collect as it does for host tensors. Its pages are
   * never written, so large ones are mapped but not committed. Weighing every storage kept memory lowest but
   * made collections so frequent that they cost a third of a training step's time; weighing only above a
   * threshold lets memory reach it, then brings it back down.
   */
  [weight]: ArrayBuffer | null = null;

  /** @internal Created by WasmMemory.alloc only. */
  constructor(
    key: symbol,
    readonly memory: WasmMemory,
    readonly ptr: number,
    readonly length: number,
  ) {
    if (key !== token) throw new TypeError('WasmStorage objects come from WasmKernels.alloc()');
  }

  /** @internal */
  [kill](): void {
    (this as { released: boolean }).released = true;
    this[weight] = null;
  }
}

export interface MemoryStats {
  /** Bytes of blocks held by live storages. */
  inUse: number;
  /** Bytes of freed blocks waiting in the free lists. */
  cached: number;
  /** Size of linear memory. */
  heapSize: number;
}

/** The allocator of one module's linear memory; it is core's `Memory` of the wasm backend, named 'wasm'. */
export class WasmMemory implements Memory<WasmStorage> {
  readonly name = 'wasm';
  private top: number;
  private readonly free = new Map<number, number[]>();
  private readonly registry: FinalizationRegistry<number>;
  /** Block size by address, for blocks in use. */
  private readonly sizes = new Map<number, number>();
  private inUse = 0;
  private cached = 0;
  private lastBuffer: ArrayBuffer | null = null;
  private f32View = new Float32Array(0);
  private i32View = new Int32Array(0);
  private f64View = new Float64Array(0);

  constructor(readonly memory: WebAssembly.Memory, heapBase: number) {
    this.top = Math.ceil(heapBase / ALIGN) * ALIGN;
    // Collected storages give their block back; the held value is the address alone (never the storage).
    this.registry = new FinalizationRegistry((ptr) => this.freeBlock(ptr));
  }

  /** A block of `length` float32 elements (contents unspecified). */
  alloc(length: number): WasmStorage {
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`alloc: length must be a non-negative integer, got ${length}`);
    }
    const bytes = sizeClass(Math.max(1, length) * 4);
    const list = this.free.get(bytes);
    let ptr: number;
    if (list && list.length > 0) {
      ptr = list.pop()!;
      this.cached -= bytes;
    } else {
      ptr = this.bump(bytes);
    }
    this.sizes.set(ptr, bytes);
    this.inUse += bytes;
    const storage = new WasmStorage(token, this, ptr, length);
    if (bytes >= WEIGHED_BYTES && this.inUse > WEIGH_ABOVE) storage[weight] = new ArrayBuffer(bytes);
    this.registry.register(storage, ptr, storage);
    return storage;
  }

  /**
   * Frees the block now instead of when the storage is collected; the storage is unusable afterwards. A
   * storage already released is left alone, as core may hand back scratch that a composition released itself.
   */
  release(storage: WasmStorage): void {
    if (storage instanceof WasmStorage && storage.memory === this && storage.released) return;
    this.check(storage, 'release', 'storage');
    storage[kill]();
    this.registry.unregister(storage);
    this.freeBlock(storage.ptr);
  }

  /** A copy of elements [offset, offset + n) of a storage. */
  read(storage: WasmStorage, offset: number, n: number): Float32Array {
    this.check(storage, 'read', 'storage');
    checkRange('read', storage, offset, n);
    const at = storage.ptr / 4 + offset;
    return this.f32().slice(at, at + n);
  }

  /** Copies `values` into a storage from element `offset`. */
  write(storage: WasmStorage, offset: number, values: Float32Array | readonly number[]): void {
    this.check(storage, 'write', 'storage');
    if (!(values instanceof Float32Array) && !Array.isArray(values)) {
      throw new TypeError('write: values must be a Float32Array or an array');
    }
    checkRange('write', storage, offset, values.length);
    this.f32().set(values, storage.ptr / 4 + offset);
  }

  /** Is `s` a live storage of this memory? */
  owns(s: unknown): s is WasmStorage {
    return s instanceof WasmStorage && s.memory === this && !s.released;
  }

  /** Throws unless `s` is a live storage of this memory; the message names `op: name`. */
  check(s: unknown, op: string, name: string): asserts s is WasmStorage {
    // Messages are built only on failure: this runs for every argument of every call.
    if (!(s instanceof WasmStorage)) throw new TypeError(`${op}: ${name} must be a WasmStorage, got ${describe(s)}`);
    if (s.memory !== this) throw new TypeError(`${op}: ${name} belongs to another WebAssembly memory`);
    if (s.released) throw new TypeError(`${op}: ${name} has been released`);
  }

  stats(): MemoryStats {
    return { inUse: this.inUse, cached: this.cached, heapSize: this.memory.buffer.byteLength };
  }

  /** A Float32Array over the whole of linear memory, re-created whenever the memory has grown. */
  f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  f64(): Float64Array {
    this.refresh();
    return this.f64View;
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.lastBuffer) return;
    this.lastBuffer = buffer;
    this.f32View = new Float32Array(buffer);
    this.i32View = new Int32Array(buffer);
    this.f64View = new Float64Array(buffer);
  }

  private freeBlock(ptr: number): void {
    const bytes = this.sizes.get(ptr);
    if (bytes === undefined) return;
    this.sizes.delete(ptr);
    this.inUse -= bytes;
    this.cached += bytes;
    let list = this.free.get(bytes);
    if (!list) this.free.set(bytes, (list = []));
    list.push(ptr);
  }

  private bump(bytes: number): number {
    const ptr = this.top;
    const end = ptr + bytes;
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      if (end > MAX_BYTES) {
        throw new RangeError(`alloc: ${bytes} more bytes exceed the 4 GiB of 32-bit WebAssembly memory`);
      }
      // Grow by at least an eighth of the current size, so many small requests do not grow page by page.
      const needed = Math.ceil((end - size) / PAGE);
      const pages = Math.min(Math.max(needed, Math.ceil(size / PAGE / 8)), (MAX_BYTES - size) / PAGE);
      try {
        this.memory.grow(pages);
      } catch {
        try {
          this.memory.grow(needed);
        } catch {
          throw new RangeError(`alloc: cannot grow WebAssembly memory by ${needed} pages (heap is ${size} bytes)`);
        }
      }
    }
    this.top = end;
    return ptr;
  }
}

// Outside its block a write would land in another tensor, so ranges are checked before any copy.
function checkRange(op: string, s: WasmStorage, offset: number, n: number): void {
  for (const [name, v] of [['offset', offset], ['n', n]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${String(v)}`);
    }
  }
  if (offset + n > s.length) {
    throw new RangeError(`${op}: elements [${offset}, ${offset + n}) exceed the storage's ${s.length} elements`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return v.constructor?.name ?? 'an object';
  return typeof v;
}

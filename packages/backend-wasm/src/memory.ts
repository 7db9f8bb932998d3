// The allocator of a module's linear memory. Blocks are float32 arrays at 64-byte-aligned addresses, in
// size classes (multiples of 64 bytes up to 1 KiB, then four classes per power of two), each with a free
// list: a freed block is kept for the next request of its class, as the host backends' caching allocator
// does, so a training step's tensors recycle the previous step's blocks. When the bump region is full,
// memory.grow adds pages; that detaches every typed array over the old buffer, which is why views are only
// ever taken through f32()/i32()/f64() right before use. Past a threshold, blocks used least recently move
// to host memory instead of memory growing (see spill()).

import type { DeviceStorage, Memory } from '@nabla/core';

const ALIGN = 64;
const PAGE = 65536;
const MAX_BYTES = 4 * 1024 * 1024 * 1024;
const DEFAULT_SPILL_ABOVE = 512 * 1024 * 1024;

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
 * Where a storage's elements are: a block of linear memory (`ptr` >= 0), or a host copy (`ptr` -1) after the
 * block was spilled. The allocator holds placements, never storages, so holding one keeps no tensor alive.
 */
class Placement {
  host: Float32Array | null = null;
  constructor(
    public ptr: number,
    readonly bytes: number,
    readonly length: number,
  ) {}
}

const place = Symbol('place');

/**
 * A float32 block of linear memory: `ptr` is its byte address, `length` its element count. Its `memory` is
 * the allocator that made it, which is also the wasm backend's `memory`: core tells which memory a tensor
 * lives in by that object's identity. `ptr` is valid after `memory.check()` (every kernel wrapper checks its
 * arguments first), which brings a spilled block back.
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

  /** @internal */
  readonly [place]: Placement;

  /** @internal Created by WasmMemory.alloc only. */
  constructor(
    key: symbol,
    readonly memory: WasmMemory,
    placement: Placement,
  ) {
    if (key !== token) throw new TypeError('WasmStorage objects come from WasmKernels.alloc()');
    this[place] = placement;
  }

  /** What JSON.stringify writes: where the block is, not the whole linear memory behind `memory`. */
  toJSON(): { memory: string; ptr: number; length: number } {
    return { memory: this.memory.name, ptr: this.ptr, length: this.length };
  }

  /** Byte address of the block (-1 while spilled to host memory). */
  get ptr(): number {
    return this[place].ptr;
  }

  get length(): number {
    return this[place].length;
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
  /** Blocks moved to host memory so far, because linear memory was past the spill threshold. */
  spills: number;
  /** Spilled blocks brought back because their storage was used again. */
  reloads: number;
}

/** The allocator of one module's linear memory; it is core's `Memory` of the wasm backend, named 'wasm'. */
export class WasmMemory implements Memory<WasmStorage> {
  readonly name = 'wasm';
  private top: number;
  private readonly free = new Map<number, number[]>();
  private readonly registry: FinalizationRegistry<Placement>;
  /** The placements in linear memory by size class, least recently used first (a Set keeps that order). */
  private readonly resident = new Map<number, Set<Placement>>();
  private spillAbove = DEFAULT_SPILL_ABOVE;
  private spills = 0;
  private reloads = 0;
  private inUse = 0;
  private cached = 0;
  private lastBuffer: ArrayBuffer | null = null;
  private f32View = new Float32Array(0);
  private i32View = new Int32Array(0);
  private f64View = new Float64Array(0);

  constructor(readonly memory: WebAssembly.Memory, heapBase: number) {
    this.top = Math.ceil(heapBase / ALIGN) * ALIGN;
    // Collected storages give their block back; the held value is the placement (never the storage).
    this.registry = new FinalizationRegistry((p) => this.drop(p));
  }

  /** A block of `length` float32 elements (contents unspecified). */
  alloc(length: number): WasmStorage {
    return this.allocate(length, true);
  }

  /**
   * A block for the duration of one kernel call: never moves another block out, since the call has already
   * checked (and so placed) its arguments.
   */
  allocScratch(length: number): WasmStorage {
    return this.allocate(length, false);
  }

  /**
   * Above `bytes` of linear memory, `alloc` moves the least recently used block of the size it needs to host
   * memory instead of growing (default 512 MiB). Blocks of dropped tensors come back when the collector has
   * found them unreachable and JavaScript has yielded to the event loop; a synchronous loop never yields, and
   * without this it would fill all 4 GiB. A spilled block of a tensor still in use comes back on its next use.
   */
  setSpillThreshold(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`setSpillThreshold: bytes must be a non-negative integer, got ${String(bytes)}`);
    }
    this.spillAbove = bytes;
  }

  private allocate(length: number, maySpill: boolean): WasmStorage {
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`alloc: length must be a non-negative integer, got ${length}`);
    }
    const bytes = sizeClass(Math.max(1, length) * 4);
    const p = new Placement(this.block(bytes, maySpill), bytes, length);
    const storage = new WasmStorage(token, this, p);
    this.placeIn(storage, p);
    if (bytes >= WEIGHED_BYTES && this.inUse > WEIGH_ABOVE) storage[weight] = new ArrayBuffer(bytes);
    return storage;
  }

  /** An address for a block of `bytes`: a free one, a spilled one, or new memory. */
  private block(bytes: number, maySpill: boolean): number {
    const list = this.free.get(bytes);
    if (list && list.length > 0) {
      this.cached -= bytes;
      return list.pop()!;
    }
    if (maySpill && this.top + bytes > this.spillAbove) {
      const ptr = this.spill(bytes);
      if (ptr >= 0) return ptr;
    }
    return this.bump(bytes);
  }

  /**
   * Copies the least recently used block of `bytes` out to host memory and returns its address, or -1 if
   * there is none. The copy hangs off the placement alone: if the storage is garbage already (the usual case:
   * a synchronous loop's dropped tensors are the blocks used longest ago), the copy is garbage with it and the
   * collector frees it with no callback.
   */
  private spill(bytes: number): number {
    const set = this.resident.get(bytes);
    const first = set?.values().next();
    if (!set || !first || first.done) return -1;
    const p = first.value;
    set.delete(p);
    this.registry.unregister(p);
    const at = p.ptr / 4;
    p.host = this.f32().slice(at, at + p.length);
    const ptr = p.ptr;
    p.ptr = -1;
    this.inUse -= bytes;
    this.spills++;
    return ptr;
  }

  /** Records a storage whose placement has just got a block. */
  private placeIn(storage: WasmStorage, p: Placement): void {
    let set = this.resident.get(p.bytes);
    if (!set) this.resident.set(p.bytes, (set = new Set()));
    set.add(p);
    this.inUse += p.bytes;
    this.registry.register(storage, p, p);
  }

  /** Marks a block used now, or brings a spilled one back (never spilling another). */
  private touch(storage: WasmStorage): void {
    const p = storage[place];
    if (p.ptr >= 0) {
      const set = this.resident.get(p.bytes)!;
      set.delete(p);
      set.add(p);
      return;
    }
    p.ptr = this.block(p.bytes, false);
    this.f32().set(p.host!, p.ptr / 4);
    p.host = null;
    this.reloads++;
    this.placeIn(storage, p);
  }

  /**
   * Frees the block now instead of when the storage is collected; the storage is unusable afterwards. A
   * storage already released is left alone, as core may hand back scratch that a composition released itself.
   */
  release(storage: WasmStorage): void {
    if (storage instanceof WasmStorage && storage.memory === this && storage.released) return;
    this.checkLive(storage, 'release', 'storage');
    storage[kill]();
    const p = storage[place];
    this.registry.unregister(p);
    this.drop(p);
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

  /** Is `s` a live storage of this memory, with its block in linear memory? (Marks it used.) */
  owns(s: unknown): s is WasmStorage {
    if (!(s instanceof WasmStorage) || s.memory !== this || s.released || s[place].ptr < 0) return false;
    this.touch(s);
    return true;
  }

  /**
   * Throws unless `s` is a live storage of this memory (the message names `op: name`); then marks it used,
   * bringing its block back if it was spilled, so that `s.ptr` is valid until the kernel call returns.
   */
  check(s: unknown, op: string, name: string): asserts s is WasmStorage {
    this.checkLive(s, op, name);
    this.touch(s);
  }

  /** Throws unless `s` is a live storage of this memory, without marking it used (or bringing it back). */
  checkLive(s: unknown, op: string, name: string): asserts s is WasmStorage {
    // Messages are built only on failure: this runs for every argument of every call.
    if (!(s instanceof WasmStorage)) throw new TypeError(`${op}: ${name} must be a WasmStorage, got ${describe(s)}`);
    if (s.memory !== this) throw new TypeError(`${op}: ${name} belongs to another WebAssembly memory`);
    if (s.released) throw new TypeError(`${op}: ${name} has been released`);
  }

  stats(): MemoryStats {
    const { inUse, cached, spills, reloads } = this;
    return { inUse, cached, heapSize: this.memory.buffer.byteLength, spills, reloads };
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

  /** Returns a placement's block (if it has one) to the free lists. */
  private drop(p: Placement): void {
    p.host = null;
    if (p.ptr < 0) return;
    this.resident.get(p.bytes)!.delete(p);
    this.inUse -= p.bytes;
    this.cached += p.bytes;
    let list = this.free.get(p.bytes);
    if (!list) this.free.set(p.bytes, (list = []));
    list.push(p.ptr);
    p.ptr = -1;
  }

  private bump(bytes: number): number {
    const ptr = this.top;
    const end = ptr + bytes;
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      if (end > MAX_BYTES) {
        throw new RangeError(
          `alloc: ${bytes} more bytes exceed the 4 GiB of 32-bit WebAssembly memory ` +
          `(${this.inUse} bytes are held by tensors still reachable or not yet collected)`,
        );
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

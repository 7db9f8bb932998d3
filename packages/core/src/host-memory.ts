// Host memory: the Float32Arrays every host backend (js, native) computes in, from one caching allocator.
//
// A fresh Float32Array costs more than its size suggests: the engine zero-fills memory that is not in cache
// (large blocks are new pages, faulted in one by one), and the garbage collector has to notice the external
// memory and free it again. A training loop makes the same sizes every step, so blocks come back here and are
// handed out again warm, in size classes (four per power of two, so at most a quarter is wasted).
//
// A block comes back here only through `release`, when core proves that nothing reaches it (the temporaries of
// a backward pass, a composition's scratch). Every other block is left to the garbage collector, which frees
// it with its last tensor: returning those blocks here too (a FinalizationRegistry) was measured and not kept
// (docs/memory.md). A block that user code can see is never recycled: `data()` (through `read`) marks its
// block escaped, since the caller may keep that array, or a subarray of it; adopted user arrays are not ours.

import type { Memory } from './backend.js';

/** Below one page a fresh array is cheap, and small arrays would cost more in bookkeeping than they save. */
const MIN_POOLED_FLOATS = 1024;
const DEFAULT_LIMIT_BYTES = 64 * 1024 * 1024;
/** The longest Float32Array V8 makes on 64-bit machines (core's MAX_ELEMENTS). */
const MAX_FLOATS = 2 ** 32;
/** Blocks kept per size class: enough for the same shape used several times in a step, and no hoarding. */
const MAX_PER_CLASS = 64;

/** The byte size handed out for a request: rounded up to a quarter of its power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return 4096;
  const quarter = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / quarter) * quarter;
}

export interface HostMemoryStats {
  /** Bytes held in free blocks, ready to hand out. */
  freeBytes: number;
  /** Blocks handed out from the free lists rather than newly allocated, since the start. */
  reused: number;
  /** Blocks newly allocated (pooled sizes only). */
  allocated: number;
  /** Blocks that came back through release(). */
  released: number;
}

export class HostMemory implements Memory<Float32Array> {
  readonly name = 'host';
  /** Free blocks by byte size. */
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Blocks that user code may hold a view of: never handed out again. */
  private readonly escaped = new WeakSet<ArrayBuffer>();
  /** Storage handed out from pooled blocks and not yet released. */
  private readonly live = new WeakSet<Float32Array>();
  private limitBytes = DEFAULT_LIMIT_BYTES;
  readonly stats: HostMemoryStats = { freeBytes: 0, reused: 0, allocated: 0, released: 0 };

  alloc(n: number): Float32Array {
    if (n < MIN_POOLED_FLOATS) return new Float32Array(n);
    if (n > MAX_FLOATS) {
      throw new RangeError(`host memory: a tensor of ${n} float32 elements is more than one typed array holds (${MAX_FLOATS})`);
    }
    const bytes = sizeClass(4 * n);
    let block = this.free.get(bytes)?.pop();
    if (block !== undefined) {
      this.stats.freeBytes -= bytes;
      this.stats.reused++;
    } else {
      block = allocateBlock(bytes, n);
      this.stats.allocated++;
    }
    const storage = new Float32Array(block, 0, n);
    this.live.add(storage);
    return storage;
  }

  read(s: Float32Array, offset: number, n: number): Float32Array {
    this.escaped.add(s.buffer as ArrayBuffer);
    return offset === 0 && n === s.length ? s : s.subarray(offset, offset + n);
  }

  write(s: Float32Array, offset: number, values: Float32Array): void {
    if (values !== s) s.set(values, offset);
  }

  adopt(values: Float32Array): Float32Array {
    return values;
  }

  release(s: Float32Array): void {
    if (!this.live.delete(s)) return; // not a pooled block, or already back
    this.stats.released++;
    this.recycle(s.buffer as ArrayBuffer);
  }

  /**
   * Caps the bytes kept in free blocks (default 64 MiB); 0 keeps none, Infinity sets no cap. Returns the
   * previous cap.
   */
  setLimit(bytes: number): number {
    if (typeof bytes !== 'number' || !(bytes >= 0) || (Number.isFinite(bytes) && !Number.isInteger(bytes))) {
      throw new RangeError(
        `hostMemory.setLimit: expected a whole number of bytes >= 0 (or Infinity), got ${typeof bytes === 'number' ? bytes : typeof bytes}`,
      );
    }
    const previous = this.limitBytes;
    this.limitBytes = bytes;
    if (this.stats.freeBytes > bytes) this.clear();
    return previous;
  }

  /** Drops every free block (the garbage collector frees them). */
  clear(): void {
    this.free.clear();
    this.stats.freeBytes = 0;
  }

  private recycle(block: ArrayBuffer): void {
    if (this.escaped.has(block)) return;
    const bytes = block.byteLength;
    if (this.stats.freeBytes + bytes > this.limitBytes) return;
    let list = this.free.get(bytes);
    if (list === undefined) this.free.set(bytes, (list = []));
    if (list.length >= MAX_PER_CLASS) return;
    list.push(block);
    this.stats.freeBytes += bytes;
  }
}

/** A new block of `bytes` for `n` elements; an engine that cannot provide it is named with the size asked. */
function allocateBlock(bytes: number, n: number): ArrayBuffer {
  try {
    return uninitialized(bytes);
  } catch (err) {
    throw new RangeError(
      `host memory: cannot allocate a tensor of ${n} float32 elements (${(bytes / 2 ** 30).toFixed(2)} GiB): ` +
      (err instanceof Error ? err.message : String(err)),
      { cause: err },
    );
  }
}

/**
 * A new block without the zero fill of `new ArrayBuffer` where Node offers one (Buffer.allocUnsafeSlow gives
 * a buffer of its own): callers write every element they read, and the fill is a pass over cold memory.
 */
function uninitialized(bytes: number): ArrayBuffer {
  const node = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): Uint8Array } }).Buffer;
  // Past 4 GiB Node's buffers end (buffer.constants.MAX_LENGTH), while an ArrayBuffer may go further.
  if (node === undefined || bytes > 2 ** 32) return new ArrayBuffer(bytes);
  const b = node.allocUnsafeSlow(bytes);
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : new ArrayBuffer(bytes);
}

// One instance per process, shared by every copy of @nabla/core that is loaded (two bundles, two
// node_modules), so that host tensors stay interchangeable between them.
const KEY = Symbol.for('@nabla/core/host-memory');
const slot = globalThis as unknown as Record<symbol, HostMemory | undefined>;

/** The host memory every host backend (js, native) allocates from. */
export const hostMemory: HostMemory = (slot[KEY] ??= new HostMemory());

// Host memory's caching allocator: size classes, release of proven temporaries, everything else left to the
// garbage collector, and the rule that a block user code can see is never handed out again.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HostMemory, sizeClass } from '../src/host-memory.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage and lets the event loop run anything it scheduled. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('HostMemory', () => {
  it('rounds requests up to a quarter of their power of two', () => {
    expect(sizeClass(1)).toBe(4096);
    expect(sizeClass(4097)).toBe(5120);
    expect(sizeClass(400_000)).toBe(7 * 65_536); // between 2^18 and 2^19: steps of 2^16
    for (let b = 4097; b < 1 << 22; b = Math.ceil(b * 1.37)) {
      expect(sizeClass(b)).toBeGreaterThanOrEqual(b);
      expect(sizeClass(b)).toBeLessThanOrEqual(b * 1.25);
    }
  });

  it('hands a released block out again, warm, for a request of the same class', () => {
    const memory = new HostMemory();
    const a = memory.alloc(5000);
    a.fill(7);
    memory.release(a);
    expect(memory.stats.released).toBe(1);
    const b = memory.alloc(4900); // same class
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(4900);
    expect(memory.stats.reused).toBe(1);
    memory.release(b);
    memory.release(b); // twice is harmless: the second is not ours any more
    expect(memory.stats.released).toBe(2);
  });

  it('never pools small arrays or arrays it did not allocate', () => {
    const memory = new HostMemory();
    const small = memory.alloc(10);
    expect(small.length).toBe(10);
    memory.release(small);
    memory.release(new Float32Array(5000));
    expect(memory.stats.released).toBe(0);
    expect(memory.stats.freeBytes).toBe(0);
  });

  it('leaves blocks it was not given back to the garbage collector', async () => {
    const memory = new HostMemory();
    (() => {
      for (let i = 0; i < 4; i++) memory.alloc(3000).fill(i);
    })();
    await collect();
    expect(memory.stats.freeBytes).toBe(0);
    memory.alloc(3000);
    expect(memory.stats.reused).toBe(0);
  });

  it('never recycles a block whose values were handed to user code with read()', () => {
    const memory = new HostMemory();
    const s = memory.alloc(3000);
    s.fill(1);
    const seen = memory.read(s, 10, 5); // the caller keeps a subarray
    memory.release(s); // a temporary, as far as core knows
    expect(memory.stats.freeBytes).toBe(0);
    memory.alloc(3000).fill(99);
    expect(Array.from(seen)).toEqual([1, 1, 1, 1, 1]);
  });

  it('keeps at most its limit in free blocks', () => {
    const memory = new HostMemory();
    memory.setLimit(2 * sizeClass(4 * 5000));
    const blocks = [memory.alloc(5000), memory.alloc(5000), memory.alloc(5000)];
    for (const b of blocks) memory.release(b);
    expect(memory.stats.freeBytes).toBe(2 * sizeClass(4 * 5000));
    memory.setLimit(0);
    expect(memory.stats.freeBytes).toBe(0);
  });
});

describe('HostMemory settings and failures', () => {
  it('setLimit takes a whole number of bytes or Infinity, and names anything else', () => {
    const memory = new HostMemory();
    for (const bad of [-1, NaN, 1.5, '1', null]) {
      expect(() => memory.setLimit(bad as never)).toThrow(/hostMemory.setLimit: expected a whole number of bytes >= 0 \(or Infinity\)/);
    }
    expect(memory.setLimit(Infinity)).toBe(64 * 1024 * 1024);
    expect(memory.setLimit(0)).toBe(Infinity);
  });

  it('a block the engine cannot provide is named with the tensor size, not only the engine message', () => {
    const memory = new HostMemory();
    const node = globalThis.Buffer;
    const original = node.allocUnsafeSlow;
    node.allocUnsafeSlow = () => { throw new RangeError('Array buffer allocation failed'); };
    try {
      expect(() => memory.alloc(1 << 20)).toThrow(/host memory: cannot allocate a tensor of 1048576 float32 elements \(0\.00 GiB\): Array buffer allocation failed/);
    } finally {
      node.allocUnsafeSlow = original;
    }
  });
});

import { describe, expect, it } from 'vitest';
import { copy, fill } from '../src/copy.js';
import { VIEW_KINDS, makeView, prng, sizeOf, toArray, view } from './helpers.js';

describe('copy', () => {
  const rand = prng(20);
  for (const shape of [[], [1], [5], [3, 4], [2, 1, 3], [2, 3, 4, 5], [0, 4], [300, 70]]) {
    it(`copies ${JSON.stringify(shape)} from every layout`, () => {
      for (const kind of VIEW_KINDS) {
        const x = makeView(rand, shape, kind);
        const out = new Float32Array(sizeOf(shape));
        copy(x, out);
        expect(Array.from(out), kind).toEqual(toArray(x));
      }
    });
  }
  it('copies a slice with a negative stride (a reversed view)', () => {
    const data = new Float32Array([0, 1, 2, 3, 4, 5]);
    const out = new Float32Array(4);
    copy(view(data, [4], [-1], 4), out);
    expect(Array.from(out)).toEqual([4, 3, 2, 1]);
    expect(() => copy(view(data, [4], [-1], 2), out)).toThrow(/reaches elements -1\.\.2/);
  });
});

describe('fill', () => {
  it('fills exactly the given range', () => {
    const a = new Float32Array(6);
    fill(a, 2.5, 1, 3);
    expect(Array.from(a)).toEqual([0, 2.5, 2.5, 2.5, 0, 0]);
    fill(a, -1, 6, 0);
    expect(a[5]).toBe(0);
  });
  it('rejects a range outside the array', () => {
    expect(() => fill(new Float32Array(4), 1, 2, 3)).toThrow(/range \[2, 5\) exceeds the array's 4 elements/);
    expect(() => fill(new Float32Array(4), 1, -1, 2)).toThrow(/offset must be a non-negative integer/);
  });
});

import { describe, expect, test } from 'vitest';
import { permutation } from '../src/index.js';
import { toSeed32 } from '../src/random.js';

// The generator itself (xoshiro128**, splitmix32 seeding, nextBelow, shuffle) is @nabla/core's Generator and
// is pinned in packages/core/test/rng.test.ts. Here: the seed reduction and the permutations users see.
describe('permutation and toSeed32', () => {
  test('permutation matches an independent C implementation', () => {
    // From test/reference/shuffle.c, the documented scheme in C (splitmix32 seeding, xoshiro128**, rejection
    // sampling, Fisher-Yates from the end). A change here changes every user's data order.
    expect([...permutation(10, 0)]).toEqual([3, 6, 1, 5, 0, 4, 2, 9, 7, 8]);
    expect([...permutation(20, 12345)]).toEqual(
      [11, 8, 10, 18, 1, 0, 4, 15, 16, 2, 12, 19, 3, 7, 5, 13, 6, 14, 9, 17]);
  });

  test('permutations are pinned (recorded before the generator moved to @nabla/core)', () => {
    expect([...permutation(10, 42)]).toEqual([3, 6, 8, 7, 5, 0, 9, 2, 1, 4]);
    expect([...permutation(1000, -7).subarray(0, 10)]).toEqual([183, 850, 79, 208, 407, 683, 769, 295, 669, 960]);
    expect([...permutation(10, 2 ** 40 + 3)]).toEqual([2, 7, 0, 1, 9, 6, 4, 5, 8, 3]);
    // The size and seeds of an MNIST epoch: many rejection-sampling bounds, far from the small cases above.
    const mnist = permutation(60000, 42);
    expect([...mnist.subarray(0, 10)]).toEqual(
      [27632, 35179, 5044, 35357, 56059, 42926, 26416, 58499, 34898, 42785]);
    expect([...mnist.subarray(59990)]).toEqual(
      [50696, 26614, 52461, 49714, 22720, 58828, 33156, 12274, 34979, 42924]);
    expect([...permutation(1, 5)]).toEqual([0]);
    expect([...permutation(0, 5)]).toEqual([]);
  });

  test('permutation is a permutation, fixed by its seed', () => {
    const p = permutation(1000, 5);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, 5)).toEqual(p);
    expect(permutation(1000, 6)).not.toEqual(p);
  });

  test('seeds are reduced modulo 2^32 (two\'s complement for negative ones)', () => {
    expect(toSeed32(0)).toBe(0);
    expect(toSeed32(-1)).toBe(2 ** 32 - 1);
    expect(toSeed32(2 ** 32 + 5)).toBe(5);
    expect(toSeed32(-(2 ** 40) - 1)).toBe(2 ** 32 - 1);
    expect(toSeed32(Number.MAX_SAFE_INTEGER)).toBe(2 ** 32 - 1);
    expect(permutation(16, -1)).toEqual(permutation(16, 2 ** 32 - 1));
  });

  test('bad seeds are rejected', () => {
    expect(() => toSeed32(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
    expect(() => toSeed32(Number.NaN)).toThrow(/seed must be a safe integer/);
    expect(() => toSeed32(2 ** 53)).toThrow(/seed must be a safe integer/);
    expect(() => permutation(10, 0.5)).toThrow(/seed must be a safe integer/);
  });
});

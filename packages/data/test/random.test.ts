import { describe, expect, test } from 'vitest';
import { Xoshiro128, permutation } from '../src/index.js';
import { toSeed32 } from '../src/random.js';

describe('Xoshiro128 (xoshiro128**)', () => {
  test('matches the reference C implementation for known states', () => {
    // Printed by test/reference/shuffle.c (the authors' xoshiro128** in C) for these two initial states.
    const a = new Xoshiro128([1, 2, 3, 4]);
    expect(Array.from({ length: 8 }, () => a.nextUint32())).toEqual(
      [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    const b = new Xoshiro128([0x9e3779b9, 0x243f6a88, 0xb7e15162, 0xdeadbeef]);
    expect(Array.from({ length: 6 }, () => b.nextUint32())).toEqual(
      [2463954730, 5524658, 74256371, 1905451993, 3123413897, 314453775]);
  });

  test('seeding (splitmix32) and the shuffle match an independent C implementation', () => {
    // From test/reference/shuffle.c, the documented scheme in C (splitmix32 seeding, xoshiro128**, rejection
    // sampling, Fisher-Yates from the end). A change here changes every user's data order.
    const g = Xoshiro128.fromSeed(42);
    expect(Array.from({ length: 4 }, () => g.nextUint32())).toEqual([2837322924, 544945897, 479756282, 3500138142]);
    expect([...permutation(10, 0)]).toEqual([3, 6, 1, 5, 0, 4, 2, 9, 7, 8]);
    expect([...permutation(20, 12345)]).toEqual(
      [11, 8, 10, 18, 1, 0, 4, 15, 16, 2, 12, 19, 3, 7, 5, 13, 6, 14, 9, 17]);
  });

  test('the same seed gives the same stream, different seeds differ', () => {
    const draw = (seed: number) => { const g = Xoshiro128.fromSeed(seed); return Array.from({ length: 16 }, () => g.nextUint32()); };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(-1)).toEqual(draw(2 ** 32 - 1)); // seeds are reduced modulo 2^32
  });

  test('nextBelow stays in range and covers it evenly', () => {
    const g = Xoshiro128.fromSeed(7);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[g.nextBelow(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400); // > 4 sigma
    expect(() => g.nextBelow(0)).toThrow(/bound must be an integer/);
  });

  test('nextFloat lies in [0, 1)', () => {
    const g = Xoshiro128.fromSeed(1);
    for (let i = 0; i < 1000; i++) {
      const v = g.nextFloat();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });

  test('permutation is a permutation, fixed by its seed', () => {
    const p = permutation(1000, 5);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, 5)).toEqual(p);
    expect(permutation(1000, 6)).not.toEqual(p);
  });

  test('bad seeds and states are rejected', () => {
    expect(() => toSeed32(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
    expect(() => toSeed32(Number.NaN)).toThrow(/seed must be a safe integer/);
    expect(() => new Xoshiro128([0, 0, 0, 0])).toThrow(/must not be all zero/);
    expect(() => new Xoshiro128([1, 2, 3])).toThrow(/needs 4 state words/);
  });
});

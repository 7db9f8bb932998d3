import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, randn, rand, randperm } from '../src/index.js';

describe('seeded PRNG (xoshiro128** seeded by splitmix32)', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Generator(123);
    const b = new Generator(123);
    const c = new Generator(124);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(sa).toEqual(Array.from({ length: 8 }, () => b.nextUint32()));
    expect(sa).not.toEqual(Array.from({ length: 8 }, () => c.nextUint32()));
  });

  it('pins the first outputs of seed 0, so a change of algorithm cannot pass unnoticed', () => {
    const g = new Generator(0);
    const first = [g.nextUint32(), g.nextUint32(), g.nextUint32()];
    // Recomputed here from the published algorithm with the same seeding, in plain integer math.
    const ref = referenceXoshiro(0, 3);
    expect(first).toEqual(ref);
  });

  it('manualSeed makes randn/rand repeatable; samples have the right moments and range', () => {
    manualSeed(7);
    const x = randn([20000]).data();
    manualSeed(7);
    expect(randn([20000]).data()).toEqual(x);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const u = rand([1000], { low: -2, high: 3 }).data();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect([...randperm(10).data()].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

/** xoshiro128** written out with BigInt arithmetic, independent of the implementation under test. */
function referenceXoshiro(seed: number, n: number): number[] {
  const M = 0xffffffffn;
  let x = BigInt(seed >>> 0);
  const mix = (): bigint => {
    x = (x + 0x9e3779b9n) & M;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
    return (z ^ (z >> 16n)) & M;
  };
  const s = [mix(), mix(), mix(), mix()];
  const rotl = (v: bigint, k: bigint): bigint => ((v << k) | (v >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1]! * 5n) & M, 7n) * 9n) & M));
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!; s[3]! ^= s[1]!; s[1]! ^= s[2]!; s[0]! ^= s[3]!; s[2]! ^= t; s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

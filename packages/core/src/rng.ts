// The seeded PRNG behind randn/rand, every initializer and @nabla/data's shuffles: xoshiro128** 1.1
// (Blackman & Vigna, https://prng.di.unimi.it/), seeded by splitmix32 from a 32-bit seed, as the xoshiro
// authors recommend, so nearby seeds (seed, seed + 1, ... as used per epoch) give unrelated streams.
// Integer-only math, so the same seed gives the same numbers on every machine and backend. Normal samples
// use Box-Muller on two uniforms in (0, 1].

import { ValueError } from './errors.js';

const TWO_POW_32 = 4294967296;

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** A generator with an explicit 128-bit state: four uint32 words, not all zero (a fixed point of xoshiro). */
  static fromState(words: ArrayLike<number>): Generator {
    if (words.length !== 4) {
      throw new ValueError(`Generator.fromState: xoshiro128** needs 4 state words, got ${words.length}`);
    }
    for (let i = 0; i < 4; i++) {
      const w = words[i];
      if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) {
        throw new ValueError(`Generator.fromState: word ${i} must be an integer in [0, 2^32), got ${w}`);
      }
    }
    if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0) {
      throw new ValueError('Generator.fromState: xoshiro128** state must not be all zero');
    }
    const g = new Generator();
    [g.s0, g.s1, g.s2, g.s3] = [words[0], words[1], words[2], words[3]];
    return g;
  }

  /** Reseeds from the low 32 bits of `seed` (an integer part of a finite number; NaN would silently be 0). */
  seed(seed: number): void {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new RangeError(`Generator: the seed must be a finite number, got ${typeof seed === 'number' ? seed : typeof seed}`);
    }
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spare = null;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Standard normal (Box-Muller; the second sample of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = (this.nextUint32() + 1) / TWO_POW_32; // (0, 1]: log(u1) is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    // Kept as it is (float multiply, slightly biased for large n) because randint/randperm streams are pinned.
    return Math.floor(this.uniform() * n);
  }

  /**
   * An integer uniform in [0, bound), bound <= 2^32. Rejection sampling instead of a float multiply, so
   * there is no modulo bias and no floating-point rounding to differ between machines.
   */
  nextBelow(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_POW_32) {
      throw new ValueError(`nextBelow: bound must be an integer in [1, 2^32], got ${bound}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % bound); // largest multiple of bound <= 2^32
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % bound;
    }
  }

  /** Shuffles `values` in place (Fisher-Yates from the end, indices from nextBelow) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.nextBelow(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const KEY = Symbol.for('@nabla/core/generator');
const slot = globalThis as unknown as Record<symbol, Generator | undefined>;

/** The default generator used when no generator is passed. */
export function defaultGenerator(): Generator {
  return (slot[KEY] ??= new Generator(0));
}

/** Seeds the default generator, like torch.manual_seed. */
export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new RangeError(`manualSeed(${seed}): expected a finite number`);
  defaultGenerator().seed(seed);
}

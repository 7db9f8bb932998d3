// The package's own seeded PRNG, so that a shuffle depends only on the seed, never on the machine, the
// Node version or Math.random. Everything here is 32-bit integer arithmetic (Math.imul, >>>), which
// JavaScript defines exactly, so the same seed gives the same stream everywhere.
//
// Generator: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/), 128 bits of state.
// Seeding: the 32-bit seed is expanded into the four state words by splitmix32 (a Weyl sequence with
// increment 0x9e3779b9 passed through MurmurHash3's 32-bit finalizer), as the xoshiro authors recommend,
// so nearby seeds (seed, seed + 1, ... as used per epoch) give unrelated streams.

import { ValueError } from '@nabla/core';

const TWO_POW_32 = 4294967296;

/** Reduces any safe integer (negative ones too) to the 32-bit seed the generator uses. */
export function toSeed32(seed: number, what = 'seed'): number {
  if (!Number.isSafeInteger(seed)) {
    throw new ValueError(`${what} must be a safe integer, got ${String(seed)}`);
  }
  // Two's-complement reduction modulo 2^32, exact for every safe integer (x >>> 0 would lose the high bits).
  return ((seed % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
}

function splitmix32Words(seed32: number, count: number): Uint32Array {
  const words = new Uint32Array(count);
  let state = seed32 | 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    words[i] = (z ^ (z >>> 16)) >>> 0;
  }
  return words;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Xoshiro128 {
  private readonly s: Uint32Array;

  /** A generator seeded from a safe integer (see toSeed32). */
  static fromSeed(seed: number): Xoshiro128 {
    return new Xoshiro128(splitmix32Words(toSeed32(seed), 4));
  }

  /** A generator with an explicit 128-bit state (four uint32 words, not all zero). */
  constructor(state: ArrayLike<number>) {
    if (state.length !== 4) throw new ValueError(`xoshiro128** needs 4 state words, got ${state.length}`);
    this.s = Uint32Array.from(state);
    if (this.s.every((w) => w === 0)) throw new ValueError('xoshiro128** state must not be all zero');
  }

  /** The next uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
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

  /** Shuffles `values` in place (Fisher–Yates, from the end) and returns it. */
  shuffle<T extends { [i: number]: number; length: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.nextBelow(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }
}

/** 0, 1, ..., n-1 in an order fixed by `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return Xoshiro128.fromSeed(seed).shuffle(order);
}

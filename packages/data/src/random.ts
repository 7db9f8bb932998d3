// Shuffles depend only on the seed, never on the machine, the Node version or Math.random: they are drawn
// from @nabla/core's Generator (xoshiro128** seeded by splitmix32, exact 32-bit integer math), whose
// nextBelow uses rejection sampling and whose shuffle is Fisher-Yates from the end. test/reference/shuffle.c
// is the same scheme in C.

import { Generator, ValueError } from '@nabla/core';

const TWO_POW_32 = 4294967296;

/** Reduces any safe integer (negative ones too) to the 32-bit seed the generator uses. */
export function toSeed32(seed: number, what = 'seed'): number {
  if (!Number.isSafeInteger(seed)) {
    throw new ValueError(`${what} must be a safe integer, got ${String(seed)}`);
  }
  // Two's-complement reduction modulo 2^32, so seed -1 and seed 2^32 - 1 are the same stream.
  return ((seed % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
}

/** 0, 1, ..., n-1 in an order fixed by `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return new Generator(toSeed32(seed)).shuffle(order);
}

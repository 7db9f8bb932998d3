// Throughput of a repeated call: each timed sample repeats the call for at least 2 ms, so that the clock's
// resolution and the cost of reading it vanish beside the work.

import { median } from './stats.js';

export interface Throughput {
  best: number;
  median: number;
}

/**
 * How long every side repeats a call before its samples (peers_sgemm.cpp does the same): a new process's
 * first outputs land on pages the kernel has yet to map (JavaScript's collector frees the first ones only
 * after some tens of MB), and code, caches and clocks warm up. The samples then measure the steady state,
 * which is what a loop that runs for more than a fraction of a second sees.
 */
export const WARMUP_MS = 250;

/** Best and median GFLOP/s over `samples` samples of `run`, which does `flops` floating-point operations. */
export function gflopsOf(run: () => void, flops: number, samples: number): Throughput {
  const warm = performance.now();
  do run(); while (performance.now() - warm < WARMUP_MS);
  let t0 = performance.now();
  run();
  const reps = Math.max(1, Math.floor(2 / Math.max(performance.now() - t0, 1e-3)));
  const g: number[] = [];
  for (let s = 0; s < samples; s++) {
    t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    g.push((flops * reps) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return { best: Math.max(...g), median: median(g) };
}

/** Reproducible numbers in [-1, 1): the same operands for every side of a GEMM comparison. */
export function filledArray(length: number, seed: number): Float32Array {
  const a = new Float32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = (s / 4294967296) * 2 - 1;
  }
  return a;
}

/** The last entry of C = op(A)·op(B) from a plain dot product, for checking a product against. */
export function lastEntry(a: Float32Array, b: Float32Array, shape: { m: number; n: number; k: number; transA: boolean; transB: boolean }): number {
  const { m, n, k, transA, transB } = shape;
  let sum = 0;
  for (let p = 0; p < k; p++) {
    const av = transA ? a[p * m + (m - 1)]! : a[(m - 1) * k + p]!;
    const bv = transB ? b[(n - 1) * k + p]! : b[p * n + (n - 1)]!;
    sum += av * bv;
  }
  return sum;
}

/** A fast product of the wrong thing is no result: throws unless `got` matches `expected`. */
export function checkEntry(what: string, got: number, expected: number): void {
  if (!(Math.abs(got - expected) <= 1e-3 * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${what}: last entry ${got}, expected ${expected}`);
  }
}

// sgemm throughput of the backend in use, called the way core calls it (preallocated arrays, no tensors),
// at the shapes of the recipe MLP's forward and backward passes and at square sizes.

import { getBackend, type GemmArgs } from '@nabla/core';
import { timePerCall, type TimingOptions } from './timing.js';

export interface GemmShape {
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/** The recipe (batch 128, 784-256-128-10): forward x·Wᵀ, backward dx = dy·W and dW = dyᵀ·x. */
export const MLP_SHAPES: readonly GemmShape[] = [
  { label: 'fwd 128x784 · (256x784)ᵀ', m: 128, n: 256, k: 784, transA: false, transB: true },
  { label: 'fwd 128x256 · (128x256)ᵀ', m: 128, n: 128, k: 256, transA: false, transB: true },
  { label: 'fwd 128x128 · (10x128)ᵀ', m: 128, n: 10, k: 128, transA: false, transB: true },
  { label: 'bwd dx 128x256 · 256x784', m: 128, n: 784, k: 256, transA: false, transB: false },
  { label: 'bwd dW (128x256)ᵀ · 128x784', m: 256, n: 784, k: 128, transA: true, transB: false },
];

export function squareShapes(sizes: readonly number[]): GemmShape[] {
  return sizes.map((s) => ({ label: `${s}x${s} · ${s}x${s}`, m: s, n: s, k: s, transA: false, transB: false }));
}

function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    a[i] = (x / 4294967296) * 2 - 1;
  }
  return a;
}

/** GFLOP/s (2·m·n·k per call) of the current backend's gemm at `shape`. */
export function gemmGflops(shape: GemmShape, timing: TimingOptions): number {
  const { m, n, k, transA, transB } = shape;
  const args: GemmArgs = {
    transA, transB, m, n, k, alpha: 1,
    a: filled(m * k, 1), aOffset: 0, lda: transA ? m : k,
    b: filled(k * n, 2), bOffset: 0, ldb: transB ? k : n,
    beta: 0, c: new Float32Array(m * n), cOffset: 0, ldc: n,
  };
  const backend = getBackend();
  const seconds = timePerCall(() => backend.gemm(args), timing);
  checkCorner(args);
  return (2 * m * n * k) / seconds / 1e9;
}

/** A fast kernel that computes the wrong thing is no result: check C's last element against a plain dot product. */
function checkCorner(g: GemmArgs): void {
  const i = g.m - 1;
  const j = g.n - 1;
  let expected = 0;
  for (let p = 0; p < g.k; p++) {
    const a = g.transA ? g.a[p * g.lda + i]! : g.a[i * g.lda + p]!;
    const b = g.transB ? g.b[j * g.ldb + p]! : g.b[p * g.ldb + j]!;
    expected += a * b;
  }
  const got = g.c[i * g.ldc + j]!;
  if (!(Math.abs(got - expected) <= 1e-3 * Math.max(1, Math.abs(expected)))) {
    throw new Error(`gemm ${g.m}x${g.n}x${g.k} (transA ${g.transA}, transB ${g.transB}): C[${i}, ${j}] = ${got}, expected ${expected}`);
  }
}

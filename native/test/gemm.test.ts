// gemm (all transposes, alpha/beta, offsets, leading dims, edge sizes) and linear (bias, every activation,
// preact) against float64 references on every ISA path.
import type { Activation, GemmArgs } from '@nabla/core';
import { beforeAll, describe, expect, it } from 'vitest';

import { ISAS, backend, expectClose, randomArray, rng, useIsa } from './helpers.js';

interface Case {
  m: number; n: number; k: number; transA: boolean; transB: boolean; alpha: number; beta: number;
  /** k-slices where op(A) is zero in every row, and columns where op(B) is zero in every row. */
  zeroK?: number[]; zeroN?: number[];
  /** Puts Infinity into op(B) on the first zero k-slice, or NaN into op(A) (next to zero columns). */
  poison?: 'B' | 'A';
  /** Keeps each value of op(A) / op(B) with this probability and zeroes the rest (as image pixels are). */
  keepA?: number; keepB?: number;
}

/** Builds padded operands (offset 2, leading dims 3 wider than needed) and the float64 reference C. */
function gemmCase(rand: () => number, c: Case): { args: GemmArgs; want: Float64Array; bound: Float64Array } {
  const [ar, ac] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [br, bc] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const lda = ac + 3, ldb = bc + 1, ldc = c.n + 2, off = 2;
  const a = randomArray(rand, off + ar * lda);
  const b = randomArray(rand, off + br * ldb);
  const cArr = randomArray(rand, off + c.m * ldc);
  if (c.beta === 0) cArr.fill(NaN); // beta 0: C must not be read
  const at = (ld: number, trans: boolean, r: number, col: number): number => off + (trans ? col * ld + r : r * ld + col);
  if (c.keepA !== undefined) {
    for (let i = 0; i < c.m; i++) for (let p = 0; p < c.k; p++) if (rand() >= c.keepA) a[at(lda, c.transA, i, p)] = 0;
  }
  if (c.keepB !== undefined) {
    for (let p = 0; p < c.k; p++) for (let j = 0; j < c.n; j++) if (rand() >= c.keepB) b[at(ldb, c.transB, p, j)] = -0;
  }
  for (const p of c.zeroK ?? []) for (let i = 0; i < c.m; i++) a[at(lda, c.transA, i, p)] = i % 3 === 0 ? -0 : 0;
  for (const j of c.zeroN ?? []) for (let p = 0; p < c.k; p++) b[at(ldb, c.transB, p, j)] = 0;
  if (c.poison === 'B') b[at(ldb, c.transB, c.zeroK![0]!, 1)] = Infinity;
  if (c.poison === 'A') a[at(lda, c.transA, 1, 0)] = NaN;
  // op(A) by rows and op(B) by columns, dense: the reference's inner loop then reads two contiguous rows.
  const opA = new Float64Array(c.m * c.k);
  const opBT = new Float64Array(c.n * c.k);
  for (let i = 0; i < c.m; i++) for (let p = 0; p < c.k; p++) opA[i * c.k + p] = a[at(lda, c.transA, i, p)]!;
  for (let p = 0; p < c.k; p++) for (let j = 0; j < c.n; j++) opBT[j * c.k + p] = b[at(ldb, c.transB, p, j)]!;
  const want = new Float64Array(c.m * c.n);
  const bound = new Float64Array(c.m * c.n); // sum of |terms|, to scale the allowed rounding error
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0, abs = 0;
      for (let p = 0, ai = i * c.k, bj = j * c.k; p < c.k; p++) {
        const term = opA[ai + p]! * opBT[bj + p]!;
        s += term;
        abs += Math.abs(term);
      }
      const old = c.beta === 0 ? 0 : c.beta * cArr[off + i * ldc + j]!;
      want[i * c.n + j] = c.alpha * s + old;
      bound[i * c.n + j] = Math.abs(c.alpha) * abs + Math.abs(old);
    }
  }
  const args: GemmArgs = {
    transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a, aOffset: off, lda,
    b, bOffset: off, ldb, beta: c.beta, c: cArr, cOffset: off, ldc,
  };
  return { args, want, bound };
}

function checkGemm(rand: () => number, c: Case): void {
  const { args, want, bound } = gemmCase(rand, c);
  const before = Float32Array.from(args.c);
  backend.gemm(args);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      const got = args.c[args.cOffset + i * args.ldc + j]!;
      const w = want[i * c.n + j]!;
      const tol = 1e-6 * (bound[i * c.n + j]! + 1) * Math.max(1, Math.sqrt(c.k));
      if (Number.isNaN(w) && Number.isNaN(got)) continue;
      if (!(Math.abs(got - w) <= tol)) {
        throw new Error(`gemm ${JSON.stringify(c)} C[${i},${j}] = ${got}, want ${w} (tol ${tol})`);
      }
    }
  }
  // Padding between rows and before the matrix is untouched.
  for (let idx = 0; idx < args.c.length; idx++) {
    const row = Math.floor((idx - args.cOffset) / args.ldc), col = (idx - args.cOffset) % args.ldc;
    const inside = idx >= args.cOffset && row < c.m && col < c.n;
    if (!inside && !Object.is(args.c[idx], before[idx])) throw new Error(`gemm wrote outside C at ${idx}`);
  }
}

const SIZES: [number, number, number][] = [
  [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 1], [5, 1, 9], [17, 33, 9], [31, 15, 67], [64, 48, 130],
  [128, 10, 256], [130, 70, 40],
];

type Variant = Pick<Case, 'transA' | 'transB' | 'alpha' | 'beta'>;

const SCALINGS = [[1, 0], [1, 1], [-0.5, 0.5]] as const; // beta 0 (C not read), 1 and other

/**
 * fn on `threads` threads for every pair of transposes, each with one of the (alpha, beta) pairs, starting at
 * pair `turn` (the zero skipping happens before alpha and beta apply; the pairs rotate over ISAs and threads).
 */
function forEachVariant(threads: number, turn: number, fn: (base: Variant) => void): void {
  try {
    backend.setNumThreads!(threads);
    let combination = turn;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const [alpha, beta] = SCALINGS[combination++ % SCALINGS.length]!;
        fn({ transA, transB, alpha, beta });
      }
    }
  } finally {
    backend.setNumThreads!(1);
  }
}

describe.each(ISAS)('gemm and linear on %s', (isa) => {
  beforeAll(() => useIsa(isa));

  it('gemm: all transposes, sizes 0/1/odd, alpha and beta (beta 0 ignores NaN in C)', () => {
    const rand = rng(21);
    for (const [m, n, k] of SIZES) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const [alpha, beta] of [[1, 0], [0.5, 1], [-2, 0.25]] as const) {
            checkGemm(rand, { m, n, k, transA, transB, alpha, beta });
          }
        }
      }
    }
  });

  it('gemm: a size large enough for blocking and threads', () => {
    checkGemm(rng(22), { m: 200, n: 300, k: 280, transA: false, transB: true, alpha: 1, beta: 0 });
    checkGemm(rng(23), { m: 257, n: 129, k: 300, transA: true, transB: false, alpha: 1, beta: 1 });
  });

  it.each([1, 2])('gemm on %i threads: structurally zero k-slices of op(A) and columns of op(B) (skipped), NaN and Infinity still reach C', (threads) => {
    const rand = rng(25);
    // Indices 0..n-1 that are not multiples of `step`: (step - 1) / step of them.
    const allBut = (n: number, step: number): number[] => Array.from({ length: n }, (_, i) => i).filter((i) => i % step !== 0);
    forEachVariant(threads, ISAS.indexOf(isa) + threads, (base) => {
      // Most k-slices zero (as MNIST's border pixels make X · Wᵀ), and fewer.
      checkGemm(rand, { ...base, m: 40, n: 70, k: 150, zeroK: allBut(150, 3) });
      checkGemm(rand, { ...base, m: 140, n: 33, k: 96, zeroK: allBut(96, 9).slice(0, 60) });
      // Columns of op(B) zero (as Gᵀ · X, the first layer's weight gradient, has them).
      checkGemm(rand, { ...base, m: 70, n: 150, k: 40, zeroN: allBut(150, 3) });
      checkGemm(rand, { ...base, m: 70, n: 150, k: 130, zeroK: allBut(130, 4), zeroN: allBut(150, 2) });
      // 0 * Infinity and NaN * 0 are NaN: the product must show them as the full one would.
      checkGemm(rand, { ...base, m: 20, n: 80, k: 100, zeroK: allBut(100, 3), poison: 'B' });
      checkGemm(rand, { ...base, m: 20, n: 100, k: 30, zeroN: allBut(100, 3), poison: 'A' });
    });
  });

  it.each([1, 2])('gemm on %i threads: mostly-zero operands (each tile skips the k steps its panels are zero at), NaN and Infinity still reach C', (threads) => {
    const rand = rng(26);
    forEachVariant(threads, ISAS.indexOf(isa) + threads, (base) => {
      // Sparse A, as MNIST pixels make X · Wᵀ; k spans several blocks.
      checkGemm(rand, { ...base, m: 40, n: 70, k: 400, keepA: 0.15 });
      // A all zero: tiles with no step left get beta * C.
      checkGemm(rand, { ...base, m: 40, n: 70, k: 100, keepA: 0 });
      // Sparse B, as Gᵀ · X has it (with and without columns that are zero in every row).
      checkGemm(rand, { ...base, m: 40, n: 150, k: 100, keepB: 0.15 });
      checkGemm(rand, { ...base, m: 40, n: 150, k: 100, keepB: 0.3, zeroN: [3, 4, 5, 40, 41, 100] });
      // Both sparse.
      checkGemm(rand, { ...base, m: 50, n: 60, k: 300, keepA: 0.3, keepB: 0.3 });
      // 0 * Infinity and NaN * 0: Infinity in op(B) at a step where every panel of A is zero, NaN in op(A)
      // where op(B) is zero.
      checkGemm(rand, { ...base, m: 30, n: 70, k: 100, keepA: 0.1, zeroK: [3], poison: 'B' });
      checkGemm(rand, { ...base, m: 30, n: 70, k: 100, keepB: 0.1, zeroN: [5], poison: 'A' });
    });
  });

  const ACTS: Record<Activation, (x: number, alpha: number) => number> = {
    identity: (x) => x,
    sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    tanh: Math.tanh,
    relu: (x) => Math.max(0, x),
    leakyRelu: (x, a) => (x > 0 ? x : a * x),
    elu: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
    swish: (x) => x / (1 + Math.exp(-x)),
  };

  it.each(Object.keys(ACTS) as Activation[])('linear with %s, with and without bias and preact', (act) => {
    const rand = rng(24);
    for (const [batch, inF, outF] of [[0, 3, 2], [1, 1, 1], [5, 7, 3], [128, 100, 10], [33, 20, 140]]) {
      for (const withBias of [true, false]) {
        const x = randomArray(rand, batch * inF);
        const w = randomArray(rand, outF * inF);
        const b = withBias ? randomArray(rand, outF) : null;
        const y = new Float32Array(batch * outF).fill(NaN);
        const preact = new Float32Array(batch * outF).fill(NaN);
        backend.linear!(x, w, b, batch, inF, outF, act, 0.1, y, preact);
        const wantPre = new Float64Array(batch * outF);
        const wantY = new Float64Array(batch * outF);
        for (let r = 0; r < batch; r++) {
          for (let o = 0; o < outF; o++) {
            let s = b ? b[o]! : 0;
            for (let i = 0; i < inF; i++) s += x[r * inF + i]! * w[o * inF + i]!;
            wantPre[r * outF + o] = s;
            wantY[r * outF + o] = ACTS[act](Math.fround(s), 0.1);
          }
        }
        expectClose(preact, wantPre, 1e-5, 1e-5, `linear ${act} preact`);
        expectClose(y, wantY, 1e-5, 1e-5, `linear ${act} y`);
      }
    }
  });

  it('k = 0 with empty A and B: C = beta * C, and linear gives act(b)', () => {
    const empty = new Float32Array(0);
    const c = Float32Array.of(1, 2, 3, 4, 5, 6);
    const args = { transA: false, transB: true, m: 2, n: 3, k: 0, alpha: 1, a: empty, aOffset: 0, lda: 0, b: empty,
      bOffset: 0, ldb: 0, beta: 2, c, cOffset: 0, ldc: 3 };
    backend.gemm(args);
    expect([...c]).toEqual([2, 4, 6, 8, 10, 12]);
    c.fill(NaN);
    backend.gemm({ ...args, beta: 0 });
    expect([...c]).toEqual([0, 0, 0, 0, 0, 0]);
    const y = new Float32Array(6).fill(NaN);
    backend.linear!(empty, empty, Float32Array.of(1, -2, 3), 2, 0, 3, 'relu', 0, y, null);
    expect([...y]).toEqual([1, 0, 3, 1, 0, 3]);
  });

  it('linear without preact leaves nothing else touched', () => {
    const x = new Float32Array([1, 2]);
    const w = new Float32Array([3, 4, -5, 6]);
    const y = new Float32Array(2);
    backend.linear!(x, w, null, 1, 2, 2, 'relu', 0, y, null);
    expect([...y]).toEqual([11, 7]);
  });
});

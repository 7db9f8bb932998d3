import { describe, expect, it } from 'vitest';
import type { GemmArgs } from '@nabla/core';
import { gemm } from '../src/gemm.js';
import { expectClose, prng, randArray } from './helpers.js';

interface Case {
  m: number; n: number; k: number; transA: boolean; transB: boolean; alpha: number; beta: number;
  /** Extra row padding (ld > cols) and leading offsets, to exercise lda/ldb/ldc and offsets. */
  pad?: number;
  /** Keeps each value of op(A) / op(B) with this probability and zeroes the rest (as image pixels are). */
  keepA?: number; keepB?: number;
  /**
   * 'B': op(A) is zero at depth 3 in every row and op(B) has Infinity at depth 3, column 1 (0 · Infinity).
   * 'A': op(B) is zero in column 5 and op(A) has NaN at row 1, depth 0 (NaN · 0). 'AB': both.
   */
  poison?: 'A' | 'B' | 'AB';
}

/** Builds the arrays of a case and returns the args plus the float64 reference result for C's m×n entries. */
function setup(rand: () => number, c: Case): { args: GemmArgs; expected: number[] } {
  const pad = c.pad ?? 0;
  const off = pad ? 5 : 0;
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const lda = aCols + pad;
  const ldb = bCols + pad;
  const ldc = c.n + pad;
  const a = randArray(rand, off + aRows * lda);
  const b = randArray(rand, off + bRows * ldb);
  const cArr = randArray(rand, off + c.m * ldc);
  if (c.beta === 0) cArr.fill(NaN); // beta 0 must not read C
  const atA = (i: number, p: number) => off + (c.transA ? p * lda + i : i * lda + p);
  const atB = (p: number, j: number) => off + (c.transB ? j * ldb + p : p * ldb + j);
  for (let i = 0; i < c.m; i++) {
    for (let p = 0; p < c.k; p++) if ((c.keepA !== undefined && rand() >= c.keepA) || (c.poison?.includes('B') && p === 3)) a[atA(i, p)] = 0;
  }
  for (let p = 0; p < c.k; p++) {
    for (let j = 0; j < c.n; j++) if ((c.keepB !== undefined && rand() >= c.keepB) || (c.poison?.includes('A') && j === 5)) b[atB(p, j)] = -0;
  }
  if (c.poison?.includes('B')) b[atB(3, 1)] = Infinity;
  if (c.poison?.includes('A')) a[atA(1, 0)] = NaN;
  const opA = (i: number, p: number) => a[atA(i, p)]!;
  const opB = (p: number, j: number) => b[atB(p, j)]!;
  const expected: number[] = [];
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let p = 0; p < c.k; p++) s += opA(i, p) * opB(p, j);
      const old = cArr[off + i * ldc + j]!;
      expected.push(c.alpha * s + (c.beta === 0 ? 0 : c.beta * old));
    }
  }
  const args: GemmArgs = {
    transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha,
    a, aOffset: off, lda, b, bOffset: off, ldb, beta: c.beta, c: cArr, cOffset: off, ldc,
  };
  return { args, expected };
}

function resultOf(args: GemmArgs): number[] {
  const out: number[] = [];
  for (let i = 0; i < args.m; i++) for (let j = 0; j < args.n; j++) out.push(args.c[args.cOffset + i * args.ldc + j]!);
  return out;
}

const FLAGS = [[false, false], [false, true], [true, false], [true, true]] as const;

describe('gemm', () => {
  const rand = prng(30);
  // Small (unpacked loops), skinny (fewer than 4 rows or columns but much work), and blocked sizes with
  // edges in every dimension; k > 256 crosses a k-slice, m > 128 an A block, n > 2048 a B panel.
  const sizes = [
    [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 5], [6, 1, 9], [2, 3, 4], [4, 4, 4],
    [5, 7, 3], [2, 300, 50], [300, 2, 50], [3, 5, 2000], [300, 1, 17],
    [13, 17, 19], [33, 31, 29], [64, 64, 64], [37, 41, 300], [130, 9, 520], [7, 133, 257], [5, 2100, 3],
  ];
  for (const [m, n, k] of sizes) {
    for (const [transA, transB] of FLAGS) {
      it(`${m}x${n}x${k} transA=${transA} transB=${transB}`, () => {
        for (const [alpha, beta, pad] of [[1, 0, 0], [0.5, 1, 2], [-2, 0.25, 1], [1.5, 0, 3]] as const) {
          const { args, expected } = setup(rand, { m: m!, n: n!, k: k!, transA, transB, alpha, beta, pad });
          gemm(args);
          expectClose(resultOf(args), expected, 1e-5, 1e-5, `alpha=${alpha} beta=${beta} pad=${pad}`);
        }
      });
    }
  }

  it('mostly-zero operands: tiles walk only the depths their sliver has a nonzero at; NaN and Infinity still reach C', () => {
    for (const [transA, transB] of FLAGS) {
      for (const [alpha, beta, pad] of [[1, 0, 0], [0.5, 1, 2], [-2, 0.25, 1]] as const) {
        const base = { transA, transB, alpha, beta, pad };
        const cases: Case[] = [
          { ...base, m: 37, n: 41, k: 300, keepA: 0.15 }, // as MNIST pixels make X · Wᵀ, over two k-slices
          { ...base, m: 20, n: 30, k: 40, keepA: 0 }, // no depth left: C = beta * C
          { ...base, m: 41, n: 37, k: 100, keepB: 0.15 }, // as Gᵀ · X has it
          { ...base, m: 30, n: 30, k: 120, keepA: 0.3, keepB: 0.3 },
          { ...base, m: 12, n: 16, k: 40, keepA: 0.1, poison: 'B' },
          { ...base, m: 12, n: 16, k: 40, keepB: 0.1, poison: 'A' },
          { ...base, m: 12, n: 16, k: 40, keepA: 0.2, keepB: 0.2, poison: 'AB' },
        ];
        for (const c of cases) {
          const { args, expected } = setup(rand, c);
          gemm(args);
          expectClose(resultOf(args), expected, 1e-5, 1e-5, JSON.stringify(c));
        }
      }
    }
  });

  it('leaves C outside the m×n block (padding, offset) untouched', () => {
    const { args } = setup(rand, { m: 9, n: 11, k: 70, transA: false, transB: true, alpha: 1, beta: 0.5, pad: 3 });
    const before = Float32Array.from(args.c);
    gemm(args);
    for (let idx = 0; idx < args.c.length; idx++) {
      const rel = idx - args.cOffset;
      const inside = rel >= 0 && Math.floor(rel / args.ldc) < args.m && rel % args.ldc < args.n;
      if (!inside) expect(args.c[idx], `C[${idx}]`).toBe(before[idx]);
    }
  });

  it('with k = 0 or alpha = 0 scales C by beta and, for beta = 0, clears it without reading', () => {
    const c = new Float32Array([NaN, NaN, 2, 4]);
    const empty = new Float32Array(0);
    gemm({ transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, a: empty, aOffset: 0, lda: 0, b: empty, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 });
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    c.set([1, 2, 3, 4]);
    const a = new Float32Array([NaN, NaN, NaN, NaN]);
    gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 0, a, aOffset: 0, lda: 2, b: a, bOffset: 0, ldb: 2, beta: 3, c, cOffset: 0, ldc: 2 });
    expect(Array.from(c)).toEqual([3, 6, 9, 12]);
  });

  it('rejects arrays too short for their shape and leading dimension', () => {
    const { args } = setup(rand, { m: 4, n: 5, k: 6, transA: false, transB: false, alpha: 1, beta: 0 });
    expect(() => gemm({ ...args, a: new Float32Array(23) })).toThrow(/A \(4×6 as stored, offset 0, ld 6\) needs 24 elements, array has 23/);
    expect(() => gemm({ ...args, ldb: 4 })).toThrow(/ldb=4 is less than the 5 columns of B/);
    expect(() => gemm({ ...args, m: -1 })).toThrow(/m must be a non-negative integer/);
    expect(() => gemm({ ...args, transA: true })).toThrow(/A \(6×4 as stored/);
  });
});

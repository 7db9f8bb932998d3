// sgemm, C = alpha * op(A) * op(B) + beta * C, in plain TypeScript.
//
// GotoBLAS structure: for each KC-deep slice of k, a KC×NC panel of op(B) and then an MC×KC block of op(A)
// are packed into scratch arrays laid out for the micro-kernel: A in slivers of 4 rows, B in slivers of
// 4 columns, each sliver k-major and zero-padded to 4. Packing reads A and B through their transpose
// flags, so a transposed operand costs no extra copy. The micro-kernel keeps a 4×4 tile of C in 16 local
// variables (V8 keeps them in registers) and walks both slivers once. Products accumulate in float64,
// which is what JavaScript arithmetic does anyway, and C is rounded once per KC slice.
//
// Zero steps: packing notes, for each sliver, the runs of depths p at which it has a nonzero. A tile walks
// only those of its A sliver or of its B sliver (whichever has fewer depths): a sliver of four MNIST images
// is zero at about two thirds of the pixels, a sliver of four pixel columns at about two thirds of the
// images. Exact: zeros of one side are skipped only when the other side's packed block is finite
// (0 * Infinity is NaN), and adding the skipped zeros would change at most the sign of a zero sum.

import type { GemmArgs } from '@nabla/core';
import { ValueError } from '@nabla/core';
import { detachedNote } from './check.js';

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;
const NC = 2048;
/** Below this many multiply-adds, packing costs more than it saves. */
const DIRECT_MAX_WORK = 4096;
/** The row form of the unpacked loops needs rows this long to beat a dot product per element. */
const ROW_FORM_MIN_N = 16;

// Scratch panels, grown on demand and reused by every call (single-threaded, so never shared mid-call).
let packedA = new Float64Array(MC * KC);
let packedB = new Float64Array(KC * NR);
const tile = new Float64Array(MR * NR);
let rowScratch = new Float64Array(256);
// Per sliver s: the runs of depths where it has a nonzero, as [from, to) pairs at s * (kc + 2), then how many
// runs and how many depths they hold; whether the packed block is finite. A dense sliver is one run.
let aRuns = new Int32Array(MC / MR * (KC + 2));
let aRunCounts = new Int32Array(MC / MR);
let aDepths = new Int32Array(MC / MR);
let bRuns = new Int32Array(KC + 2);
let bRunCounts = new Int32Array(1);
let bDepths = new Int32Array(1);
let aFinite = true;
let bFinite = true;

export function gemm(args: GemmArgs): void {
  checkGemm(args);
  const { m, n, k, alpha, beta, c, cOffset, ldc } = args;
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    scaleC(c, cOffset, ldc, m, n, beta);
    return;
  }
  if (preferDirect(args)) gemmDirect(args);
  else gemmBlocked(args);
}

/**
 * Small products skip packing, and so do skinny ones (fewer than 4 rows or columns), where tiles would be
 * mostly padding; except a thin op(B) against a transposed A, whose unpacked walk down A's columns is
 * slower than padded tiles.
 */
function preferDirect({ m, n, k, transA }: GemmArgs): boolean {
  if (m * n * k <= DIRECT_MAX_WORK || m < MR) return true;
  return n < NR && !transA;
}

/** C = beta * C; with beta 0, C is overwritten with zeros without being read. */
function scaleC(c: Float32Array, cOffset: number, ldc: number, m: number, n: number, beta: number): void {
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = row; j < row + n; j++) c[j] = beta * c[j]!;
  }
}

/**
 * Unpacked loops for small or skinny products (a matrix-vector product gains nothing from tiles). When
 * op(B)'s rows are stored rows (no transB) and long enough, row i of C is built as a sum of rows of B in a
 * float64 scratch row, walking B contiguously; otherwise each C element is a dot product along k.
 */
function gemmDirect(args: GemmArgs): void {
  const { m, n, k, alpha, beta, a, b, c, aOffset, bOffset, cOffset, lda, ldb, ldc } = args;
  const aRow = args.transA ? 1 : lda; // step in a for one row of op(A)
  const aK = args.transA ? lda : 1; // step in a along k
  if (!args.transB && n >= ROW_FORM_MIN_N) {
    if (rowScratch.length < n) rowScratch = new Float64Array(n);
    const acc = rowScratch;
    for (let i = 0; i < m; i++) {
      acc.fill(0, 0, n);
      for (let p = 0, ai = aOffset + i * aRow, bi = bOffset; p < k; p++, ai += aK, bi += ldb) {
        const av = a[ai]!;
        for (let j = 0; j < n; j++) acc[j]! += av * b[bi + j]!;
      }
      writeRow(c, cOffset + i * ldc, acc, n, alpha, beta);
    }
    return;
  }
  const bK = args.transB ? 1 : ldb; // step in b along k
  const bCol = args.transB ? ldb : 1; // step in b for one column of op(B)
  for (let i = 0; i < m; i++) {
    const ai0 = aOffset + i * aRow;
    const ci0 = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      // Four partial sums, so the additions do not wait on each other's latency.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let ai = ai0;
      let bi = bOffset + j * bCol;
      let p = 0;
      for (; p + 4 <= k; p += 4, ai += 4 * aK, bi += 4 * bK) {
        s0 += a[ai]! * b[bi]!;
        s1 += a[ai + aK]! * b[bi + bK]!;
        s2 += a[ai + 2 * aK]! * b[bi + 2 * bK]!;
        s3 += a[ai + 3 * aK]! * b[bi + 3 * bK]!;
      }
      for (; p < k; p++, ai += aK, bi += bK) s0 += a[ai]! * b[bi]!;
      const acc = (s0 + s1) + (s2 + s3);
      const ci = ci0 + j;
      c[ci] = beta === 0 ? alpha * acc : alpha * acc + beta * c[ci]!;
    }
  }
}

function writeRow(c: Float32Array, ci: number, acc: Float64Array, n: number, alpha: number, beta: number): void {
  if (beta === 0) for (let j = 0; j < n; j++) c[ci + j] = alpha * acc[j]!;
  else for (let j = 0; j < n; j++) c[ci + j] = alpha * acc[j]! + beta * c[ci + j]!;
}

function gemmBlocked(args: GemmArgs): void {
  const { m, n, k, alpha, beta, c, cOffset, ldc } = args;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const bPanel = packB(args, pc, kc, jc, nc);
      const betaHere = pc === 0 ? beta : 1; // later k-slices add onto what the first one wrote
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        const aBlock = packA(args, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const sb = jr / NR;
          const nb = bDepths[sb]!;
          for (let ir = 0; ir < mc; ir += MR) {
            const sa = ir / MR;
            const na = aDepths[sa]!;
            // Zeros of one side may be skipped only against a finite block of the other side.
            const useA = bFinite && (!aFinite || na <= nb);
            const useB = !useA && aFinite;
            if (useB) microKernel(aBlock, ir * kc, bPanel, jr * kc, bRuns, sb * (kc + 2), bRunCounts[sb]!);
            else if (useA) microKernel(aBlock, ir * kc, bPanel, jr * kc, aRuns, sa * (kc + 2), aRunCounts[sa]!);
            else microKernel(aBlock, ir * kc, bPanel, jr * kc, denseRun(kc), 0, 1);
            const mr = Math.min(MR, mc - ir);
            storeTile(c, cOffset + (ic + ir) * ldc + jc + jr, ldc, mr, nr, alpha, betaHere);
          }
        }
      }
    }
  }
}

/** Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into slivers of MR rows: sliver s, depth p, row r at s*MR*kc + p*MR + r. */
function packA(args: GemmArgs, i0: number, mc: number, p0: number, kc: number): Float64Array {
  const slivers = Math.ceil(mc / MR);
  if (packedA.length < slivers * MR * kc) packedA = new Float64Array(slivers * MR * kc);
  if (aRuns.length < slivers * (kc + 2)) aRuns = new Int32Array(slivers * (kc + 2));
  if (aRunCounts.length < slivers) [aRunCounts, aDepths] = [new Int32Array(slivers), new Int32Array(slivers)];
  const dst = packedA;
  const { a, aOffset, lda } = args;
  const rowStep = args.transA ? 1 : lda;
  const kStep = args.transA ? lda : 1;
  for (let s = 0; s < slivers; s++) {
    const base = s * MR * kc;
    for (let r = 0; r < MR; r++) {
      const i = i0 + s * MR + r;
      if (i >= i0 + mc) {
        for (let p = 0, d = base + r; p < kc; p++, d += MR) dst[d] = 0;
        continue;
      }
      for (let p = 0, d = base + r, src = aOffset + i * rowStep + p0 * kStep; p < kc; p++, d += MR, src += kStep) {
        dst[d] = a[src]!;
      }
    }
  }
  aFinite = noteRuns(dst, slivers, kc, aRuns, aRunCounts, aDepths);
  return dst;
}

/** Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into slivers of NR columns: s*NR*kc + p*NR + col. */
function packB(args: GemmArgs, p0: number, kc: number, j0: number, nc: number): Float64Array {
  const slivers = Math.ceil(nc / NR);
  if (packedB.length < slivers * NR * kc) packedB = new Float64Array(slivers * NR * kc);
  if (bRuns.length < slivers * (kc + 2)) bRuns = new Int32Array(slivers * (kc + 2));
  if (bRunCounts.length < slivers) [bRunCounts, bDepths] = [new Int32Array(slivers), new Int32Array(slivers)];
  const dst = packedB;
  const { b, bOffset, ldb } = args;
  const kStep = args.transB ? 1 : ldb;
  const colStep = args.transB ? ldb : 1;
  for (let s = 0; s < slivers; s++) {
    const base = s * NR * kc;
    for (let col = 0; col < NR; col++) {
      const j = j0 + s * NR + col;
      if (j >= j0 + nc) {
        for (let p = 0, d = base + col; p < kc; p++, d += NR) dst[d] = 0;
        continue;
      }
      for (let p = 0, d = base + col, src = bOffset + p0 * kStep + j * colStep; p < kc; p++, d += NR, src += kStep) {
        dst[d] = b[src]!;
      }
    }
  }
  bFinite = noteRuns(dst, slivers, kc, bRuns, bRunCounts, bDepths);
  return dst;
}

/**
 * For each packed sliver of 4 (rows of A or columns of B), the runs of depths at which it has a nonzero, as
 * [from, to) pairs into runs (at s * (kc + 2): at most kc / 2 + 1 runs), with their count and how many depths
 * they hold; returns whether every value is finite (x - x is 0 only for finite x).
 */
function noteRuns(
  packed: Float64Array, slivers: number, kc: number, runs: Int32Array, runCounts: Int32Array, depths: Int32Array,
): boolean {
  let drift = 0;
  for (let s = 0, d = 0; s < slivers; s++) {
    let r = s * (kc + 2);
    const first = r;
    let held = 0;
    let inRun = false;
    for (let p = 0; p < kc; p++, d += 4) {
      const v0 = packed[d]!, v1 = packed[d + 1]!, v2 = packed[d + 2]!, v3 = packed[d + 3]!;
      drift += (v0 - v0) + (v1 - v1) + (v2 - v2) + (v3 - v3);
      const nonzero = v0 !== 0 || v1 !== 0 || v2 !== 0 || v3 !== 0;
      if (nonzero && !inRun) {
        runs[r] = p;
      } else if (!nonzero && inRun) {
        runs[r + 1] = p;
        r += 2;
      }
      if (nonzero) held++;
      inRun = nonzero;
    }
    if (inRun) {
      runs[r + 1] = kc;
      r += 2;
    }
    runCounts[s] = (r - first) / 2;
    depths[s] = held;
  }
  return drift === 0;
}

const denseRuns = new Int32Array(2);

/** The one run of a tile that skips nothing: every depth of the slice. */
function denseRun(kc: number): Int32Array {
  denseRuns[1] = kc;
  return denseRuns;
}

/**
 * tile = A sliver (4 × kc) · B sliver (kc × 4) over the depths of `count` runs at runs[ri ..] ([from, to)
 * pairs), with the 16 sums in locals.
 */
function microKernel(
  pa: Float64Array, ai: number, pb: Float64Array, bi: number, runs: Int32Array, ri: number, count: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let r = ri; r < ri + 2 * count; r += 2) {
    const from = runs[r]!, to = runs[r + 1]!;
    for (let p = from, a = ai + from * MR, b = bi + from * NR; p < to; p++, a += MR, b += NR) {
      const a0 = pa[a]!, a1 = pa[a + 1]!, a2 = pa[a + 2]!, a3 = pa[a + 3]!;
      const b0 = pb[b]!, b1 = pb[b + 1]!, b2 = pb[b + 2]!, b3 = pb[b + 3]!;
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    }
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
  tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
  tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
}

/** Writes the valid mr × nr corner of the tile: C = alpha * tile + beta * C (C unread when beta is 0). */
function storeTile(c: Float32Array, ci: number, ldc: number, mr: number, nr: number, alpha: number, beta: number): void {
  for (let r = 0; r < mr; r++, ci += ldc) {
    for (let col = 0; col < nr; col++) {
      const v = alpha * tile[r * NR + col]!;
      c[ci + col] = beta === 0 ? v : beta === 1 ? c[ci + col]! + v : v + beta * c[ci + col]!;
    }
  }
}

/** The BLAS argument checks, plus bounds: every element op(A), op(B) and C address must exist. */
function checkGemm(g: GemmArgs): void {
  for (const key of ['m', 'n', 'k', 'lda', 'ldb', 'ldc', 'aOffset', 'bOffset', 'cOffset'] as const) {
    if (!Number.isInteger(g[key]) || g[key] < 0) throw new ValueError(`gemm: ${key} must be a non-negative integer, got ${g[key]}`);
  }
  if (!Number.isFinite(g.alpha) || !Number.isFinite(g.beta)) {
    throw new ValueError(`gemm: alpha and beta must be finite, got alpha=${g.alpha}, beta=${g.beta}`);
  }
  const { m, n, k } = g;
  const [aRows, aCols] = g.transA ? [k, m] : [m, k];
  const [bRows, bCols] = g.transB ? [n, k] : [k, n];
  checkMatrix('A', g.a, g.aOffset, g.lda, aRows, aCols, m > 0 && n > 0 && k > 0 && g.alpha !== 0);
  checkMatrix('B', g.b, g.bOffset, g.ldb, bRows, bCols, m > 0 && n > 0 && k > 0 && g.alpha !== 0);
  checkMatrix('C', g.c, g.cOffset, g.ldc, m, n, m > 0 && n > 0);
}

function checkMatrix(
  name: string, arr: Float32Array, offset: number, ld: number, rows: number, cols: number, used: boolean,
): void {
  if (!(arr instanceof Float32Array)) throw new ValueError(`gemm: ${name} must be a Float32Array`);
  if (!used) return;
  if (rows > 1 && ld < cols) {
    throw new ValueError(`gemm: ld${name.toLowerCase()}=${ld} is less than the ${cols} columns of ${name} (${rows}×${cols} as stored)`);
  }
  const last = offset + (rows - 1) * ld + cols;
  if (last > arr.length) {
    throw new ValueError(
      `gemm: ${name} (${rows}×${cols} as stored, offset ${offset}, ld ${ld}) needs ${last} elements, array has ${arr.length}${detachedNote(arr)}`,
    );
  }
}

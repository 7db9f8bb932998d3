import { describe, expect, it } from 'vitest';
import { prng, randArray, upload, wk } from './helpers.js';

interface Case { transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number; pad: number }

/** C = alpha·op(A)·op(B) + beta·C in float64, plus the magnitude bound Σ|a||b| for the tolerance. */
function reference(c: Case, a: Float32Array, lda: number, b: Float32Array, ldb: number, c0: Float32Array, ldc: number, offs: number[]) {
  const out = new Float64Array(c.m * c.n);
  const bound = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < c.k; p++) {
        const av = a[offs[0]! + (c.transA ? p * lda + i : i * lda + p)]!;
        const bv = b[offs[1]! + (c.transB ? j * ldb + p : p * ldb + j)]!;
        s += av * bv;
        mag += Math.abs(av * bv);
      }
      const cv = c0[offs[2]! + i * ldc + j]!;
      out[i * c.n + j] = c.alpha * s + (c.beta === 0 ? 0 : c.beta * cv);
      bound[i * c.n + j] = Math.abs(c.alpha) * mag + Math.abs(c.beta * (c.beta === 0 ? 0 : cv));
    }
  }
  return { out, bound };
}

function run(c: Case, seed: number): void {
  const rand = prng(seed);
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const lda = aCols + c.pad, ldb = bCols + c.pad, ldc = c.n + c.pad;
  const offs = [c.pad, 2 * c.pad, 3 * c.pad];
  const aData = randArray(rand, offs[0]! + aRows * lda);
  const bData = randArray(rand, offs[1]! + bRows * ldb);
  const cData = randArray(rand, offs[2]! + c.m * ldc);
  if (c.beta === 0) cData.fill(NaN); // must not be read
  const a = upload(aData), b = upload(bData), cs = upload(cData);
  wk.gemm({ ...c, a, aOffset: offs[0]!, lda, b, bOffset: offs[1]!, ldb, c: cs, cOffset: offs[2]!, ldc });
  const got = wk.read(cs);
  const { out, bound } = reference(c, aData, lda, bData, ldb, cData, ldc, offs);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      const g = got[offs[2]! + i * ldc + j]!;
      const e = out[i * c.n + j]!;
      const tol = 2e-6 * (c.k + 2) * bound[i * c.n + j]! + 1e-30;
      if (!(Math.abs(g - e) <= tol)) expect.fail(`${JSON.stringify(c)} C[${i},${j}] = ${g}, expected ${e}`);
    }
    // Padding between rows is untouched.
    for (let j = c.n; j < ldc && i < c.m - 1; j++) {
      const at = offs[2]! + i * ldc + j;
      expect(Object.is(got[at], cData[at]) || (Number.isNaN(got[at]) && Number.isNaN(cData[at]))).toBe(true);
    }
  }
  for (const s of [a, b, cs]) wk.release(s);
}

const combos = [[false, false], [false, true], [true, false], [true, true]] as const;

describe('gemm', () => {
  it('matches a float64 reference over all four transpose combinations and odd sizes 1..67', () => {
    const rand = prng(1);
    const sizes = [1, 2, 3, 5, 6, 7, 8, 9, 13, 16, 17, 31, 33, 47, 64, 67];
    let seed = 10;
    for (const [transA, transB] of combos) {
      for (let t = 0; t < 24; t++) {
        const pick = () => sizes[Math.floor(rand() * sizes.length)]!;
        run({ transA, transB, m: pick(), n: pick(), k: pick(), alpha: 1, beta: 0, pad: 0 }, seed++);
      }
    }
  });

  it('covers every size 1..67 along each dim', () => {
    let seed = 100;
    for (let s = 1; s <= 67; s++) {
      const [transA, transB] = combos[s % 4]!;
      run({ transA, transB, m: s, n: 5, k: 7, alpha: 1, beta: 0, pad: 0 }, seed++);
      run({ transA, transB, m: 6, n: s, k: 3, alpha: 1, beta: 0, pad: 0 }, seed++);
      run({ transA, transB, m: 4, n: 9, k: s, alpha: 1, beta: 0, pad: 0 }, seed++);
    }
  });

  it('applies alpha and beta, with row strides and offsets', () => {
    let seed = 300;
    for (const [transA, transB] of combos) {
      for (const [alpha, beta] of [[1, 1], [0.5, -2], [-1.5, 0], [2, 0.25], [0, 3], [0, 0]]) {
        run({ transA, transB, m: 19, n: 23, k: 29, alpha: alpha!, beta: beta!, pad: 3 }, seed++);
      }
    }
  });

  it('crosses the cache blocks (k > KC, m > MC, n > NC)', () => {
    run({ transA: false, transB: true, m: 150, n: 40, k: 300, alpha: 1, beta: 1, pad: 1 }, 7);
    run({ transA: true, transB: false, m: 5, n: 1100, k: 9, alpha: 1, beta: 0, pad: 0 }, 8);
  });

  it('k = 0 scales C by beta, and beta = 0 overwrites NaN', () => {
    run({ transA: false, transB: false, m: 3, n: 4, k: 0, alpha: 1, beta: 2, pad: 0 }, 9);
    run({ transA: false, transB: false, m: 3, n: 4, k: 0, alpha: 1, beta: 0, pad: 0 }, 9);
  });

  it('propagates NaN and Infinity from A and B', () => {
    const a = upload([NaN, 1, 2, 3]), b = upload([1, 0, 0, Infinity]), c = wk.alloc(4);
    wk.gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, aOffset: 0, lda: 2, b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 });
    const r = wk.read(c);
    expect(Number.isNaN(r[0])).toBe(true);
    expect(Number.isNaN(r[1])).toBe(true); // NaN·0 + 1·Inf
    expect(r[2]).toBe(2);
    expect(r[3]).toBe(Infinity);
  });
});

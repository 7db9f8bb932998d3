// Every primitive on `name` against the float64 reference backend: elementwise ops with broadcasting and
// strided views, reductions, argmax, gemm (the full BLAS contract), copy and fill.

import { describe, expect, it } from 'vitest';
import {
  Generator, getBackend, setBackend, Tensor, tensor, zeros, add, sub, mul, div, pow, maximum, minimum,
  eq, ne, lt, le, gt, ge, neg, exp, log, sqrt, abs, where, sum, max, min, argmax, concat,
  type GemmArgs, type Storage,
} from '@nabla/core';
import { assertClose } from './golden.js';
import { randomTensor } from './random.js';

/** A copy of `values` in the memory of the backend in use. */
function inMemory(values: Float32Array): Storage {
  const memory = getBackend().memory;
  const s = memory.alloc(values.length);
  memory.write(s, 0, values);
  return s;
}

/** Runs fn on the backend under test and on the reference, returning both results. */
export function onBoth<T>(name: string, fn: () => T): [T, T] {
  setBackend(name);
  const actual = fn();
  setBackend('reference');
  const expected = fn();
  setBackend(name);
  return [actual, expected];
}

type Binary = (a: Tensor, b: Tensor) => Tensor;
const binaries: [string, Binary][] = [
  ['add', add], ['sub', sub], ['mul', mul], ['div', div], ['maximum', maximum], ['minimum', minimum],
  ['eq', eq], ['ne', ne], ['lt', lt], ['le', le], ['gt', gt], ['ge', ge],
];
const unaries: [string, (x: Tensor) => Tensor, { low: number; high: number }][] = [
  ['neg', neg, { low: -3, high: 3 }], ['exp', exp, { low: -80, high: 80 }], ['log', log, { low: 1e-6, high: 1e4 }],
  ['sqrt', sqrt, { low: 0, high: 1e4 }], ['abs', abs, { low: -3, high: 3 }],
];

/** Shapes as [a, b] pairs that broadcast, including scalars, size 0 and sizes not divisible by vector widths. */
const broadcastPairs: [number[], number[]][] = [
  [[7], [7]], [[3, 5], [3, 5]], [[3, 1], [1, 4]], [[4], [2, 3, 4]], [[], [5, 6]], [[5, 6], []], [[2, 1, 3], [4, 1]],
  [[0], [0]], [[0, 3], [1, 3]], [[1], [1]], [[257, 129], [129]], [[33, 1], [33, 65]], [[100003], [100003]],
];

/** Non-contiguous views of a fresh random [rows, cols] tensor: transposed, sliced with a step, offset. */
function views(gen: Generator): [string, Tensor][] {
  const base = randomTensor(gen, [9, 14]);
  return [
    ['transposed', base.transpose()],
    ['stepped slice', base.slice(1, 1, 13, 3)],
    ['offset rows', base.slice(0, 2, 7)],
    ['expanded column', randomTensor(gen, [9, 1]).expand([9, 14])],
  ];
}

export function primitivesSuite(name: string): void {
  describe(`${name}: elementwise primitives`, () => {
    const gen = new Generator(1);
    for (const [op, f] of binaries) {
      it(`${op} with broadcasting`, () => {
        for (const [sa, sb] of broadcastPairs) {
          const a = randomTensor(gen, sa);
          // Equal values appear on purpose, so comparisons and max/min meet ties.
          const b = op === 'div' ? randomTensor(gen, sb, { awayFromZero: 0.1 }) : randomTensor(gen, sb);
          if (a.size > 0 && a.shape.join() === b.shape.join()) b.copy_(Float32Array.from(b.data()).map((v, i) => (i === 0 ? a.data()[0]! : v)));
          const [x, y] = onBoth(name, () => f(a, b));
          expect(x.shape).toEqual(y.shape);
          assertClose(x, y, `${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, { rtol: 0, atol: 0 });
        }
      });
      it(`${op} on strided views`, () => {
        for (const [what, v] of views(gen)) {
          const other = randomTensor(gen, v.shape.slice(), { awayFromZero: 0.1 });
          const [x, y] = onBoth(name, () => f(v, other));
          assertClose(x, y, `${op} (${what}, contiguous)`, { rtol: 0, atol: 0 });
          const [x2, y2] = onBoth(name, () => f(other, v));
          assertClose(x2, y2, `${op} (contiguous, ${what})`, { rtol: 0, atol: 0 });
        }
      });
    }
    it('binary in place: out may be the storage of an operand', () => {
      for (const n of [1, 7, 4099]) {
        const a = randomTensor(gen, [n]);
        const b = randomTensor(gen, [n], { awayFromZero: 0.1 });
        const [x, y] = onBoth(name, () => {
          const left = a.clone();
          getBackend().binary('div', left, b, left.storage);
          const right = b.clone();
          getBackend().binary('sub', a, right, right.storage);
          const scaled = a.clone();
          getBackend().binary('mul', scaled, { storage: tensor([3]).storage, shape: [n], strides: [0], offset: 0 }, scaled.storage);
          return [left, right, scaled];
        });
        x.forEach((t, i) => assertClose(t, y[i]!, `in-place ${['div into a', 'sub into b', 'mul by a scalar'][i]} (n=${n})`, { rtol: 0, atol: 0 }));
      }
    });
    it('pow', () => {
      const a = randomTensor(gen, [6, 7], { low: 0.1, high: 4 });
      const b = randomTensor(gen, [7], { low: -3, high: 3 });
      const [x, y] = onBoth(name, () => pow(a, b));
      assertClose(x, y, 'pow', { rtol: 2e-6, atol: 0 });
      const [x2, y2] = onBoth(name, () => pow(tensor([-2, -1.5, 0, 3]), tensor([3, 2, 2, -1])));
      assertClose(x2, y2, 'pow with negative bases and integer exponents', { rtol: 2e-6, atol: 0 });
    });
    for (const [op, f, range] of unaries) {
      it(op, () => {
        for (const shape of [[0], [1], [7], [3, 5], [257, 129]]) {
          const a = randomTensor(gen, shape, range);
          const [x, y] = onBoth(name, () => f(a));
          assertClose(x, y, `${op} ${JSON.stringify(shape)}`, { rtol: 2e-6, atol: 0 });
        }
        for (const [what, v] of views(gen)) {
          const pos = op === 'log' || op === 'sqrt' ? abs(v).add(0.01) : v;
          const view = op === 'log' || op === 'sqrt' ? pos.transpose() : v;
          const [x, y] = onBoth(name, () => f(view));
          assertClose(x, y, `${op} (${what})`, { rtol: 2e-6, atol: 0 });
        }
      });
    }
    it('exp and log at the edges: overflow to Infinity, log(0) = -Infinity, log(-1) = NaN', () => {
      const [x, y] = onBoth(name, () => exp(tensor([100, -200, 0, 88.7])));
      assertClose(x, y, 'exp edges', { rtol: 2e-6, atol: 0 });
      const [lx, ly] = onBoth(name, () => log(tensor([0, -1, 1, 1e-30])));
      assertClose(lx, ly, 'log edges', { rtol: 2e-6, atol: 0 });
    });
    it('where with broadcasting and views', () => {
      const c = randomTensor(gen, [4, 1, 6]).gt(0);
      const a = randomTensor(gen, [5, 6]);
      const b = randomTensor(gen, [6, 5]).transpose();
      const [x, y] = onBoth(name, () => where(c, a, b));
      expect(x.shape).toEqual([4, 5, 6]);
      assertClose(x, y, 'where', { rtol: 0, atol: 0 });
    });
  });

  describe(`${name}: reductions`, () => {
    const gen = new Generator(2);
    const axesCases: (number[] | undefined)[] = [undefined, [], [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];
    for (const [op, f] of [['sum', sum], ['max', max], ['min', min]] as const) {
      it(`${op} over every set of axes, contiguous and permuted, keepdims or not`, () => {
        const base = randomTensor(gen, [3, 4, 5]);
        for (const input of [base, base.permute([2, 0, 1]), base.slice(2, 1, 5, 2)]) {
          for (const axes of axesCases) {
            for (const keep of [false, true]) {
              const [x, y] = onBoth(name, () => f(input, axes, keep));
              expect(x.shape).toEqual(y.shape);
              assertClose(x, y, `${op} axes ${JSON.stringify(axes)} keepdims ${keep}`, { rtol: 1e-6, atol: 1e-6 });
            }
          }
        }
      });
    }
    it('sum of a long vector stays accurate (float32 result of a float64-exact sum)', () => {
      const a = randomTensor(gen, [1_000_003], { low: 0, high: 1 });
      const [x, y] = onBoth(name, () => a.sum());
      assertClose(x, y, 'long sum', { rtol: 1e-6, atol: 0 });
      const rows = randomTensor(gen, [3, 200_001], { low: -1, high: 2 });
      const [x2, y2] = onBoth(name, () => rows.sum(1));
      assertClose(x2, y2, 'long row sums', { rtol: 1e-6, atol: 0 });
      const cols = randomTensor(gen, [100_000, 3], { low: -1, high: 2 });
      const [x3, y3] = onBoth(name, () => cols.sum(0));
      assertClose(x3, y3, 'long column sums', { rtol: 1e-6, atol: 0 });
    });
    it('sum over an empty axis is 0', () => {
      const [x] = onBoth(name, () => sum(zeros([0, 3]), 0));
      expect(Array.from(x.data())).toEqual([0, 0, 0]);
    });
    it('argmax picks the first maximum on every axis', () => {
      const t = tensor([[1, 5, 5, 2], [7, 7, 0, 7], [-1, -3, -1, -2]]);
      const [x0] = onBoth(name, () => argmax(t, 0));
      const [x1] = onBoth(name, () => argmax(t, 1));
      expect(Array.from(x0.data())).toEqual([1, 1, 0, 1]);
      expect(Array.from(x1.data())).toEqual([1, 0, 0]);
      const r = randomTensor(gen, [6, 7, 8]).permute([1, 2, 0]);
      for (const axis of [0, 1, 2]) {
        const [x, y] = onBoth(name, () => argmax(r, axis, true));
        assertClose(x, y, `argmax axis ${axis}`, { rtol: 0, atol: 0 });
      }
    });
  });

  describe(`${name}: gemm (C = alpha op(A) op(B) + beta C)`, () => {
    const gen = new Generator(3);
    const sizes: [number, number, number][] = [
      [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [5, 7, 3], [17, 33, 65], [64, 64, 64], [31, 10, 128],
      [128, 10, 128], [128, 128, 784], [100, 128, 256], [257, 9, 300],
    ];
    const scalings = [[1, 0], [0.5, 1], [-2, -0.5]] as const;
    // Large products take each alpha/beta pair under one transpose combination only (the pairs are checked
    // under every combination at the smaller sizes): the reference backend's loops make them slow.
    const LARGE = 1 << 20;
    it.each(sizes)('m=%i n=%i k=%i: every transpose combination, alpha, beta, padded leading dimensions and offsets', (m, n, k) => {
      let combination = 0;
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const pairs = m * n * k < LARGE ? scalings : [scalings[combination % scalings.length]!];
          combination++;
          for (const [alpha, beta] of pairs) {
            const pad = 3;
            const lda = (transA ? m : k) + pad;
            const ldb = (transB ? k : n) + pad;
            const ldc = n + pad;
            const aRows = transA ? k : m;
            const bRows = transB ? n : k;
            const a = randomTensor(gen, [2 + aRows * lda]).data();
            const b = randomTensor(gen, [1 + bRows * ldb]).data();
            const c0 = randomTensor(gen, [4 + m * ldc]).data();
            if (beta === 0) c0.fill(NaN); // beta == 0 must not read C
            const run = (): Float32Array => {
              // Through the backend's memory, which need not be host memory.
              const backend = getBackend();
              const c = inMemory(c0);
              const args: GemmArgs<Storage> = {
                transA, transB, m, n, k, alpha, a: inMemory(a), aOffset: 2, lda, b: inMemory(b), bOffset: 1, ldb,
                beta, c, cOffset: 4, ldc,
              };
              backend.gemm(args);
              return backend.memory.read(c, 0, c0.length).slice();
            };
            const [x, y] = onBoth(name, run);
            const what = `gemm m=${m} n=${n} k=${k} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}`;
            // Entries outside C's m×n window (padding, offset) must be untouched.
            for (let i = 0; i < x.length; i++) {
              const inWindow = i >= 4 && (i - 4) % ldc < n && Math.floor((i - 4) / ldc) < m;
              if (!inWindow && !Object.is(x[i], c0[i])) throw new Error(`${what}: wrote outside C at ${i}`);
            }
            assertClose(x, y, what, { rtol: 1e-5, atol: 1e-5 * Math.sqrt(Math.max(k, 1)) * 4 });
          }
        }
      }
    });
    it('matmul through the Tensor API: transposed views, batched broadcast, vectors', () => {
      const a = randomTensor(gen, [6, 5]);
      const b = randomTensor(gen, [7, 5]);
      const [x, y] = onBoth(name, () => a.matmul(b.T));
      assertClose(x, y, 'A·Bᵀ', { rtol: 1e-5, atol: 1e-5 });
      const batchA = randomTensor(gen, [2, 1, 4, 3]);
      const batchB = randomTensor(gen, [3, 3, 5]);
      const [bx, by] = onBoth(name, () => batchA.matmul(batchB));
      expect(bx.shape).toEqual([2, 3, 4, 5]);
      assertClose(bx, by, 'batched', { rtol: 1e-5, atol: 1e-5 });
      const v = randomTensor(gen, [5]);
      const [vx, vy] = onBoth(name, () => a.matmul(v));
      expect(vx.shape).toEqual([6]);
      assertClose(vx, vy, 'matrix·vector', { rtol: 1e-5, atol: 1e-5 });
      const [ex, ey] = onBoth(name, () => randomTensor(new Generator(9), [4, 1]).expand([4, 3]).matmul(randomTensor(new Generator(8), [3, 2])));
      assertClose(ex, ey, 'expanded operand', { rtol: 1e-5, atol: 1e-5 });
    });
  });

  describe(`${name}: copy and fill`, () => {
    const gen = new Generator(4);
    it('copy makes any view contiguous', () => {
      const base = randomTensor(gen, [4, 5, 6]);
      for (const v of [base.permute([2, 0, 1]), base.slice(1, 1, 5, 2), base.select(0, 2).T, base.slice(0, 0, 1).expand([3, 5, 6])]) {
        const [x, y] = onBoth(name, () => v.contiguous());
        expect(x.isContiguous).toBe(true);
        assertClose(x, y, `copy of shape ${JSON.stringify(v.shape)} strides ${JSON.stringify(v.strides)}`, { rtol: 0, atol: 0 });
      }
    });
    it('concat along each axis', () => {
      const a = randomTensor(gen, [2, 3, 4]);
      const b = randomTensor(gen, [2, 3, 4]);
      for (const axis of [0, 1, 2]) {
        const [x, y] = onBoth(name, () => concat([a, b.permute([0, 1, 2])], axis));
        assertClose(x, y, `concat axis ${axis}`, { rtol: 0, atol: 0 });
      }
    });
    it('fill writes exactly [offset, offset + length)', () => {
      const [x] = onBoth(name, () => {
        const out = inMemory(new Float32Array(10).fill(-1));
        getBackend().fill(out, 2.5, 3, 4);
        return getBackend().memory.read(out, 0, 10).slice();
      });
      expect(Array.from(x)).toEqual([-1, -1, -1, 2.5, 2.5, 2.5, 2.5, -1, -1, -1]);
    });
  });
}

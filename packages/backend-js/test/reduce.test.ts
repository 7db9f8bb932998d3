import { describe, expect, it } from 'vitest';
import type { ReduceOp, View } from '@nabla/core';
import { argmax, reduce } from '../src/reduce.js';
import { VIEW_KINDS, at, expectClose, forEachIndex, makeView, prng, sizeOf, view } from './helpers.js';

/** Float64 reference: reduce over `axes`, output in row-major order of the kept shape. */
function refReduce(op: ReduceOp, x: View, axes: number[]): number[] {
  const outShape = x.shape.map((n, d) => (axes.includes(d) ? 1 : n));
  const init = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
  const out = new Array<number>(sizeOf(outShape)).fill(init);
  const outStrides = outShape.map((_, d) => outShape.slice(d + 1).reduce((a, b) => a * b, 1));
  forEachIndex(x.shape, (idx) => {
    let o = 0;
    idx.forEach((i, d) => { if (!axes.includes(d)) o += i * outStrides[d]!; });
    const v = at(x, idx);
    out[o] = op === 'sum' ? out[o]! + v : op === 'max' ? Math.max(out[o]!, v) : Math.min(out[o]!, v);
  });
  return out;
}

/** Every sorted subset of 0..rank-1. */
function axisSets(rank: number): number[][] {
  const sets: number[][] = [];
  for (let mask = 0; mask < 1 << rank; mask++) sets.push([...Array(rank).keys()].filter((d) => mask & (1 << d)));
  return sets;
}

describe('reduce', () => {
  const rand = prng(10);
  const shapes = [[], [1], [9], [3, 5], [4, 1, 6], [2, 3, 4, 5], [3, 0, 2]];
  for (const op of ['sum', 'max', 'min'] as ReduceOp[]) {
    for (const shape of shapes) {
      it(`${op} ${JSON.stringify(shape)} over every axis set and layout`, () => {
        for (const kind of VIEW_KINDS) {
          const x = makeView(rand, shape, kind);
          for (const axes of axisSets(shape.length)) {
            const expected = refReduce(op, x, axes);
            const out = new Float32Array(expected.length);
            reduce(op, x, axes, out);
            expectClose(out, expected, 1e-6, 1e-6, `${kind} axes [${axes}]`);
          }
        }
      });
    }
  }

  it('sums 1e6 elements to float32 accuracy (float64 accumulation)', () => {
    const n = 1_000_000;
    const data = new Float32Array(n).fill(0.1);
    const out = new Float32Array(1);
    reduce('sum', view(data, [n]), [0], out);
    // Naive float32 accumulation would drift far from 1e5 (to about 1.0958e5).
    expect(out[0]).toBe(Math.fround(n * Math.fround(0.1)));
    const cols = new Float32Array(1000);
    reduce('sum', view(data, [1000, 1000]), [0], cols);
    expect(cols.every((v) => v === Math.fround(1000 * Math.fround(0.1)))).toBe(true);
  });

  it('gives the identity for empty axes and propagates NaN in max/min', () => {
    const empty = view(new Float32Array(0), [2, 0]);
    const out = new Float32Array(2);
    reduce('max', empty, [1], out);
    expect(Array.from(out)).toEqual([-Infinity, -Infinity]);
    reduce('min', empty, [1], out);
    expect(Array.from(out)).toEqual([Infinity, Infinity]);
    reduce('sum', empty, [1], out);
    expect(Array.from(out)).toEqual([0, 0]);
    const x = view(new Float32Array([1, NaN, 3, 4, 5, 6]), [2, 3]);
    reduce('max', x, [1], out);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[1]).toBe(6);
    const cols = new Float32Array(3);
    reduce('min', x, [0], cols);
    expect([cols[0], Number.isNaN(cols[1]), cols[2]]).toEqual([1, true, 3]);
    // The same data seen transposed ([3, 2], strides [1, 3]) takes the general strided path.
    const t = view(x.storage, [3, 2], [1, 3]);
    reduce('max', t, [1], cols);
    expect([cols[0], Number.isNaN(cols[1]), cols[2]]).toEqual([4, true, 6]);
    reduce('min', t, [0, 1], out);
    expect(Number.isNaN(out[0])).toBe(true);
  });

  it('rejects unsorted, repeated or out-of-range axes', () => {
    const x = view(new Float32Array(6), [2, 3]);
    expect(() => reduce('sum', x, [1, 0], new Float32Array(1))).toThrow(/axes \[1, 0\] must be sorted/);
    expect(() => reduce('sum', x, [2], new Float32Array(1))).toThrow(/within rank 2/);
    expect(() => reduce('sum', x, [0, 0], new Float32Array(1))).toThrow(/distinct/);
  });
});

describe('argmax', () => {
  const rand = prng(11);
  function refArgmax(x: View, axis: number): number[] {
    const outShape = x.shape.map((n, d) => (d === axis ? 1 : n));
    const out: number[] = [];
    forEachIndex(outShape, (idx) => {
      let best = -Infinity;
      let bestIndex = -1;
      for (let j = 0; j < x.shape[axis]!; j++) {
        const v = at(x, idx.map((i, d) => (d === axis ? j : i)));
        if (bestIndex < 0 || v > best) { best = v; bestIndex = j; }
      }
      out.push(bestIndex);
    });
    return out;
  }
  for (const shape of [[1], [7], [4, 6], [3, 1, 5], [2, 3, 4]]) {
    it(`argmax ${JSON.stringify(shape)} along each axis and layout`, () => {
      for (const kind of VIEW_KINDS) {
        const x = makeView(rand, shape, kind);
        for (let axis = 0; axis < shape.length; axis++) {
          const expected = refArgmax(x, axis);
          const out = new Float32Array(expected.length);
          argmax(x, axis, out);
          expect(Array.from(out), `${kind} axis ${axis}`).toEqual(expected);
        }
      }
    });
  }
  it('returns the first of tied maxima and the index of a NaN', () => {
    const out = new Float32Array(2);
    argmax(view(new Float32Array([1, 5, 5, 2, NaN, 9, NaN, 0]), [2, 4]), 1, out);
    expect(Array.from(out)).toEqual([1, 0]);
  });
  it('rejects an empty axis and a bad axis', () => {
    expect(() => argmax(view(new Float32Array(0), [2, 0]), 1, new Float32Array(2))).toThrow(/axis 1 .* is empty/);
    expect(() => argmax(view(new Float32Array(4), [4]), 1, new Float32Array(1))).toThrow(/out of range/);
  });
});

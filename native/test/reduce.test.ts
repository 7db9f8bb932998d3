// reduce (sum/max/min over any axes, keepdims layout) and argmax against float64 references on every ISA.
import type { ReduceOp } from '@nabla/core';
import { beforeAll, describe, expect, it } from 'vitest';

import { ISAS, LAYOUTS, backend, expectClose, forEachIndex, makeView, numel, rng, useIsa, type TestView } from './helpers.js';

function reduceReference(op: ReduceOp, x: TestView, axes: readonly number[]): Float64Array {
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = outShape.map((_, i) => outShape.slice(i + 1).reduce((p, d) => p * d, 1));
  const want = new Float64Array(numel(outShape)).fill(op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity);
  forEachIndex(x.shape, (index) => {
    let o = 0;
    index.forEach((v, d) => { o += (axes.includes(d) ? 0 : v) * outStrides[d]!; });
    const v = x.at(index);
    const w = want[o]!;
    want[o] = op === 'sum' ? w + v : Number.isNaN(v) || Number.isNaN(w) ? NaN : op === 'max' ? Math.max(w, v) : Math.min(w, v);
  });
  return want;
}

function allAxisSets(ndim: number): number[][] {
  const sets: number[][] = [];
  for (let mask = 0; mask < 1 << ndim; mask++) sets.push([...Array(ndim).keys()].filter((d) => mask & (1 << d)));
  return sets;
}

const SHAPES = [[], [1], [0], [9], [3, 5], [4, 0], [2, 3, 4], [3, 1, 300], [2, 5, 2, 3]];

describe.each(ISAS)('reductions on %s', (isa) => {
  beforeAll(() => useIsa(isa));

  it.each(['sum', 'max', 'min'] as ReduceOp[])('%s over every axis set, shape and layout', (op) => {
    const rand = rng(11);
    for (const shape of SHAPES) {
      for (const axes of allAxisSets(shape.length)) {
        for (const layout of LAYOUTS) {
          const x = makeView(rand, shape, layout);
          const want = reduceReference(op, x, axes);
          const out = new Float32Array(want.length);
          backend.reduce(op, x, axes, out);
          expectClose(out, want, op === 'sum' ? 1e-6 : 0, op === 'sum' ? 1e-6 : 0, `${op} [${shape}] axes [${axes}] ${layout}`);
        }
      }
    }
  });

  it('large reductions split over the pool: row sums, column sums, the whole tensor', () => {
    const x = makeView(rng(12), [300, 1030], 'contiguous');
    for (const axes of [[0], [1], [0, 1]]) {
      for (const op of ['sum', 'max'] as ReduceOp[]) {
        const want = reduceReference(op, x, axes);
        const out = new Float32Array(want.length);
        backend.reduce(op, x, axes, out);
        expectClose(out, want, op === 'sum' ? 1e-6 : 0, 1e-5, `${op} axes [${axes}]`);
      }
    }
  });

  it('long sums stay accurate (naive float accumulation would be off by ~1e-3)', () => {
    const n = 1 << 22;
    const storage = new Float32Array(n).fill(0.1);
    const out = new Float32Array(1);
    backend.reduce('sum', { storage, shape: [n], strides: [1], offset: 0 }, [0], out);
    expect(Math.abs(out[0]! - n * Math.fround(0.1)) / (n * 0.1)).toBeLessThan(1e-7);
    const column = new Float32Array(2);
    backend.reduce('sum', { storage, shape: [n / 2, 2], strides: [2, 1], offset: 0 }, [0], column);
    expect(Math.abs(column[0]! - (n / 2) * Math.fround(0.1)) / ((n / 2) * 0.1)).toBeLessThan(1e-7);
  });

  it('max/min propagate NaN and reduce empty axes to -Infinity/+Infinity, sum to 0', () => {
    const x = { storage: new Float32Array([1, NaN, 3, 4]), shape: [2, 2], strides: [2, 1], offset: 0 };
    const out = new Float32Array(2);
    backend.reduce('max', x, [1], out);
    expect([...out]).toEqual([NaN, 4]);
    backend.reduce('min', x, [0], out);
    expect([...out]).toEqual([1, NaN]);
    const empty = { storage: new Float32Array(0), shape: [3, 0], strides: [0, 1], offset: 0 };
    const three = new Float32Array(3);
    backend.reduce('max', empty, [1], three);
    expect([...three]).toEqual([-Infinity, -Infinity, -Infinity]);
    backend.reduce('min', empty, [1], three);
    expect([...three]).toEqual([Infinity, Infinity, Infinity]);
    backend.reduce('sum', empty, [1], three);
    expect([...three]).toEqual([0, 0, 0]);
  });

  it('argmax takes the first maximum along any axis, NaN counting as the maximum', () => {
    const rand = rng(13);
    for (const shape of [[1], [7], [3, 5], [2, 3, 4], [4, 1, 6], [50, 300]]) {
      for (let axis = 0; axis < shape.length; axis++) {
        for (const layout of LAYOUTS) {
          const x = makeView(rand, shape, layout);
          for (let i = 0; i < x.storage.length; i++) x.storage[i] = Math.round(x.storage[i]! * 2); // ties
          const outShape = shape.map((d, i) => (i === axis ? 1 : d));
          const want = new Float64Array(numel(outShape));
          forEachIndex(outShape, (index, flat) => {
            let best = 0;
            for (let i = 1; i < shape[axis]!; i++) {
              const at = [...index];
              at[axis] = i;
              const bestAt = [...index];
              bestAt[axis] = best;
              if (x.at(at) > x.at(bestAt)) best = i;
            }
            want[flat] = best;
          });
          const out = new Float32Array(want.length);
          backend.argmax(x, axis, out);
          expectClose(out, want, 0, 0, `argmax [${shape}] axis ${axis} ${layout}`);
        }
      }
    }
    const withNaN = { storage: new Float32Array([1, 5, NaN, 9, NaN]), shape: [5], strides: [1], offset: 0 };
    const out = new Float32Array(1);
    backend.argmax(withNaN, 0, out);
    expect(out[0]).toBe(2);
  });
});

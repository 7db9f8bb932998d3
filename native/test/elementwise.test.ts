// unary, binary, where, copy and fill against float64 references, on every ISA path, for every view layout
// (offsets, subarrays, transposes, steps, stride-0 broadcasting, negative strides) and edge sizes.
import type { BinaryOp, UnaryOp } from '@nabla/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryFns, unaryFns } from '@nabla/backend-tests';

import {
  ISAS, LAYOUTS, backend, expectClose, forEachIndex, makeView, numel, rng, useIsa, type TestView,
} from './helpers.js';

const SHAPES: number[][] = [[], [1], [0], [7], [3, 5], [2, 3, 4], [4, 1, 5], [0, 3], [2, 17, 33]];
// Large enough to be split over the thread pool (see kGrainCheap in cpp/dispatch.h).
const LARGE = [2, 33000];
/** Every small shape in every layout, plus the large shape contiguous and broadcast. */
function* cases(): Generator<[number[], (typeof LAYOUTS)[number]]> {
  for (const shape of SHAPES) for (const layout of LAYOUTS) yield [shape, layout];
  yield [LARGE, 'contiguous'];
  yield [LARGE, 'broadcast'];
}

const UNARY = unaryFns;
const BINARY = binaryFns;

// Correctly rounded in float32 (so exactly fround of the float64 result) vs libm-accurate (a few ulp).
const EXACT = new Set<string>(['neg', 'abs', 'sqrt', 'add', 'sub', 'mul', 'div', 'max', 'min', 'eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const tolerance = (op: string): number => (EXACT.has(op) ? 0 : 4e-7);

function reference(shape: number[], views: TestView[], f: (...v: number[]) => number): Float64Array {
  const want = new Float64Array(numel(shape));
  forEachIndex(shape, (index, flat) => { want[flat] = Math.fround(f(...views.map((v) => v.at(index)))); });
  return want;
}

describe.each(ISAS)('element-wise on %s', (isa) => {
  beforeAll(() => useIsa(isa));

  it.each(Object.keys(UNARY) as UnaryOp[])('unary %s over every shape and layout', (op) => {
    const rand = rng(1);
    for (const [shape, layout] of cases()) {
      const lo = op === 'log' || op === 'sqrt' ? 0.01 : -5;
      const x = makeView(rand, shape, layout, lo, 5);
      const out = new Float32Array(numel(shape));
      backend.unary(op, x, out);
      expectClose(out, reference(shape, [x], UNARY[op]), tolerance(op), 0, `${op} ${layout} [${shape}]`);
    }
  });

  it.each(Object.keys(BINARY) as BinaryOp[])('binary %s with broadcasting and strides', (op) => {
    const rand = rng(2);
    for (const [shape, la] of cases()) {
      const lb = LAYOUTS[(LAYOUTS.indexOf(la) + 2) % LAYOUTS.length]!;
      const lo = op === 'pow' ? 0.1 : -3;
      const a = makeView(rand, shape, la, lo, 3);
      const b = makeView(rand, shape, lb, -3, 3);
      if (op.length === 2 && numel(shape) > 1) b.storage.set(a.storage.subarray(0, 1), 0); // some ties
      const out = new Float32Array(numel(shape));
      backend.binary(op, a, b, out);
      expectClose(out, reference(shape, [a, b], BINARY[op]), tolerance(op), 0, `${op} ${la}/${lb} [${shape}]`);
    }
  });

  it('max and min propagate NaN; comparisons with NaN are false except ne', () => {
    const a = { storage: new Float32Array([NaN, 1, NaN]), shape: [3], strides: [1], offset: 0 };
    const b = { storage: new Float32Array([1, NaN, NaN]), shape: [3], strides: [1], offset: 0 };
    const out = new Float32Array(3);
    backend.binary('max', a, b, out);
    expect([...out]).toEqual([NaN, NaN, NaN]);
    backend.binary('min', a, b, out);
    expect([...out]).toEqual([NaN, NaN, NaN]);
    backend.binary('ne', a, b, out);
    expect([...out]).toEqual([1, 1, 1]);
    backend.binary('eq', a, b, out);
    expect([...out]).toEqual([0, 0, 0]);
  });

  it('where selects by cond != 0 over mixed layouts', () => {
    const rand = rng(3);
    for (const shape of [...SHAPES, LARGE]) {
      const cond = makeView(rand, shape, 'broadcast');
      for (let i = 0; i < cond.storage.length; i++) cond.storage[i] = rand() < 0.5 ? 0 : rand() < 0.5 ? -0 : 2;
      const a = makeView(rand, shape, 'transposed');
      const b = makeView(rand, shape, 'reversed');
      const out = new Float32Array(numel(shape));
      backend.where(cond, a, b, out);
      expectClose(out, reference(shape, [cond, a, b], (c, x, y) => (c !== 0 ? x : y)), 0, 0, `where [${shape}]`);
    }
  });

  it('copy makes any view contiguous', () => {
    const rand = rng(4);
    for (const [shape, layout] of cases()) {
      const x = makeView(rand, shape, layout);
      const out = new Float32Array(numel(shape));
      backend.copy(x, out);
      expectClose(out, reference(shape, [x], (v) => v), 0, 0, `copy ${layout} [${shape}]`);
    }
  });

  it('transposed matrices and batches of them (the tiled path), unary ops included', () => {
    const rand = rng(6);
    for (const [batch, rows, cols] of [[1, 40, 50], [3, 33, 65], [2, 300, 257], [1, 1000, 16]]) {
      // A [batch, rows, cols] view of storage laid out [batch, cols, rows]: the last two dims transposed.
      const storage = new Float32Array(batch * rows * cols + 1).map(() => rand() * 4 - 2);
      const x: TestView = {
        storage, shape: [batch, rows, cols], strides: [rows * cols, 1, rows], offset: 1,
        at: ([b, r, c]) => storage[1 + b! * rows * cols + r! + c! * rows]!,
      };
      for (const op of ['copy', 'neg', 'exp'] as const) {
        const out = new Float32Array(batch * rows * cols);
        if (op === 'copy') backend.copy(x, out);
        else backend.unary(op, x, out);
        const f = op === 'copy' ? (v: number) => v : UNARY[op];
        expectClose(out, reference(x.shape as number[], [x], f), tolerance(op), 0, `${op} transposed [${x.shape}]`);
      }
    }
  });

  it('fill writes exactly [offset, offset + length)', () => {
    for (const [size, offset, length] of [[10, 2, 5], [1, 0, 1], [5, 5, 0], [100003, 1, 100001]] as const) {
      const out = new Float32Array(size).fill(-1);
      backend.fill(out, 2.5, offset, length);
      let wrong = 0;
      for (let i = 0; i < size; i++) wrong += +(out[i] !== (i >= offset && i < offset + length ? 2.5 : -1));
      expect(wrong).toBe(0);
    }
  });

  it('runs in place when the output is the input itself', () => {
    const x = makeView(rng(5), [50, 1000], 'contiguous');
    const view = { ...x, storage: x.storage.subarray(x.offset), offset: 0 };
    const want = reference([50, 1000], [x], (v) => v * 2);
    backend.binary('add', view, view, view.storage);
    expectClose(view.storage, want, 0, 0, 'in place');
  });
});

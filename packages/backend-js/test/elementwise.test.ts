import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp, View } from '@nabla/core';
import { binary, unary, where } from '../src/elementwise.js';
import { VIEW_KINDS, at, forEachIndex, makeView, prng, sizeOf, view, expectClose } from './helpers.js';

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, abs: Math.abs,
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  max: Math.max, min: Math.min, pow: Math.pow,
  eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b), lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b), gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b),
};

const SHAPES: number[][] = [[], [1], [7], [3, 5], [4, 1, 6], [2, 3, 4, 5], [0, 3], [1000]];

/** Float32 rounding of a float64 reference: the kernels compute in float64 and store float32. */
const f32 = Math.fround;

function refMap(shape: number[], fn: (idx: number[]) => number): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  forEachIndex(shape, (idx, flat) => { out[flat] = f32(fn(idx)); });
  return out;
}

describe('unary', () => {
  const rand = prng(1);
  for (const op of Object.keys(UNARY) as UnaryOp[]) {
    for (const shape of SHAPES) {
      for (const kind of VIEW_KINDS) {
        it(`${op} ${JSON.stringify(shape)} ${kind}`, () => {
          const positive = op === 'log' || op === 'sqrt';
          const x = makeView(rand, shape, kind, positive ? 0.01 : -3, 3);
          const out = new Float32Array(sizeOf(shape));
          unary(op, x, out);
          expect(out).toEqual(refMap(shape, (idx) => UNARY[op](at(x, idx))));
        });
      }
    }
  }
  it('rejects an unknown op and a view that overruns its storage', () => {
    const x = view(new Float32Array(4), [4]);
    expect(() => unary('cube' as UnaryOp, x, new Float32Array(4))).toThrow(/unknown op 'cube'/);
    expect(() => unary('neg', view(new Float32Array(4), [5]), new Float32Array(5))).toThrow(/storage holds 4/);
    expect(() => unary('neg', x, new Float32Array(3))).toThrow(/out has 3 elements/);
  });
});

describe('binary', () => {
  const rand = prng(2);
  const ops = Object.keys(BINARY) as BinaryOp[];
  for (const op of ops) {
    for (const shape of SHAPES) {
      it(`${op} ${JSON.stringify(shape)} over every pair of layouts`, () => {
        for (const ka of VIEW_KINDS) {
          for (const kb of VIEW_KINDS) {
            const lo = op === 'pow' ? 0.1 : -2;
            const a = makeView(rand, shape, ka, lo, 2);
            const b = makeView(rand, shape, kb, -2, 2);
            // Comparisons need ties to be meaningful: round both operands to a coarse grid.
            if (op === 'eq' || op === 'ne' || op === 'le' || op === 'ge') {
              for (const s of [a.storage, b.storage]) for (let i = 0; i < s.length; i++) s[i] = Math.round(s[i]!);
            }
            const out = new Float32Array(sizeOf(shape));
            binary(op, a, b, out);
            expect(out, `${ka} ${op} ${kb}`).toEqual(refMap(shape, (idx) => BINARY[op](at(a, idx), at(b, idx))));
          }
        }
      });
    }
  }

  it('adds a broadcast row and column ([3,1] + [1,4] as stride-0 views)', () => {
    const col = new Float32Array([1, 2, 3]);
    const row = new Float32Array([10, 20, 30, 40]);
    const out = new Float32Array(12);
    binary('add', view(col, [3, 4], [1, 0]), view(row, [3, 4], [0, 1]), out);
    expect(Array.from(out)).toEqual([11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43]);
  });

  it('handles a broadcast scalar on either side', () => {
    const x = new Float32Array([1, 2, 4, 8]);
    const two = new Float32Array([2]);
    const out = new Float32Array(4);
    binary('div', view(x, [2, 2]), view(two, [2, 2], [0, 0]), out);
    expect(Array.from(out)).toEqual([0.5, 1, 2, 4]);
    binary('div', view(two, [2, 2], [0, 0]), view(x, [2, 2]), out);
    expect(Array.from(out)).toEqual([2, 1, 0.5, 0.25]);
  });

  it('propagates NaN through max/min and compares NaN as unequal', () => {
    const a = view(new Float32Array([NaN, 1, NaN]), [3]);
    const b = view(new Float32Array([0, NaN, NaN]), [3]);
    const out = new Float32Array(3);
    binary('max', a, b, out);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    binary('min', a, b, out);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    binary('eq', a, b, out);
    expect(Array.from(out)).toEqual([0, 0, 0]);
    binary('ne', a, b, out);
    expect(Array.from(out)).toEqual([1, 1, 1]);
  });

  it('rejects mismatched shapes with a message naming them', () => {
    const a = view(new Float32Array(6), [2, 3]);
    const b = view(new Float32Array(6), [3, 2]);
    expect(() => binary('add', a, b, new Float32Array(6))).toThrow(/b has shape \[3, 2\], expected \[2, 3\]/);
  });
});

describe('where', () => {
  const rand = prng(3);
  for (const shape of SHAPES) {
    it(`where ${JSON.stringify(shape)} over layouts`, () => {
      for (const kc of VIEW_KINDS) {
        for (const ka of ['contiguous', 'broadcast', 'transposed'] as const) {
          for (const kb of ['contiguous', 'strided'] as const) {
            const cond: View = makeView(rand, shape, kc);
            for (let i = 0; i < cond.storage.length; i++) cond.storage[i] = cond.storage[i]! > 0 ? 1 : 0;
            const a = makeView(rand, shape, ka);
            const b = makeView(rand, shape, kb);
            const out = new Float32Array(sizeOf(shape));
            where(cond, a, b, out);
            expect(out, `${kc} ${ka} ${kb}`).toEqual(refMap(shape, (idx) => (at(cond, idx) !== 0 ? at(a, idx) : at(b, idx))));
          }
        }
      }
    });
  }
  it('checks that every operand has the output shape', () => {
    const c = view(new Float32Array(4), [4]);
    expect(() => where(c, view(new Float32Array(4), [2, 2]), c, new Float32Array(4))).toThrow(/where: a has shape/);
  });
});

describe('large contiguous inputs', () => {
  it('adds 1e5 elements exactly', () => {
    const rand = prng(4);
    const a = makeView(rand, [100_000], 'contiguous');
    const b = makeView(rand, [100_000], 'contiguous');
    const out = new Float32Array(100_000);
    binary('add', a, b, out);
    const expected = new Float32Array(100_000);
    for (let i = 0; i < expected.length; i++) expected[i] = a.storage[i]! + b.storage[i]!;
    expectClose(out, expected, 0, 0);
  });
});

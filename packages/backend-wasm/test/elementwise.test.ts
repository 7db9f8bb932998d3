import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '@nabla/core';
import { SPECIAL, expectBitwise, js, pair, prng, randomView, sizeOf, upload, wk } from './helpers.js';

const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const SHAPES = [[7], [1], [3, 5], [4, 1, 6], [2, 3, 4, 5], [33], [2, 1, 9, 2]];

describe('unary', () => {
  it('is bitwise equal to backend-js over layouts and special values', () => {
    const rand = prng(1);
    for (const op of UNARY) {
      for (const shape of SHAPES) {
        for (let kind = 0; kind < 4; kind++) {
          const fill = kind === 3 ? (i: number) => SPECIAL[i % SPECIAL.length]! * (1 + rand()) : undefined;
          const x = randomView(rand, shape, kind, fill);
          const n = sizeOf(shape);
          const expected = new Float32Array(n);
          js.unary(op, x.js, expected);
          const out = wk.alloc(n);
          wk.unary(op, x.wasm, out);
          expectBitwise(wk.read(out), expected, `${op} ${shape} kind ${kind}`);
        }
      }
    }
  });

  it('handles exp/log over a wide range exactly like Math.exp/Math.log rounded to float32', () => {
    const rand = prng(2);
    const data = Float32Array.from({ length: 4096 }, () => (rand() - 0.5) * 200);
    for (const op of ['exp', 'log'] as const) {
      const x = pair(data, [4096]);
      const expected = new Float32Array(4096);
      js.unary(op, x.js, expected);
      const out = wk.alloc(4096);
      wk.unary(op, x.wasm, out);
      expectBitwise(wk.read(out), expected, op);
    }
  });
});

describe('binary', () => {
  it('is bitwise equal to backend-js, with broadcasting on either side', () => {
    const rand = prng(3);
    for (const op of BINARY) {
      for (const shape of SHAPES) {
        for (let ka = 0; ka < 4; ka++) {
          const kb = (ka + 2) % 4;
          const special = (i: number) => SPECIAL[(i * 7) % SPECIAL.length]!;
          const a = randomView(rand, shape, ka, ka === 3 ? special : undefined);
          const b = randomView(rand, shape, kb, kb === 3 ? (i) => special(i + 3) : undefined);
          const n = sizeOf(shape);
          const expected = new Float32Array(n);
          js.binary(op, a.js, b.js, expected);
          const out = wk.alloc(n);
          wk.binary(op, a.wasm, b.wasm, out);
          expectBitwise(wk.read(out), expected, `${op} ${shape} ${ka}/${kb}`);
        }
      }
    }
  });

  it('broadcasts a scalar on the left and on the right over long rows (SIMD paths)', () => {
    const rand = prng(4);
    for (const op of BINARY) {
      const a = randomView(rand, [3, 37], 0);
      const s = pair(Float32Array.of(0.75), [3, 37], [0, 0]);
      for (const [l, r] of [[a, s], [s, a]]) {
        const expected = new Float32Array(111);
        js.binary(op, l!.js, r!.js, expected);
        const out = wk.alloc(111);
        wk.binary(op, l!.wasm, r!.wasm, out);
        expectBitwise(wk.read(out), expected, op);
      }
    }
  });

  it('may write in place into a contiguous operand', () => {
    const a = upload([1, 2, 3, 4, 5]);
    const b = upload([10, 20, 30, 40, 50]);
    wk.binary('mul', { storage: a, shape: [5], strides: [1], offset: 0 }, { storage: b, shape: [5], strides: [1], offset: 0 }, a);
    expect([...wk.read(a)]).toEqual([10, 40, 90, 160, 250]);
  });
});

describe('where, copy, fill', () => {
  it('where is bitwise equal to backend-js (NaN conditions count as true)', () => {
    const rand = prng(5);
    for (const shape of SHAPES) {
      for (let k = 0; k < 4; k++) {
        const cond = randomView(rand, shape, (k + 1) % 4, (i) => [0, 1, -0, NaN, 2][i % 5]!);
        const a = randomView(rand, shape, k);
        const b = randomView(rand, shape, (k + 2) % 4);
        const n = sizeOf(shape);
        const expected = new Float32Array(n);
        js.where(cond.js, a.js, b.js, expected);
        const out = wk.alloc(n);
        wk.where(cond.wasm, a.wasm, b.wasm, out);
        expectBitwise(wk.read(out), expected, `where ${shape} ${k}`);
      }
    }
  });

  it('copy makes any strided view contiguous', () => {
    const rand = prng(6);
    for (const shape of [...SHAPES, [70, 3], [3, 70], [33, 17], [16, 12], [5, 9, 8]]) {
      for (let k = 0; k < 4; k++) {
        const x = randomView(rand, shape, k);
        const n = sizeOf(shape);
        const expected = new Float32Array(n);
        js.copy(x.js, expected);
        const out = wk.alloc(n);
        wk.copy(x.wasm, out);
        expectBitwise(wk.read(out), expected, `copy ${shape} ${k}`);
      }
    }
  });

  it('fill writes exactly the range', () => {
    const s = upload(new Float32Array(11).fill(7));
    wk.fill(s, -2.5, 3, 6);
    expect([...wk.read(s)]).toEqual([7, 7, 7, -2.5, -2.5, -2.5, -2.5, -2.5, -2.5, 7, 7]);
    wk.fill(s, 1, 11, 0);
  });

  it('empty views are no-ops', () => {
    const x = pair(new Float32Array(0), [0, 3]);
    const out = wk.alloc(0);
    wk.unary('neg', x.wasm, out);
    wk.binary('add', x.wasm, x.wasm, out);
    wk.copy(x.wasm, out);
  });
});

import { describe, expect, it } from 'vitest';
import { SPECIAL, expectBitwise, js, pair, prng, randomView, wk } from './helpers.js';

function subsets(rank: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << rank; mask++) out.push([...Array(rank).keys()].filter((d) => mask & (1 << d)));
  return out;
}

function outSize(shape: number[], axes: number[]): number {
  return shape.reduce((a, n, d) => (axes.includes(d) ? a : a * n), 1);
}

describe('reduce', () => {
  it('sum/max/min over every axis subset are bitwise equal to backend-js', () => {
    const rand = prng(1);
    for (const shape of [[7], [3, 5], [4, 1, 6], [2, 3, 4, 5], [100, 3], [3, 100]]) {
      for (const axes of subsets(shape.length)) {
        for (let kind = 0; kind < 4; kind++) {
          const x = randomView(rand, shape, kind, kind === 3 ? (i) => (i % 13 === 0 ? SPECIAL[i % 16]! : rand() * 1e3 - 500) : undefined);
          for (const op of ['sum', 'max', 'min'] as const) {
            const n = outSize(shape, axes);
            const expected = new Float32Array(n);
            js.reduce(op, x.js, axes, expected);
            const out = wk.alloc(n);
            wk.reduce(op, x.wasm, axes, out);
            expectBitwise(wk.read(out), expected, `${op} ${shape} axes ${axes} kind ${kind}`);
          }
        }
      }
    }
  });

  it('keeps float64 accuracy over long sums, and signed zeros as backend-js does', () => {
    const data = new Float32Array(100000).fill(0.1);
    const x = pair(data, [100000]);
    const out = wk.alloc(1);
    wk.reduce('sum', x.wasm, [0], out);
    const expected = new Float32Array(1);
    js.reduce('sum', x.js, [0], expected);
    expectBitwise(wk.read(out), expected);
    const z = pair(Float32Array.of(-0, 0, -0, 0), [2, 2]);
    for (const op of ['max', 'min', 'sum'] as const) {
      for (const axes of [[0], [1], [0, 1]]) {
        const e = new Float32Array(2);
        js.reduce(op, z.js, axes, e);
        const o = wk.alloc(2);
        wk.reduce(op, z.wasm, axes, o);
        expectBitwise(wk.read(o), e, `${op} ${axes}`);
      }
    }
  });

  it('empty axes give the identities', () => {
    const x = pair(new Float32Array(0), [3, 0]);
    for (const [op, v] of [['sum', 0], ['max', -Infinity], ['min', Infinity]] as const) {
      const out = wk.alloc(3);
      wk.reduce(op, x.wasm, [1], out);
      expect([...wk.read(out)]).toEqual([v, v, v]);
    }
  });
});

describe('argmax', () => {
  it('is equal to backend-js along every axis, NaN winning and first maximum kept', () => {
    const rand = prng(2);
    for (const shape of [[7], [3, 5], [4, 1, 6], [2, 3, 4, 5]]) {
      for (let axis = 0; axis < shape.length; axis++) {
        for (let kind = 0; kind < 4; kind++) {
          const x = randomView(rand, shape, kind, (i) => [1, 3, 3, NaN, -1, 2, 0][(i * 5 + Math.floor(rand() * 3)) % 7]!);
          const n = outSize(shape, [axis]);
          const expected = new Float32Array(n);
          js.argmax(x.js, axis, expected);
          const out = wk.alloc(n);
          wk.argmax(x.wasm, axis, out);
          expectBitwise(wk.read(out), expected, `argmax ${shape} axis ${axis} kind ${kind}`);
        }
      }
    }
  });
});

// The canonical plan: views merged where every operand allows, the same elements visited in the same order.
import { describe, expect, it } from 'vitest';
import type { Storage, View } from '../src/backend.js';
import { coalesceViews as coalesce } from '../src/plan.js';
import { contiguousStrides, sizeOf } from '../src/shape.js';

const storage = new Float32Array(1000);
const v = (shape: number[], strides = contiguousStrides(shape), offset = 0): View<Storage> => ({ storage, shape, strides, offset });

/** Storage positions visited in row-major order. */
function positions(x: View<Storage>): number[] {
  const out: number[] = [];
  const index = new Array<number>(x.shape.length).fill(0);
  for (let i = 0; i < sizeOf(x.shape); i++) {
    out.push(index.reduce((at, k, d) => at + k * x.strides[d]!, x.offset));
    for (let d = x.shape.length - 1; d >= 0; d--) {
      if (++index[d]! < x.shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

describe('coalesce', () => {
  it('turns contiguous operands into one flat axis', () => {
    const [a, b] = coalesce([v([2, 3, 4]), v([2, 3, 4], [12, 4, 1], 7)]);
    expect(a!.shape).toEqual([24]);
    expect(b!.strides).toEqual([1]);
    expect(b!.offset).toBe(7);
  });

  it('merges only what every operand allows, drops size-1 axes, and keeps the visiting order', () => {
    const cases: View<Storage>[][] = [
      [v([2, 3, 4]), v([2, 3, 4], [0, 4, 1])], // broadcast over the first axis: [2, 12]
      [v([4, 1, 5]), v([4, 1, 5], [1, 99, 4])], // transposed: nothing merges, the 1 goes
      [v([3, 4, 5]), v([3, 4, 5], [40, 5, 1])], // a slice of rows: the last two merge
      [v([2, 1, 1]), v([2, 1, 1], [0, 0, 0])],
      [v([1, 1]), v([1, 1], [0, 0])],
    ];
    for (const views of cases) {
      const merged = coalesce(views);
      merged.forEach((m, k) => expect(positions(m)).toEqual(positions(views[k]!)));
      expect(merged[0]!.shape.length).toBeLessThanOrEqual(views[0]!.shape.length);
    }
    expect(coalesce(cases[0]!)[1]!.shape).toEqual([2, 12]);
    expect(coalesce(cases[0]!)[1]!.strides).toEqual([0, 1]);
    expect(coalesce(cases[1]!)[0]!.shape).toEqual([4, 5]);
    expect(coalesce(cases[2]!)[1]!.shape).toEqual([3, 20]);
  });
});

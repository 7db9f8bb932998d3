import { describe, expect, test } from 'vitest';
import { tensor } from '@nabla/core';
import { ArrayDataset, GeneratedDataset, Subset, TensorDataset, fromArrays, fromIterable } from '../src/index.js';

describe('ArrayDataset / TensorDataset', () => {
  test('samples are views into the one storage, not copies', () => {
    const x = Float32Array.from([0, 1, 2, 3, 4, 5]);
    const y = Float32Array.from([7, 8, 9]);
    const ds = new ArrayDataset(x, [3, 2], y, [3]);
    expect(ds.length).toBe(3);
    expect(ds.xShape).toEqual([2]);
    expect(ds.yShape).toEqual([]);
    const s = ds.get(1);
    expect([...s.x]).toEqual([2, 3]);
    expect([...s.y]).toEqual([8]);
    expect(s.x.buffer).toBe(x.buffer);
    x[2] = 42;
    expect(s.x[0]).toBe(42);
  });

  test('TensorDataset uses the tensors\' memory and gives it back as tensors', () => {
    const x = tensor(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2, 2]);
    const y = tensor([0, 1]);
    const ds = new TensorDataset(x, y);
    expect(ds.xShape).toEqual([2, 2]);
    expect([...ds.get(1).x]).toEqual([5, 6, 7, 8]);
    expect(ds.get(1).x.buffer).toBe((x.storage as Float32Array).buffer);
    const back = ds.tensors();
    expect(back.x.shape).toEqual([2, 2, 2]);
    expect(back.y.toArray()).toEqual([0, 1]);
  });

  test('bad shapes, counts, NaN and indices are clear errors', () => {
    expect(() => new ArrayDataset(new Float32Array(6), [3, 2], new Float32Array(2), [2]))
      .toThrow(/x has 3 samples \(shape \[3, 2\]\) but y has 2/);
    expect(() => new ArrayDataset(new Float32Array(5), [3, 2], new Float32Array(3), [3]))
      .toThrow(/x has 5 values but shape \[3, 2\] needs 6/);
    const x = Float32Array.from([0, 1, 2, NaN]);
    expect(() => new ArrayDataset(x, [2, 2], new Float32Array(2), [2]))
      .toThrow(/ArrayDataset: x: NaN at row 1, position 1/);
    // Large finite values whose sum overflows are fine; a NaN beside them is still found.
    const huge = new Float32Array(600).fill(3e38);
    expect(new ArrayDataset(huge, [300, 2], new Float32Array(300), [300]).length).toBe(300);
    huge[513] = Number.NEGATIVE_INFINITY;
    expect(() => new ArrayDataset(huge, [300, 2], new Float32Array(300), [300]))
      .toThrow(/x: -Infinity at row 256, position 1 \(flat index 513\)/);
    const ds = new ArrayDataset(new Float32Array(4), [2, 2], new Float32Array(2), [2]);
    expect(() => ds.get(2)).toThrow(/index 2 is out of range for a dataset of length 2/);
    expect(() => ds.get(-1)).toThrow(RangeError);
    expect(() => new TensorDataset(tensor([1, 2]), tensor([1, 2, 3])))
      .toThrow(/TensorDataset: x has 2 samples/);
  });
});

describe('fromArrays / fromIterable', () => {
  test('nested rows of any depth are packed into one array with their shape', () => {
    const ds = fromArrays([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[1, 0], [0, 1]]);
    expect(ds.length).toBe(2);
    expect(ds.xShape).toEqual([2, 2]);
    expect(ds.yShape).toEqual([2]);
    expect([...ds.get(1).x]).toEqual([5, 6, 7, 8]);
    expect([...ds.get(1).y]).toEqual([0, 1]);
    const scalars = fromArrays([1, 2, 3], [0, 1, 0]);
    expect(scalars.xShape).toEqual([]);
    expect([...scalars.get(2).x]).toEqual([3]);
    const typed = fromArrays([Float32Array.of(1, 2), Float32Array.of(3, 4)], [0, 1]);
    expect([...typed.get(1).x]).toEqual([3, 4]);
  });

  test('ragged rows, NaN, mismatched counts and emptiness name the row', () => {
    expect(() => fromArrays([[1, 2], [3]], [0, 1])).toThrow(/fromArrays: x row 1: expected length 2, got length 1/);
    expect(() => fromArrays([[1, 2], [3, NaN]], [0, 1])).toThrow(/fromArrays: x row 1: NaN at \[1\]; expected finite/);
    expect(() => fromArrays([[1, 2], [3, '4' as unknown as number]], [0, 1]))
      .toThrow(/x row 1: expected a number at \[1\], got string/);
    expect(() => fromArrays([[1], [2]], [0])).toThrow(/2 x rows but 1 y rows/);
    expect(() => fromArrays([], [])).toThrow(/no samples/);
    expect(() => fromArrays([[1], [2]], ['a', 'b'] as unknown as number[]))
      .toThrow(/fromArrays: y row 0: expected a number or an array of numbers, got string/);
  });

  test('fromIterable reads a generator once into memory', () => {
    function* squares() {
      for (let i = 0; i < 4; i++) yield { x: [i, i * i], y: i % 2 };
    }
    const ds = fromIterable(squares());
    expect(ds.length).toBe(4);
    expect([...ds.get(3).x]).toEqual([3, 9]);
    expect([...ds.get(3).y]).toEqual([1]);
    expect(() => fromIterable([][Symbol.iterator]())).toThrow(/produced no samples/);
    expect(() => fromIterable([{ x: 1 } as unknown as { x: number; y: number }])).toThrow(/sample 0 is not an \{x, y\}/);
  });
});

describe('GeneratedDataset', () => {
  test('computes samples on demand and checks them against the declared shapes', () => {
    let calls = 0;
    const ds = new GeneratedDataset({
      length: 5, xShape: [2, 2], yShape: [],
      generate: (i) => { calls++; return { x: [[i, 0], [0, i]], y: i }; },
    });
    expect(calls).toBe(0);
    expect([...ds.get(3).x]).toEqual([3, 0, 0, 3]);
    expect(calls).toBe(1);
    // A flat array of the right size is also accepted for a multi-dimensional xShape.
    const flat = new GeneratedDataset({ length: 1, xShape: [2, 2], yShape: [], generate: () => ({ x: [1, 2, 3, 4], y: 0 }) });
    expect([...flat.get(0).x]).toEqual([1, 2, 3, 4]);
    const bad = new GeneratedDataset({ length: 2, xShape: [3], yShape: [], generate: (i) => ({ x: [i, i], y: 0 }) });
    expect(() => bad.get(1)).toThrow(/GeneratedDataset: sample 1 x: expected length 3, got length 2/);
    expect(() => ds.get(5)).toThrow(/out of range/);
    expect(() => new GeneratedDataset({ length: -1, xShape: [], yShape: [], generate: () => ({ x: 0, y: 0 }) }))
      .toThrow(/length must be a non-negative integer/);
  });
});

describe('Subset', () => {
  test('maps indices to the parent dataset without copying', () => {
    const parent = fromArrays([[0], [1], [2], [3]], [0, 1, 2, 3]);
    const sub = new Subset(parent, [3, 1]);
    expect(sub.length).toBe(2);
    expect([...sub.get(0).x]).toEqual([3]);
    expect(sub.get(1).x.buffer).toBe(parent.x.buffer);
    expect(() => new Subset(parent, [4])).toThrow(/indices\[0\] = 4 is out of range for a dataset of length 4/);
  });
});

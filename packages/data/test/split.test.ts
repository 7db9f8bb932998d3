import { describe, expect, test } from 'vitest';
import { fromArrays, trainValSplit } from '../src/index.js';

function labelled(labels: number[]) {
  return fromArrays(labels.map((_, i) => [i]), labels);
}

const indicesOf = (ds: { length: number; get(i: number): { x: Float32Array } }) =>
  Array.from({ length: ds.length }, (_, i) => ds.get(i).x[0]!);

describe('trainValSplit', () => {
  test('sizes, disjoint parts covering the dataset, ascending order', () => {
    const ds = labelled(Array.from({ length: 103 }, (_, i) => i % 2));
    const { train, val } = trainValSplit(ds, 0.2, { seed: 1 });
    expect(val.length).toBe(21); // round(103 * 0.2)
    expect(train.length).toBe(82);
    const all = [...indicesOf(train), ...indicesOf(val)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    const v = indicesOf(val);
    expect(v).toEqual([...v].sort((a, b) => a - b));
  });

  test('deterministic in the seed', () => {
    const ds = labelled(Array.from({ length: 50 }, () => 0));
    const a = indicesOf(trainValSplit(ds, 0.3, { seed: 5 }).val);
    expect(indicesOf(trainValSplit(ds, 0.3, { seed: 5 }).val)).toEqual(a);
    expect(indicesOf(trainValSplit(ds, 0.3, { seed: 6 }).val)).not.toEqual(a);
  });

  test('stratified: each class keeps its share (largest remainder), total as unstratified', () => {
    // 60 of class 0, 30 of class 1, 10 of class 2.
    const labels = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(10).fill(2)];
    const ds = labelled(labels);
    const { train, val } = trainValSplit(ds, 0.25, { seed: 2, stratify: true });
    const count = (part: typeof val, c: number) => indicesOf(part).filter((i) => labels[i] === c).length;
    expect(val.length).toBe(25);
    expect(train.length).toBe(75);
    // Exact shares 15, 7.5, 2.5: the two .5 remainders tie, the smaller class label gets the extra one.
    expect([count(val, 0), count(val, 1), count(val, 2)]).toEqual([15, 8, 2]);
  });

  test('stratified works with one-hot labels and rejects non-class labels', () => {
    const oneHot = fromArrays([[0], [1], [2], [3]], [[1, 0], [0, 1], [1, 0], [0, 1]]);
    const { val } = trainValSplit(oneHot, 0.5, { stratify: true });
    const classes = indicesOf(val).map((i) => (i % 2 === 0 ? 0 : 1));
    expect(classes.sort()).toEqual([0, 1]);
    const real = fromArrays([[0], [1]], [0.5, 1]);
    expect(() => trainValSplit(real, 0.5, { stratify: true })).toThrow(/sample 0 has y = 0.5/);
    const twoHot = fromArrays([[0], [1]], [[1, 1], [0, 1]]);
    expect(() => trainValSplit(twoHot, 0.5, { stratify: true })).toThrow(/sample 0's y has 2 ones/);
  });

  test('bad fractions and empty parts are clear errors', () => {
    const ds = labelled([0, 1, 0, 1]);
    expect(() => trainValSplit(ds, 0)).toThrow(/valFraction must be a number strictly between 0 and 1, got 0/);
    expect(() => trainValSplit(ds, 1.5)).toThrow(/got 1.5/);
    expect(() => trainValSplit(ds, 0.1)).toThrow(/valFraction 0.1 of 4 samples leaves the validation part empty/);
    expect(() => trainValSplit(ds, 0.9)).toThrow(/leaves the training part empty/);
  });
});

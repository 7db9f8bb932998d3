import { describe, expect, test } from 'vitest';
import { tensor } from '@nabla/core';
import {
  MinMaxScaler, StandardScaler, flatten, minMax, oneHot, scale, standardize, transformFromJSON,
} from '../src/index.js';

const close = (actual: unknown, expected: number[][] | number[], digits = 5) => {
  const a = (actual as number[] | number[][]).flat();
  const e = expected.flat();
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(e[i]!, digits));
};

describe('scale', () => {
  test('multiplies tensors and Float32Arrays into new memory', () => {
    const x = tensor([[0, 51], [255, 102]]);
    const y = scale(x, 1 / 255);
    close(y.toArray(), [[0, 0.2], [1, 0.4]]);
    expect(y.shape).toEqual([2, 2]);
    expect(x.toArray()).toEqual([[0, 51], [255, 102]]);
    expect([...scale(Float32Array.of(1, 2), 3)]).toEqual([3, 6]);
    expect(() => scale(x, Number.NaN)).toThrow(/scale: factor must be a finite number, got NaN/);
  });
});

describe('minMax', () => {
  // Feature 0 spans [2, 6], feature 1 spans [-1, 1], feature 2 is constant.
  const train = tensor([[2, -1, 5], [4, 1, 5], [6, 0, 5]]);

  test('fits per-feature min/max on train and maps train onto [0, 1]', () => {
    const s = minMax(train);
    expect(s.min).toEqual([2, -1, 5]);
    expect(s.max).toEqual([6, 1, 5]);
    close(s.apply(train).toArray(), [[0, 0, 0], [0.5, 1, 0], [1, 0.5, 0]]);
  });

  test('applies train statistics to test data (values may leave the range) and inverts', () => {
    const s = minMax(train, { range: [-1, 1] });
    const test = tensor([[8, 0, 7]]);
    close(s.apply(test).toArray(), [[2, 0, 3]]); // (8-2)/4*2-1, (0+1)/2*2-1, constant: -1 + (7-5)*2
    close(s.invert(s.apply(test)).toArray(), [[8, 0, 7]]);
  });

  test('global fit uses one min/max for all values', () => {
    const s = minMax(train, { perFeature: false });
    expect([s.min, s.max]).toEqual([[-1], [6]]);
    close(s.apply(tensor([6, -1])).toArray(), [1, 0]);
  });

  test('serializes to JSON and back', () => {
    const s = minMax(train, { range: [0, 2] });
    const text = JSON.stringify(s);
    const back = MinMaxScaler.fromJSON(text);
    expect(back.toJSON()).toEqual(s.toJSON());
    expect(back.apply(train).toArray()).toEqual(s.apply(train).toArray());
    expect(transformFromJSON(text)).toBeInstanceOf(MinMaxScaler);
  });

  test('errors: NaN in training data, wrong feature count, bad range', () => {
    expect(() => minMax(tensor([[1, 2], [Number.NaN, 3]], undefined, { allowNonFinite: true })))
      .toThrow(/minMax: cannot fit on NaN at row 1, feature 0/);
    expect(() => minMax(train).apply(tensor([[1, 2]]))).toThrow(
      /minMax.apply: fitted on 3 features per sample, got a tensor of shape \[1, 2\] \(2 per sample\)/);
    expect(() => minMax(train, { range: [1, 0] })).toThrow(/range must be \[low, high\] with finite low < high/);
    expect(() => MinMaxScaler.fromJSON('{"kind":"minMax","perFeature":true,"range":[0,1],"min":[0],"max":"x"}'))
      .toThrow(/"max" must be a non-empty array of finite numbers/);
  });
});

describe('standardize', () => {
  test('fits mean and population std on train; train becomes mean 0, std 1', () => {
    const train = tensor([[1, 10], [3, 10], [5, 10]]);
    const s = standardize(train);
    expect(s.mean).toEqual([3, 10]);
    close(s.std as number[], [Math.sqrt(8 / 3), 1]); // constant feature: std 1 instead of 0
    close(s.apply(train).toArray(), [[-1.2247449, 0], [0, 0], [1.2247449, 0]]);
    close(s.apply(tensor([[7, 12]])).toArray(), [[4 / Math.sqrt(8 / 3), 2]]);
  });

  test('per-feature over image-shaped tensors, and a global fit', () => {
    const images = tensor([[[0, 2], [4, 6]], [[2, 4], [6, 8]]]); // [2, 2, 2]
    const s = standardize(images);
    expect(s.features).toBe(4);
    expect(s.mean).toEqual([1, 3, 5, 7]);
    const g = standardize(images, { perFeature: false });
    expect(g.mean).toEqual([4]);
    const out = g.apply(images).data();
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
  });

  test('round-trips through JSON (also as a plain object) and inverts', () => {
    const s = standardize(tensor([[1, -2], [2, 0], [4, 9]]));
    const back = transformFromJSON(JSON.parse(JSON.stringify(s)));
    expect(back).toBeInstanceOf(StandardScaler);
    const x = tensor([[3, 3]]);
    expect(back.apply(x).toArray()).toEqual(s.apply(x).toArray());
    close(s.invert(s.apply(x)).toArray(), [[3, 3]]);
    expect([...s.apply(Float32Array.of(1, -2))]).toEqual([...s.apply(tensor([[1, -2]])).data()]);
  });

  test('errors: bad JSON, wrong kind, zero std, empty input', () => {
    expect(() => transformFromJSON('{oops')).toThrow(/not valid JSON/);
    expect(() => transformFromJSON({ kind: 'pca' })).toThrow(/unknown transform kind "pca"/);
    expect(() => StandardScaler.fromJSON({ kind: 'minMax', perFeature: true })).toThrow(/"kind" is "minMax", expected "standardize"/);
    expect(() => StandardScaler.fromJSON({ kind: 'standardize', perFeature: true, mean: [0], std: [0] }))
      .toThrow(/std\[0\] = 0; expected > 0/);
    expect(() => standardize(tensor(new Float32Array(0), [0, 3]))).toThrow(/cannot fit on an empty tensor/);
    const bad = tensor([[1, 2, 3], [4, 5, Number.POSITIVE_INFINITY]], undefined, { allowNonFinite: true });
    expect(() => standardize(bad)).toThrow(/standardize: cannot fit on Infinity at row 1, feature 2/);
    expect(() => standardize(bad, { perFeature: false })).toThrow(/cannot fit on Infinity at row 5, feature 0/);
    expect(() => standardize(tensor([[1, 2]])).apply(Float32Array.of(1, 2, 3)))
      .toThrow(/got a Float32Array of 3 values \(not a multiple of 2\)/);
  });
});

describe('oneHot', () => {
  test('class indices to rows with a single 1', () => {
    const y = oneHot(tensor([2, 0, 1]), 3);
    expect(y.shape).toEqual([3, 3]);
    expect(y.toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(oneHot([1], 2).toArray()).toEqual([[0, 1]]);
    expect(oneHot(tensor([[1], [0]]), 2).toArray()).toEqual([[0, 1], [1, 0]]);
  });

  test('labels out of range or not integers, bad class counts and shapes', () => {
    expect(() => oneHot([0, 3], 3)).toThrow(/oneHot: label 3 at index 1 is out of range for 3 classes \(expected an integer in \[0, 2\]\)/);
    expect(() => oneHot([0.5], 3)).toThrow(/label 0.5 at index 0/);
    expect(() => oneHot([-1], 3)).toThrow(/label -1 at index 0/);
    expect(() => oneHot([0], 0)).toThrow(/classes must be a positive integer, got 0/);
    expect(() => oneHot(tensor([[0, 1]]), 2)).toThrow(/labels must have shape \[n\] or \[n, 1\], got \[1, 2\]/);
  });
});

describe('flatten', () => {
  test('keeps the sample dimension and shares memory', () => {
    const x = tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]);
    const f = flatten(x);
    expect(f.shape).toEqual([2, 12]);
    expect(f.storage).toBe(x.storage);
    expect(flatten(x, 2).shape).toEqual([2, 3, 4]);
    expect(() => flatten(x, 3)).toThrow(/startDim 3 is out of range for shape \[2, 3, 4\]/);
  });
});

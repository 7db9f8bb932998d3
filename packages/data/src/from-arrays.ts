// Datasets from the user's own data: plain (nested) arrays, any iterable such as a generator, or a
// function computing sample i on demand.

import { ShapeError, ValueError } from '@nabla/core';
import { sizeOfShape } from './checks.js';
import { ArrayDataset, checkIndex, type Dataset, type Sample } from './dataset.js';
import { copyNested, shapeOf, type NumericData } from './nested.js';

/**
 * A dataset from plain arrays: xs and ys are arrays with one entry per sample (numbers, arrays, nested
 * arrays or typed arrays). Every row must have the same shape; the data is copied into one Float32Array.
 */
export function fromArrays(xs: readonly NumericData[], ys: readonly NumericData[]): ArrayDataset {
  if (!Array.isArray(xs) || !Array.isArray(ys)) {
    throw new ValueError('fromArrays: expected two arrays with one entry per sample (xs, ys)');
  }
  if (xs.length !== ys.length) {
    throw new ShapeError(`fromArrays: ${xs.length} x rows but ${ys.length} y rows; expected the same number`);
  }
  if (xs.length === 0) throw new ValueError('fromArrays: no samples (xs and ys are empty)');
  const x = packRows('fromArrays: x', xs);
  const y = packRows('fromArrays: y', ys);
  // copyNested already rejected NaN and ±Infinity, naming the row.
  return new ArrayDataset(x.data, [xs.length, ...x.rowShape], y.data, [ys.length, ...y.rowShape],
    { where: 'fromArrays', checkFinite: false });
}

/**
 * A dataset from any iterable of {x, y} samples, a generator for example. The samples are read once and
 * stored in memory.
 */
export function fromIterable(samples: Iterable<{ x: NumericData; y: NumericData }>): ArrayDataset {
  const xs: NumericData[] = [];
  const ys: NumericData[] = [];
  let i = 0;
  for (const sample of samples) {
    if (sample === null || typeof sample !== 'object' || !('x' in sample) || !('y' in sample)) {
      throw new ValueError(`fromIterable: sample ${i} is not an {x, y} object`);
    }
    xs.push(sample.x);
    ys.push(sample.y);
    i++;
  }
  if (xs.length === 0) throw new ValueError('fromIterable: the iterable produced no samples');
  return fromArrays(xs, ys);
}

function packRows(where: string, rows: readonly NumericData[]): { data: Float32Array; rowShape: number[] } {
  const rowShape = shapeOf(`${where} row 0`, rows[0]);
  const rowLength = sizeOfShape(rowShape);
  const data = new Float32Array(rows.length * rowLength);
  for (let i = 0; i < rows.length; i++) copyNested(`${where} row ${i}`, rows[i], rowShape, data, i * rowLength);
  return { data, rowShape };
}

export interface GeneratedDatasetOptions {
  length: number;
  xShape: readonly number[];
  yShape: readonly number[];
  /** Makes sample i on demand. Called again each time the sample is read, so it should be deterministic. */
  generate(index: number): { x: NumericData; y: NumericData };
}

/** A dataset computed on demand: nothing is stored; `generate(i)` runs whenever sample i is read. */
export class GeneratedDataset implements Dataset {
  readonly length: number;
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
  private readonly generate: (index: number) => { x: NumericData; y: NumericData };

  constructor(options: GeneratedDatasetOptions) {
    if (!Number.isInteger(options.length) || options.length < 0) {
      throw new ValueError(`GeneratedDataset: length must be a non-negative integer, got ${options.length}`);
    }
    for (const [name, shape] of [['xShape', options.xShape], ['yShape', options.yShape]] as const) {
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new ShapeError(`GeneratedDataset: ${name} must be an array of non-negative integers`);
      }
    }
    if (typeof options.generate !== 'function') {
      throw new ValueError('GeneratedDataset: generate must be a function (index) => {x, y}');
    }
    this.length = options.length;
    this.xShape = [...options.xShape];
    this.yShape = [...options.yShape];
    this.generate = options.generate;
  }

  get(index: number): Sample {
    checkIndex('GeneratedDataset.get', index, this.length);
    const sample = this.generate(index);
    const where = `GeneratedDataset: sample ${index}`;
    return {
      x: toRow(`${where} x`, sample.x, this.xShape),
      y: toRow(`${where} y`, sample.y, this.yShape),
    };
  }
}

function toRow(where: string, value: NumericData, shape: readonly number[]): Float32Array {
  const out = new Float32Array(sizeOfShape(shape));
  // A flat array (or typed array) of the right length is accepted for any shape.
  const flat = typeof value === 'object' && value.length === out.length && typeof value[0] !== 'object';
  copyNested(where, value, flat ? [out.length] : shape, out, 0);
  return out;
}

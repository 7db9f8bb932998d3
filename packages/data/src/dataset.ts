// Datasets: a length and a way to get sample i as {x, y} Float32Arrays. The in-memory kind keeps all
// samples in one Float32Array for x and one for y and hands out subarray views (no copies), so a big
// dataset such as MNIST is one allocation, whatever the loader or the split does with it.

import { Tensor, ValueError, ShapeError, fmtShape, tensor } from '@nabla/core';
import { checkAllFinite, describe, sizeOfShape } from './checks.js';
import { gatherRows } from './gather.js';

/** One sample. x and y may be views into a larger storage: copy them before writing. */
export interface Sample {
  readonly x: Float32Array;
  readonly y: Float32Array;
}

export interface Dataset {
  readonly length: number;
  /** Shape of one sample's x, e.g. [784]. */
  readonly xShape: readonly number[];
  /** Shape of one sample's y: [] for a class index or a scalar target, [k] for one-hot or k outputs. */
  readonly yShape: readonly number[];
  /** Sample `index`, 0 <= index < length. */
  get(index: number): Sample;
  /**
   * Optional fast path for loaders: copies the samples `indices[start .. start+count)` row after row into
   * x and y (sized count × row length). Datasets over one storage implement it without allocating.
   */
  copyRows?(indices: Uint32Array, start: number, count: number, x: Float32Array, y: Float32Array): void;
  /** True when every value was checked to be finite when the dataset was built (loaders then skip the scan). */
  readonly checkedFinite?: boolean;
}

export function checkIndex(where: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${where}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/**
 * Samples stored row after row in two Float32Arrays: x holds n × size(xShape) values, y n × size(yShape).
 * The arrays are adopted, not copied. Every value is checked to be finite once, here.
 */
export class ArrayDataset implements Dataset {
  readonly checkedFinite = true;
  readonly length: number;
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
  readonly xRowLength: number;
  readonly yRowLength: number;

  constructor(
    readonly x: Float32Array, xShape: readonly number[],
    readonly y: Float32Array, yShape: readonly number[],
    options: { where?: string; checkFinite?: boolean } = {},
  ) {
    const where = options.where ?? 'ArrayDataset';
    if (xShape.length === 0 || yShape.length === 0) {
      throw new ShapeError(`${where}: x and y need a first dimension (the samples); got x ${fmtShape(xShape)}, ` +
        `y ${fmtShape(yShape)}`);
    }
    for (const [name, data, shape] of [['x', x, xShape], ['y', y, yShape]] as const) {
      if (!(data instanceof Float32Array)) {
        throw new ValueError(`${where}: ${name} must be a Float32Array, got ${describe(data)}; use Float32Array.from(${name}), ` +
          'or fromArrays(xs, ys) for nested arrays');
      }
      if (!Array.isArray(shape)) throw new ShapeError(`${where}: ${name} shape must be an array of sizes, got ${describe(shape)}`);
      if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new ShapeError(`${where}: ${name} shape ${fmtShape(shape)} must hold non-negative integers`);
      }
      if (data.length !== sizeOfShape(shape)) {
        throw new ShapeError(`${where}: ${name} has ${data.length} values but shape ${fmtShape(shape)} ` +
          `needs ${sizeOfShape(shape)}`);
      }
    }
    if (xShape[0] !== yShape[0]) {
      throw new ShapeError(`${where}: x has ${xShape[0]} samples (shape ${fmtShape(xShape)}) but y has ` +
        `${yShape[0]} (shape ${fmtShape(yShape)}); expected the same number`);
    }
    this.length = xShape[0];
    this.xShape = xShape.slice(1);
    this.yShape = yShape.slice(1);
    this.xRowLength = sizeOfShape(this.xShape);
    this.yRowLength = sizeOfShape(this.yShape);
    if (options.checkFinite !== false) {
      checkAllFinite(`${where}: x`, x, this.xRowLength);
      checkAllFinite(`${where}: y`, y, this.yRowLength);
    }
  }

  get(index: number): Sample {
    checkIndex('ArrayDataset.get', index, this.length);
    const xs = index * this.xRowLength;
    const ys = index * this.yRowLength;
    return { x: this.x.subarray(xs, xs + this.xRowLength), y: this.y.subarray(ys, ys + this.yRowLength) };
  }

  copyRows(indices: Uint32Array, start: number, count: number, x: Float32Array, y: Float32Array): void {
    const { xRowLength: xr, yRowLength: yr, length } = this;
    for (let r = 0; r < count; r++) {
      const i = indices[start + r];
      if (i >= length) checkIndex('ArrayDataset.copyRows', i, length);
      // Class labels are one value per row: assign it rather than pay for a subarray and a set().
      if (yr === 1) y[r] = this.y[i];
      else y.set(this.y.subarray(i * yr, i * yr + yr), r * yr);
    }
    // The inputs (the bulk of a batch) in one call: the backend's gather where it has one.
    if (xr > 0) gatherRows(this.x, xr, indices, start, count, x);
  }

  /** The whole dataset as two tensors that share this dataset's memory. */
  tensors(): { x: Tensor; y: Tensor } {
    return {
      x: tensor(this.x, [this.length, ...this.xShape]),
      y: tensor(this.y, [this.length, ...this.yShape]),
    };
  }
}

/**
 * A dataset over two tensors whose first dimension is the sample: x [n, ...], y [n, ...]. Contiguous
 * tensors are used in place (their Float32Array is shared, not copied).
 */
export class TensorDataset extends ArrayDataset {
  constructor(x: Tensor, y: Tensor) {
    if (!(x instanceof Tensor) || !(y instanceof Tensor)) {
      throw new ValueError('TensorDataset: expected two tensors (x, y)');
    }
    super(x.data(), x.shape, y.data(), y.shape, { where: 'TensorDataset' });
  }
}

/** The samples of `dataset` at `indices`, in that order; nothing is copied. */
export class Subset implements Dataset {
  readonly indices: Uint32Array;

  get checkedFinite(): boolean {
    return this.dataset.checkedFinite === true;
  }

  constructor(readonly dataset: Dataset, indices: ArrayLike<number>) {
    for (let i = 0; i < indices.length; i++) {
      const v = indices[i];
      if (!Number.isInteger(v) || v < 0 || v >= dataset.length) {
        throw new RangeError(`Subset: indices[${i}] = ${v} is out of range for a dataset of length ` +
          `${dataset.length}`);
      }
    }
    this.indices = Uint32Array.from(indices);
  }

  get length(): number { return this.indices.length; }
  get xShape(): readonly number[] { return this.dataset.xShape; }
  get yShape(): readonly number[] { return this.dataset.yShape; }

  get(index: number): Sample {
    checkIndex('Subset.get', index, this.indices.length);
    return this.dataset.get(this.indices[index]);
  }

  copyRows(indices: Uint32Array, start: number, count: number, x: Float32Array, y: Float32Array): void {
    const parent = new Uint32Array(count);
    for (let r = 0; r < count; r++) {
      const i = indices[start + r];
      if (i >= this.indices.length) checkIndex('Subset.copyRows', i, this.indices.length);
      parent[r] = this.indices[i];
    }
    copySamples('Subset', this.dataset, parent, 0, count, x, y);
  }
}

/**
 * Copies samples `indices[start .. start+count)` of `dataset` row after row into x and y, through the
 * dataset's copyRows fast path when it has one, else sample by sample with a check of each row's size.
 */
export function copySamples(
  where: string, dataset: Dataset, indices: Uint32Array, start: number, count: number, x: Float32Array, y: Float32Array,
): void {
  if (dataset.copyRows) {
    dataset.copyRows(indices, start, count, x, y);
    return;
  }
  const xRow = sizeOfShape(dataset.xShape);
  const yRow = sizeOfShape(dataset.yShape);
  for (let r = 0; r < count; r++) {
    const index = indices[start + r];
    const sample = dataset.get(index) as Sample | readonly unknown[] | null | undefined;
    if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) {
      throw new ValueError(`${where}: get(${index}) returned ${describe(sample)}; a dataset's get(index) returns { x, y }` +
        (Array.isArray(sample) ? ' (an object, not a PyTorch-style [x, y] pair)' : ''));
    }
    const { x: sx, y: sy } = sample as Sample;
    // A class label as a plain number (as a PyTorch dataset returns it) fills a row of one value.
    const xLength = typeof sx === 'number' ? 1 : sx?.length;
    const yLength = typeof sy === 'number' ? 1 : sy?.length;
    if (xLength !== xRow || yLength !== yRow) {
      throw new ShapeError(`${where}: sample ${index} has x of ${xLength ?? describe(sx)} values and y of ${yLength ?? describe(sy)}; ` +
        `the dataset declares x ${fmtShape(dataset.xShape)} (${xRow}) and y ${fmtShape(dataset.yShape)} (${yRow})`);
    }
    if (typeof sx === 'number') x[r * xRow] = sx;
    else x.set(sx, r * xRow);
    if (typeof sy === 'number') y[r * yRow] = sy;
    else y.set(sy, r * yRow);
  }
}

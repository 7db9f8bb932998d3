// Min-max scaling: fitted on training data, maps each feature's [min, max] onto a target range
// (default [0, 1]); applied unchanged to validation and test data, whose values may fall outside.

import { Tensor, ValueError } from '@nabla/core';
import {
  applyAffine, checkFitData, fitLayout, numberArrayField, parseTransformJson, type FitOptions,
} from './affine.js';
import { checkOptions } from '../checks.js';

export interface MinMaxOptions extends FitOptions {
  /** The target range [low, high], low < high. Default [0, 1]. */
  range?: readonly [number, number];
}

export interface MinMaxJson {
  kind: 'minMax';
  perFeature: boolean;
  range: [number, number];
  min: number[];
  max: number[];
}

export class MinMaxScaler {
  private readonly a: Float64Array;
  private readonly b: Float64Array;

  /** Use minMax(x) to fit, or MinMaxScaler.fromJSON to restore. */
  constructor(
    readonly min: readonly number[], readonly max: readonly number[], readonly range: readonly [number, number],
    readonly perFeature: boolean,
  ) {
    checkRange('MinMaxScaler', range);
    if (min.length !== max.length || min.length === 0) {
      throw new ValueError(`MinMaxScaler: min and max need the same non-zero length, got ${min.length} and ` +
        `${max.length}`);
    }
    const [low, high] = range;
    this.a = new Float64Array(min.length);
    this.b = new Float64Array(min.length);
    for (let f = 0; f < min.length; f++) {
      if (!(min[f] <= max[f])) throw new ValueError(`MinMaxScaler: min[${f}] = ${min[f]} > max[${f}] = ${max[f]}`);
      // A constant feature would divide by zero: it maps to `low`, as scikit-learn does.
      const span = max[f] - min[f] || 1;
      this.a[f] = (high - low) / span;
      this.b[f] = low - min[f] * this.a[f];
    }
  }

  get features(): number { return this.min.length; }

  /** Scales x (a tensor [n, ...features], or a Float32Array of whole samples) with the fitted statistics. */
  apply<T extends Tensor | Float32Array>(x: T): T {
    return applyAffine('minMax.apply', x, this.a, this.b);
  }

  /** Undoes apply. */
  invert<T extends Tensor | Float32Array>(y: T): T {
    const { a, b } = this;
    return applyAffine('minMax.invert', y, a.map((v) => 1 / v), b.map((v, f) => -v / a[f]));
  }

  toJSON(): MinMaxJson {
    return { kind: 'minMax', perFeature: this.perFeature, range: [...this.range], min: [...this.min],
      max: [...this.max] };
  }

  /** Restores a scaler from toJSON()'s object or its JSON text. */
  static fromJSON(json: unknown): MinMaxScaler {
    const where = 'MinMaxScaler.fromJSON';
    const obj = parseTransformJson(where, json, 'minMax');
    const range = numberArrayField(where, obj, 'range');
    if (range.length !== 2) throw new ValueError(`${where}: "range" must be [low, high]`);
    return new MinMaxScaler(numberArrayField(where, obj, 'min'), numberArrayField(where, obj, 'max'),
      [range[0], range[1]], obj.perFeature as boolean);
  }
}

/** Fits min-max scaling on x (the training data): per-feature min and max. */
export function minMax(x: Tensor, rawOptions: MinMaxOptions = {}): MinMaxScaler {
  const options = checkOptions('minMax', rawOptions, ['perFeature', 'range'], { feature_range: "scikit-learn's feature_range is range here" });
  const perFeature = options.perFeature ?? true;
  const range = options.range ?? [0, 1];
  checkRange('minMax', range);
  const layout = fitLayout('minMax', x, perFeature);
  const data = x.data();
  checkFitData('minMax', data, layout);
  const min = new Array<number>(layout.features).fill(Infinity);
  const max = new Array<number>(layout.features).fill(-Infinity);
  for (let r = 0; r < layout.rows; r++) {
    const base = r * layout.features;
    for (let f = 0; f < layout.features; f++) {
      const v = data[base + f];
      if (v < min[f]) min[f] = v;
      if (v > max[f]) max[f] = v;
    }
  }
  return new MinMaxScaler(min, max, [range[0], range[1]], perFeature);
}

function checkRange(where: string, range: readonly [number, number]): void {
  if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || !(range[0] < range[1])) {
    throw new ValueError(`${where}: range must be [low, high] with finite low < high, got ${JSON.stringify(range)}`);
  }
}

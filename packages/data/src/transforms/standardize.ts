// Standardization: fitted on training data, subtracts each feature's mean and divides by its standard
// deviation; applied unchanged to validation and test data.

import { Tensor, ValueError } from '@nabla/core';
import {
  applyAffine, checkFitData, fitLayout, numberArrayField, parseTransformJson, type FitOptions,
} from './affine.js';
import { checkOptions } from '../checks.js';

export interface StandardizeJson {
  kind: 'standardize';
  perFeature: boolean;
  mean: number[];
  std: number[];
}

export class StandardScaler {
  private readonly a: Float64Array;
  private readonly b: Float64Array;

  /**
   * Use standardize(x) to fit, or StandardScaler.fromJSON to restore. `std` is the divisor actually used:
   * the population standard deviation, with 1 in place of 0 for a constant feature (as scikit-learn does).
   */
  constructor(readonly mean: readonly number[], readonly std: readonly number[], readonly perFeature: boolean) {
    if (mean.length !== std.length || mean.length === 0) {
      throw new ValueError(`StandardScaler: mean and std need the same non-zero length, got ${mean.length} and ` +
        `${std.length}`);
    }
    this.a = new Float64Array(mean.length);
    this.b = new Float64Array(mean.length);
    for (let f = 0; f < mean.length; f++) {
      if (!(std[f] > 0)) throw new ValueError(`StandardScaler: std[${f}] = ${std[f]}; expected > 0`);
      this.a[f] = 1 / std[f];
      this.b[f] = -mean[f] / std[f];
    }
  }

  get features(): number { return this.mean.length; }

  /** (x - mean) / std for a tensor [n, ...features] or a Float32Array of whole samples. */
  apply<T extends Tensor | Float32Array>(x: T): T {
    return applyAffine('standardize.apply', x, this.a, this.b);
  }

  /** Undoes apply: y * std + mean. */
  invert<T extends Tensor | Float32Array>(y: T): T {
    return applyAffine('standardize.invert', y, Float64Array.from(this.std), Float64Array.from(this.mean));
  }

  toJSON(): StandardizeJson {
    return { kind: 'standardize', perFeature: this.perFeature, mean: [...this.mean], std: [...this.std] };
  }

  /** Restores a scaler from toJSON()'s object or its JSON text. */
  static fromJSON(json: unknown): StandardScaler {
    const where = 'StandardScaler.fromJSON';
    const obj = parseTransformJson(where, json, 'standardize');
    return new StandardScaler(numberArrayField(where, obj, 'mean'), numberArrayField(where, obj, 'std'),
      obj.perFeature as boolean);
  }
}

/** Fits standardization on x (the training data): per-feature mean and population standard deviation. */
export function standardize(x: Tensor, rawOptions: FitOptions = {}): StandardScaler {
  const options = checkOptions('standardize', rawOptions, ['perFeature']);
  const perFeature = options.perFeature ?? true;
  const layout = fitLayout('standardize', x, perFeature);
  const data = x.data();
  const { rows, features } = layout;
  // Two passes in float64 (mean, then squared deviations): accurate even for large, offset data.
  const sum = new Float64Array(features);
  for (let r = 0; r < rows; r++) {
    const base = r * features;
    for (let f = 0; f < features; f++) sum[f] += data[base + f];
  }
  // NaN or ±Infinity in the data makes a sum non-finite (float32 values cannot overflow a float64 sum of
  // fewer than 2^900 of them): only then scan for the culprit, to name its row and feature.
  if (!sum.every(Number.isFinite)) checkFitData('standardize', data, layout);
  const mean = Array.from(sum, (s) => s / rows);
  const sq = new Float64Array(features);
  for (let r = 0; r < rows; r++) {
    const base = r * features;
    for (let f = 0; f < features; f++) {
      const d = data[base + f] - mean[f];
      sq[f] += d * d;
    }
  }
  const std = Array.from(sq, (s) => Math.sqrt(s / rows) || 1);
  return new StandardScaler(mean, std, perFeature);
}

// What minMax and standardize share: statistics per feature (or one for the whole tensor) and an apply
// step that is the per-feature affine map y = x * a[f] + b[f], computed in float64 and stored as float32.

import { Tensor, ShapeError, ValueError, fmtShape, tensor } from '@nabla/core';
import { sizeOfShape } from '../checks.js';

export interface FitOptions {
  /**
   * True (default): one statistic per feature, where a feature is a position in a sample (a column of
   * [n, f], a pixel of [n, 28, 28]). False: one statistic over every value (for images, often preferred).
   */
  perFeature?: boolean;
}

/** Data laid out as `rows` rows of `features` values, for fitting. */
export interface Layout {
  rows: number;
  features: number;
}

export function fitLayout(where: string, x: Tensor, perFeature: boolean): Layout {
  if (!(x instanceof Tensor)) throw new ValueError(`${where}: expected a Tensor to fit on`);
  if (x.size === 0) throw new ValueError(`${where}: cannot fit on an empty tensor (shape ${fmtShape(x.shape)})`);
  if (!perFeature) return { rows: x.size, features: 1 };
  if (x.shape.length === 0) {
    throw new ShapeError(`${where}: perFeature needs a tensor [samples, ...features], got a scalar`);
  }
  return { rows: x.shape[0], features: sizeOfShape(x.shape.slice(1)) };
}

/** Throws, naming row and feature, if `data` holds NaN or ±Infinity. */
export function checkFitData(where: string, data: Float32Array, layout: Layout): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      throw new ValueError(`${where}: cannot fit on ${v} at row ${Math.floor(i / layout.features)}, ` +
        `feature ${i % layout.features}; expected finite numbers`);
    }
  }
}

/**
 * y = x * a[f] + b[f] for every feature f of every row. Applies to tensors of any shape whose values
 * per sample match the fitted feature count (or anything at all, for a global fit: a.length === 1).
 */
export function applyAffine<T extends Tensor | Float32Array>(
  where: string, x: T, a: Float64Array, b: Float64Array,
): T {
  const input = x instanceof Tensor ? x.data() : x;
  if (!(input instanceof Float32Array)) throw new ValueError(`${where}: expected a Tensor or a Float32Array`);
  const features = a.length;
  if (features > 1) checkFeatureCount(where, x, features);
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i += features) {
    for (let f = 0; f < features; f++) out[i + f] = input[i + f] * a[f] + b[f];
  }
  return (x instanceof Tensor ? tensor(out, [...x.shape]) : out) as T;
}

function checkFeatureCount(where: string, x: Tensor | Float32Array, features: number): void {
  if (x instanceof Tensor) {
    const perSample = x.shape.length === 0 ? 1 : sizeOfShape(x.shape.slice(1));
    if (perSample !== features) {
      throw new ShapeError(`${where}: fitted on ${features} features per sample, got a tensor of shape ` +
        `${fmtShape(x.shape)} (${perSample} per sample)`);
    }
  } else if (x.length % features !== 0) {
    throw new ShapeError(`${where}: fitted on ${features} features per sample, got a Float32Array of ` +
      `${x.length} values (not a multiple of ${features})`);
  }
}

/** Reads a field of a parsed JSON object as an array of finite numbers, with a clear error if it is not. */
export function numberArrayField(where: string, obj: Record<string, unknown>, key: string): number[] {
  const value = obj[key];
  if (!Array.isArray(value) || value.length === 0 ||
      !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new ValueError(`${where}: "${key}" must be a non-empty array of finite numbers`);
  }
  return value as number[];
}

/** Parses the JSON text or object handed to a fromJSON, checking it describes a transform of `kind`. */
export function parseTransformJson(where: string, json: unknown, kind: string): Record<string, unknown> {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (err) {
      throw new ValueError(`${where}: not valid JSON (${(err as Error).message})`);
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new ValueError(`${where}: expected a JSON object`);
  }
  const record = obj as Record<string, unknown>;
  if (record.kind !== kind) {
    throw new ValueError(`${where}: "kind" is ${JSON.stringify(record.kind)}, expected "${kind}"`);
  }
  if (typeof record.perFeature !== 'boolean') throw new ValueError(`${where}: "perFeature" must be a boolean`);
  return record;
}

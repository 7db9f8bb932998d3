// Training-mode BatchNorm over x [rows, features]. Rows are walked in memory order with per-feature
// float64 accumulators (never down columns). Variance is the biased one, two-pass (mean first), which
// stays accurate when the mean is large relative to the spread.

import { ValueError } from '@nabla/core';
import { checkDims, checkLength } from './check.js';

type Arrays = Record<string, Float32Array | null>;

function checkShapes(op: string, rows: number, features: number, perElement: Arrays, perFeature: Arrays): void {
  checkDims(op, { rows, features });
  if (rows === 0 && features > 0) throw new ValueError(`${op}: needs at least one row to compute batch statistics`);
  for (const [name, arr] of Object.entries(perElement)) if (arr) checkLength(op, name, arr, rows * features);
  for (const [name, arr] of Object.entries(perFeature)) if (arr) checkLength(op, name, arr, features);
}

export function batchNorm(
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, rows: number, features: number,
  eps: number, y: Float32Array, mean: Float32Array, invStd: Float32Array,
): void {
  checkShapes('batchNorm', rows, features, { x, y }, { gamma, beta, mean, invStd });
  if (!(eps >= 0)) throw new ValueError(`batchNorm: eps must be >= 0, got ${eps}`);
  const mu = new Float64Array(features);
  const sq = new Float64Array(features);
  for (let r = 0, i = 0; r < rows; r++) for (let f = 0; f < features; f++, i++) mu[f]! += x[i]!;
  for (let f = 0; f < features; f++) mu[f]! /= rows;
  for (let r = 0, i = 0; r < rows; r++) {
    for (let f = 0; f < features; f++, i++) { const d = x[i]! - mu[f]!; sq[f]! += d * d; }
  }
  // sq becomes scale = gamma * invStd, mu stays the mean; y = (x - mean) * scale + beta.
  for (let f = 0; f < features; f++) {
    const inv = 1 / Math.sqrt(sq[f]! / rows + eps);
    mean[f] = mu[f]!;
    invStd[f] = inv;
    sq[f] = gamma ? gamma[f]! * inv : inv;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let f = 0; f < features; f++, i++) {
      y[i] = (x[i]! - mu[f]!) * sq[f]! + (beta ? beta[f]! : 0);
    }
  }
}

/**
 * With xhat = (x - mean) * invStd: dbeta = Σ dy, dgamma = Σ dy·xhat, and
 * dx = gamma * invStd / N * (N·dy - Σ dy - xhat · Σ dy·xhat).
 */
export function batchNormBackward(
  x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array, dy: Float32Array,
  rows: number, features: number, dx: Float32Array, dgamma: Float32Array | null, dbeta: Float32Array | null,
): void {
  checkShapes('batchNormBackward', rows, features, { x, dy, dx }, { gamma, mean, invStd, dgamma, dbeta });
  const sumDy = new Float64Array(features);
  const sumDyXhat = new Float64Array(features);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let f = 0; f < features; f++, i++) {
      const g = dy[i]!;
      sumDy[f]! += g;
      sumDyXhat[f]! += g * (x[i]! - mean[f]!) * invStd[f]!;
    }
  }
  for (let f = 0; f < features; f++) {
    if (dbeta) dbeta[f] = sumDy[f]!;
    if (dgamma) dgamma[f] = sumDyXhat[f]!;
    // Turn the sums into per-row means, used below.
    sumDy[f]! /= rows;
    sumDyXhat[f]! /= rows;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let f = 0; f < features; f++, i++) {
      const inv = invStd[f]!;
      const xhat = (x[i]! - mean[f]!) * inv;
      const scale = gamma ? gamma[f]! * inv : inv;
      dx[i] = scale * (dy[i]! - sumDy[f]! - xhat * sumDyXhat[f]!);
    }
  }
}

// Fused activations and their derivatives, and PReLU. One loop per activation, chosen before the loop.

import type { Activation } from '@nabla/core';
import { ValueError } from '@nabla/core';
import { checkDims, checkLength } from './check.js';

/** Logistic function without overflow: exp only ever sees -|x|. */
export function sigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

function unknown(op: string, act: string): never {
  throw new ValueError(`${op}: unknown activation '${act}'`);
}

export function activation(act: Activation, alpha: number, x: Float32Array, y: Float32Array): void {
  applyActivation(act, alpha, x, 0, y, 0, x.length);
}

/** y[yi .. yi+n) = act(x[xi .. xi+n)); shared with `linear`'s epilogue. */
export function applyActivation(
  act: Activation, alpha: number, x: Float32Array, xi: number, y: Float32Array, yi: number, n: number,
): void {
  checkLength(`activation(${act})`, 'y', y, yi + n);
  const end = yi + n;
  switch (act) {
    case 'identity':
      if (x !== y || xi !== yi) y.set(x.subarray(xi, xi + n), yi);
      return;
    case 'sigmoid':
      for (let i = yi; i < end; i++) y[i] = sigmoid(x[xi++]!);
      return;
    case 'tanh':
      for (let i = yi; i < end; i++) y[i] = Math.tanh(x[xi++]!);
      return;
    case 'relu': // `v < 0 ? 0 : v` lets NaN through, as torch.relu does
      for (let i = yi; i < end; i++) { const v = x[xi++]!; y[i] = v < 0 ? 0 : v; }
      return;
    case 'leakyRelu':
      for (let i = yi; i < end; i++) { const v = x[xi++]!; y[i] = v > 0 ? v : alpha * v; }
      return;
    case 'elu':
      for (let i = yi; i < end; i++) { const v = x[xi++]!; y[i] = v > 0 ? v : alpha * Math.expm1(v); }
      return;
    case 'swish':
      for (let i = yi; i < end; i++) { const v = x[xi++]!; y[i] = v * sigmoid(v); }
      return;
    default:
      unknown('activation', act);
  }
}

export function activationBackward(
  act: Activation, alpha: number, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array,
): void {
  const n = x.length;
  const op = `activationBackward(${act})`;
  checkLength(op, 'y', y, n);
  checkLength(op, 'dy', dy, n);
  checkLength(op, 'dx', dx, n);
  switch (act) {
    case 'identity':
      dx.set(dy.subarray(0, n));
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) { const s = y[i]!; dx[i] = dy[i]! * s * (1 - s); }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) { const t = y[i]!; dx[i] = dy[i]! * (1 - t * t); }
      return;
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : alpha * dy[i]!;
      return;
    case 'elu': // alpha * exp(x) rather than y + alpha, which cancels badly for very negative x
      for (let i = 0; i < n; i++) { const v = x[i]!; dx[i] = v > 0 ? dy[i]! : dy[i]! * alpha * Math.exp(v); }
      return;
    case 'swish':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const s = sigmoid(v);
        dx[i] = dy[i]! * (s + v * s * (1 - s));
      }
      return;
    default:
      unknown('activationBackward', act);
  }
}

/** Checks PReLU's shapes and returns the number of rows. */
function preluRows(op: string, x: Float32Array, a: Float32Array, features: number): number {
  checkDims(op, { features });
  if (features === 0) {
    if (x.length > 0) throw new ValueError(`${op}: features=0 but x has ${x.length} elements`);
    return 0;
  }
  if (x.length % features !== 0) {
    throw new ValueError(`${op}: x has ${x.length} elements, not a multiple of features=${features}`);
  }
  if (a.length !== 1 && a.length !== features) {
    throw new ValueError(`${op}: the slope has ${a.length} elements, expected 1 or features=${features}`);
  }
  return x.length / features;
}

export function prelu(x: Float32Array, a: Float32Array, features: number, y: Float32Array): void {
  const rows = preluRows('prelu', x, a, features);
  checkLength('prelu', 'y', y, x.length);
  if (a.length === 1) {
    const s = a[0]!;
    for (let i = 0; i < x.length; i++) { const v = x[i]!; y[i] = v > 0 ? v : s * v; }
    return;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let f = 0; f < features; f++, i++) { const v = x[i]!; y[i] = v > 0 ? v : a[f]! * v; }
  }
}

export function preluBackward(
  x: Float32Array, a: Float32Array, features: number, dy: Float32Array, dx: Float32Array, da: Float32Array,
): void {
  const rows = preluRows('preluBackward', x, a, features);
  checkLength('preluBackward', 'dy', dy, x.length);
  checkLength('preluBackward', 'dx', dx, x.length);
  checkLength('preluBackward', 'da', da, a.length);
  const shared = a.length === 1;
  const acc = new Float64Array(shared ? 1 : features); // float64 sums over the rows
  for (let r = 0, i = 0; r < rows; r++) {
    for (let f = 0; f < features; f++, i++) {
      const v = x[i]!;
      const g = dy[i]!;
      if (v > 0) {
        dx[i] = g;
      } else {
        dx[i] = (shared ? a[0]! : a[f]!) * g;
        acc[shared ? 0 : f]! += v * g;
      }
    }
  }
  for (let f = 0; f < acc.length; f++) da[f] = acc[f]!;
}

// What every loss shares: the reduction option, argument checks with clear messages, and a way to attach a
// hand-written gradient to a value computed without autograd (for the losses whose PyTorch gradient is not
// the derivative of a stable composition, e.g. BCE's clamped logs).

import {
  NablaError, ShapeError, Tensor, ValueError, checkTensor, describeValue, fmtShape, isGradEnabled, record, tensor,
  type NestedArray,
} from '@nabla/core';

export type Reduction = 'mean' | 'sum' | 'none';

/** PyTorch's BCE clamp: logs below -100 (including log 0) count as -100, so losses stay finite. */
export const LOG_FLOOR = -100;
/** Floor of the denominators in hand-written gradients (PyTorch's BCE epsilon), so they stay finite. */
export const GRAD_EPS = 1e-12;


export interface ReductionOptions {
  /** 'mean' (default) averages the per-element losses, 'sum' adds them, 'none' returns them. */
  reduction?: Reduction;
}

export function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction === undefined) return 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.mean();
}

/** What a target may be: a Tensor, or numbers that tensor() takes (nested arrays, typed arrays, int64 too). */
export type TargetLike = Tensor | NestedArray | ArrayLike<number> | BigInt64Array | BigUint64Array;

/**
 * Tensors pass through; what tensor() accepts becomes a tensor (PyTorch's int64 class indices arrive here as a
 * BigInt64Array or an Int32Array).
 */
export function asTensor(op: string, name: string, x: TargetLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' || Array.isArray(x)) return tensor(x as NestedArray);
  if (x instanceof BigInt64Array || x instanceof BigUint64Array) return tensor(Array.from(x, Number));
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return tensor(x as unknown as ArrayLike<number>);
  throw new TypeError(
    `${op}: ${name} must be a Tensor, an array of numbers or a typed array, got ${describeValue(x)}`,
  );
}

/** The prediction (logits, probabilities) must be a tensor: it carries the gradient. */
export function checkPrediction(op: string, name: string, x: unknown): asserts x is Tensor {
  checkTensor(op, name, x);
}

export function checkSameShape(op: string, pred: Tensor, target: Tensor): void {
  if (pred.rank !== target.rank || pred.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${op}: prediction has shape ${fmtShape(pred.shape)} but target has shape ${fmtShape(target.shape)}; they must match`,
    );
  }
}

/** A weight tensor must broadcast to exactly `shape` (it may not enlarge the loss). */
export function checkWeightShape(op: string, name: string, weight: Tensor, shape: readonly number[]): void {
  if (!(weight instanceof Tensor)) throw new NablaError(`${op}: ${name} must be a Tensor`);
  const fits = weight.rank <= shape.length &&
    weight.shape.every((d, i) => d === 1 || d === shape[shape.length - weight.rank + i]);
  if (!fits) {
    throw new ShapeError(
      `${op}: ${name} of shape ${fmtShape(weight.shape)} does not broadcast to the prediction's shape ${fmtShape(shape)}`,
    );
  }
}

/** Every element in [low, high] (NaN fails). `what` describes the allowed values for the message. */
export function checkRange(op: string, name: string, x: Tensor, low: number, high: number, what: string): void {
  const d = x.data();
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= low && v <= high)) throw new ValueError(`${op}: ${name} element ${i} is ${v}, expected ${what}`);
  }
}

/**
 * Makes `out` (computed under noGrad) an autograd node over `inputs`, with `backward` giving each input's
 * gradient, through core's custom-op API (record).
 */
export function withGradient(
  out: Tensor, name: string, inputs: readonly Tensor[], backward: (g: Tensor) => (Tensor | null)[],
): Tensor {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return out;
  return record(out, name, inputs, (g) => backward(g).map((grad, i) => (inputs[i]!.requiresGrad ? grad : null)));
}

// What every loss shares: the reduction option, argument checks with clear messages, and a way to attach a
// hand-written gradient to a value computed without autograd (for the losses whose PyTorch gradient is not
// the derivative of a stable composition, e.g. BCE's clamped logs).

import {
  ShapeError, Tensor, ValueError, checkOptions as checkOptionsObject, checkTensor, describeValue, fmtShape,
  isGradEnabled, record, tensor, type NestedArray,
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

/**
 * Applies the reduction. The mean of nothing is an error rather than PyTorch's NaN: a NaN loss would spread
 * into every parameter at the next step, far from the empty batch that caused it.
 */
export function reduce(op: string, loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (loss.size === 0) {
    throw new ValueError(
      `${op}: reduction 'mean' of an empty batch (losses of shape ${fmtShape(loss.shape)}) is undefined; ` +
      "skip empty batches, or use reduction 'sum' (0 for an empty batch)",
    );
  }
  return loss.mean();
}

/**
 * The options object of a loss: a key the loss does not know (PyTorch's `label_smoothing`, `pos_weight`) is an
 * error, since an ignored option would silently compute a different loss.
 */
export function checkOptions<T extends object>(op: string, options: T | undefined, known: readonly string[]): T {
  return checkOptionsObject(op, options, known, {}, "{ reduction: 'sum' }");
}

/** An optional weight option must be a Tensor (or null), checked where the loss is built. */
export function checkOptionalTensor(op: string, name: string, value: unknown): Tensor | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Tensor)) {
    throw new TypeError(`${op}: ${name} must be a Tensor (or null), got ${describeValue(value)}${Array.isArray(value) ? ' (make one with tensor(...))' : ''}`);
  }
  return value;
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
      `${op}: prediction has shape ${fmtShape(pred.shape)} but target has shape ${fmtShape(target.shape)}; they must match` +
      columnHint(pred.shape, target.shape),
    );
  }
}

/**
 * The usual regression mismatch, a model output [N, 1] against targets [N] (which PyTorch broadcasts to an
 * [N, N] loss with only a warning): say which reshape makes them match.
 */
function columnHint(pred: readonly number[], target: readonly number[]): string {
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
  if (pred.at(-1) === 1 && same(pred.slice(0, -1), target)) return ' (reshape the target with .reshape(-1, 1), or the prediction with .reshape(-1))';
  if (target.at(-1) === 1 && same(target.slice(0, -1), pred)) return ' (reshape the target with .reshape(-1))';
  return '';
}

/** A weight tensor must broadcast to exactly `shape` (it may not enlarge the loss). */
export function checkWeightShape(op: string, name: string, weight: Tensor, shape: readonly number[]): void {
  checkOptionalTensor(op, name, weight);
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

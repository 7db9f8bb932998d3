// Regression losses, composed of core ops (their gradients are the usual derivatives, matching PyTorch's,
// including sign(0) = 0 for MAE and the slope delta beyond |d| = delta for Huber).

import { Tensor, ValueError, abs, describeValue, lt, mul, sub, where } from '@nabla/core';
import {
  asTensor, checkOptions, checkPrediction, checkReduction, checkSameShape, reduce, type ReductionOptions, type TargetLike,
} from './common.js';

function prepare(op: string, pred: Tensor, target: TargetLike): Tensor {
  checkPrediction(op, 'prediction', pred);
  const t = asTensor(op, 'target', target);
  checkSameShape(op, pred, t);
  return sub(pred, t);
}

/** Mean squared error: (pred - target)². */
export function mseLoss(pred: Tensor, target: TargetLike, options: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', checkOptions('mseLoss', options, ['reduction']).reduction);
  const d = prepare('mseLoss', pred, target);
  return reduce('mseLoss', mul(d, d), reduction);
}

/** Mean absolute error: |pred - target| (PyTorch's L1Loss). */
export function maeLoss(pred: Tensor, target: TargetLike, options: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('maeLoss', checkOptions('maeLoss', options, ['reduction']).reduction);
  return reduce('maeLoss', abs(prepare('maeLoss', pred, target)), reduction);
}

export const l1Loss = maeLoss;

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** Huber: 0.5 d² where |d| < delta, else delta * (|d| - delta / 2), with d = pred - target. */
export function huberLoss(pred: Tensor, target: TargetLike, options: HuberOptions = {}): Tensor {
  const o = checkOptions('huberLoss', options, ['reduction', 'delta']);
  const reduction = checkReduction('huberLoss', o.reduction);
  const delta = checkDelta('huberLoss', o.delta ?? 1);
  const d = prepare('huberLoss', pred, target);
  const a = abs(d);
  const quadratic = mul(mul(d, d), 0.5);
  const linear = mul(sub(a, delta / 2), delta);
  return reduce('huberLoss', where(lt(a.detach(), delta), quadratic, linear), reduction);
}

/** Huber's delta: a positive finite number (a string "2" is refused, not compared as a number). */
export function checkDelta(op: string, delta: unknown): number {
  if (typeof delta !== 'number' || !(delta > 0 && Number.isFinite(delta))) {
    throw new ValueError(`${op}: delta must be a positive finite number, got ${typeof delta === 'number' ? delta : describeValue(delta)}`);
  }
  return delta;
}

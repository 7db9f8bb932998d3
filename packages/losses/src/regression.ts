// Regression losses, composed of core ops (their gradients are the usual derivatives, matching PyTorch's,
// including sign(0) = 0 for MAE and the slope delta beyond |d| = delta for Huber).

import { Tensor, ValueError, abs, lt, mul, sub, where } from '@nabla/core';
import {
  asTensor, checkPrediction, checkReduction, checkSameShape, reduce, type ReductionOptions, type TargetLike,
} from './common.js';

function prepare(op: string, pred: Tensor, target: TargetLike): Tensor {
  checkPrediction(op, 'prediction', pred);
  const t = asTensor(op, 'target', target);
  checkSameShape(op, pred, t);
  return sub(pred, t);
}

/** Mean squared error: (pred - target)². */
export function mseLoss(pred: Tensor, target: TargetLike, options: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', options.reduction);
  const d = prepare('mseLoss', pred, target);
  return reduce(mul(d, d), reduction);
}

/** Mean absolute error: |pred - target| (PyTorch's L1Loss). */
export function maeLoss(pred: Tensor, target: TargetLike, options: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('maeLoss', options.reduction);
  return reduce(abs(prepare('maeLoss', pred, target)), reduction);
}

export const l1Loss = maeLoss;

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** Huber: 0.5 d² where |d| < delta, else delta * (|d| - delta / 2), with d = pred - target. */
export function huberLoss(pred: Tensor, target: TargetLike, options: HuberOptions = {}): Tensor {
  const reduction = checkReduction('huberLoss', options.reduction);
  const delta = options.delta ?? 1;
  if (!(delta > 0 && Number.isFinite(delta))) throw new ValueError(`huberLoss: delta must be a positive number, got ${delta}`);
  const d = prepare('huberLoss', pred, target);
  const a = abs(d);
  const quadratic = mul(mul(d, d), 0.5);
  const linear = mul(sub(a, delta / 2), delta);
  return reduce(where(lt(a.detach(), delta), quadratic, linear), reduction);
}

// Binary losses: BCE on probabilities (logs floored at -100 and the gradient as PyTorch computes it),
// BCE on logits (stable form), LogLoss (BCE under the name scikit-learn and Keras use) and hinge.

import {
  Tensor, ValueError, abs, activation, add, clamp, div, eq, exp, ge, log, maximum, mul, neg, noGrad, sub, where,
} from '@nabla/core';
import {
  GRAD_EPS, LOG_FLOOR, asTensor, checkOptions, checkPrediction, checkRange, checkReduction, checkSameShape, checkWeightShape, reduce, withGradient,
  type ReductionOptions, type TargetLike,
} from './common.js';

export interface BCEOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcast to the prediction's shape (PyTorch's `weight`). */
  weight?: Tensor | null;
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of the positive term, broadcast along the last axis (one per class; PyTorch's `pos_weight`). */
  posWeight?: Tensor | null;
}

/** Applies the optional element weights (by autograd's mul, so their gradient is automatic). */
function weighted(op: string, loss: Tensor, weight: Tensor | null | undefined): Tensor {
  if (!weight) return loss;
  checkWeightShape(op, 'weight', weight, loss.shape);
  return mul(loss, weight);
}
function prepare(op: string, pred: Tensor, target: TargetLike): Tensor {
  checkPrediction(op, 'prediction', pred);
  const t = asTensor(op, 'target', target);
  checkSameShape(op, pred, t);
  return t;
}

/**
 * Binary cross-entropy of probabilities p against targets y in [0, 1]:
 * -(y log p + (1 - y) log(1 - p)), each log floored at -100 as PyTorch does, so p = 0 or 1 stays finite.
 */
export function bceLoss(pred: Tensor, target: TargetLike, options: BCEOptions = {}): Tensor {
  return binaryCrossEntropy('bceLoss', pred, target, options);
}

function binaryCrossEntropy(op: string, pred: Tensor, target: TargetLike, rawOptions: BCEOptions): Tensor {
  const options = checkOptions(op, rawOptions, ['reduction', 'weight']);
  const reduction = checkReduction(op, options.reduction);
  const y = prepare(op, pred, target);
  checkRange(op, 'prediction', pred, 0, 1, 'a probability in [0, 1] (use bceWithLogitsLoss for logits)');
  checkRange(op, 'target', y, 0, 1, 'a target in [0, 1]');
  const logP = noGrad(() => maximum(log(pred), LOG_FLOOR));
  const log1mP = noGrad(() => maximum(log(sub(1, pred)), LOG_FLOOR));
  const loss = noGrad(() => neg(add(mul(y, logP), mul(sub(1, y), log1mP))));
  withGradient(loss, op, [pred, y], (g) => [
    // PyTorch's formula: (p - y) / max(p (1 - p), eps).
    pred.requiresGrad ? mul(g, div(sub(pred, y), maximum(mul(pred, sub(1, pred)), GRAD_EPS))) : null,
    y.requiresGrad ? mul(g, sub(log1mP, logP)) : null,
  ]);
  return reduce(op, weighted(op, loss, options.weight), reduction);
}

/** Binary log loss: the same as bceLoss (mean by default). */
export function logLoss(pred: Tensor, target: TargetLike, options: BCEOptions = {}): Tensor {
  return binaryCrossEntropy('logLoss', pred, target, options);
}

/** log(1 + u) for u >= 0, accurate for small u (Goldberg's trick: exact where 1 + u rounds to 1). */
function log1p(u: Tensor): Tensor {
  const w = add(u, 1);
  const v = sub(w, 1);
  return where(eq(v, 0), u, div(mul(log(w), u), where(eq(v, 0), 1, v)));
}

/**
 * Binary cross-entropy on logits x with pos weight w (default 1), stable for any x:
 * -(w y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))), computed as
 * (x >= 0 ? (1 - y) x : -w y x) + (1 + (w - 1) y) log1p(exp(-|x|)); both terms are >= 0, so nothing cancels
 * (with w = 1 this is max(x, 0) - x y + log1p(exp(-|x|))). The gradient is (1 + (w - 1) y) sigmoid(x) - w y.
 */
export function bceWithLogitsLoss(logits: Tensor, target: TargetLike, rawOptions: BCEWithLogitsOptions = {}): Tensor {
  const op = 'bceWithLogitsLoss';
  const options = checkOptions(op, rawOptions, ['reduction', 'weight', 'posWeight']);
  const reduction = checkReduction(op, options.reduction);
  const y = prepare(op, logits, target);
  checkRange(op, 'target', y, 0, 1, 'a target in [0, 1]');
  const posWeight = options.posWeight ?? null;
  if (posWeight) {
    checkWeightShape(op, 'posWeight', posWeight, logits.shape);
    checkRange(op, 'posWeight', posWeight, 0, Infinity, 'a finite non-negative weight');
  }
  const wy = posWeight ? noGrad(() => mul(posWeight, y)) : y; // w y
  const factor = posWeight ? noGrad(() => add(sub(wy, y), 1)) : null; // 1 + (w - 1) y
  const loss = noGrad(() => {
    const linear = where(ge(logits, 0), mul(sub(1, y), logits), neg(mul(wy, logits)));
    const soft = log1p(exp(neg(abs(logits))));
    return add(linear, factor ? mul(factor, soft) : soft);
  });
  withGradient(loss, op, [logits, y], (g) => {
    const s = activation(logits, 'sigmoid');
    // d/dy = -x + (w - 1) softplus(-x), where softplus(-x) = max(-x, 0) + log1p(exp(-|x|)).
    const dTarget = (): Tensor => (posWeight
      ? add(neg(logits), mul(sub(posWeight, 1), add(maximum(neg(logits), 0), log1p(exp(neg(abs(logits)))))))
      : neg(logits));
    return [
      logits.requiresGrad ? mul(g, sub(factor ? mul(factor, s) : s, wy)) : null,
      y.requiresGrad ? mul(g, dTarget()) : null,
    ];
  });
  return reduce(op, weighted(op, loss, options.weight), reduction);
}

/** Hinge loss max(0, 1 - y * pred) for targets y that are -1 or +1. */
export function hingeLoss(pred: Tensor, target: TargetLike, options: ReductionOptions = {}): Tensor {
  const op = 'hingeLoss';
  const reduction = checkReduction(op, checkOptions(op, options, ['reduction']).reduction);
  const y = prepare(op, pred, target);
  const d = y.data();
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== 1 && d[i] !== -1) {
      throw new ValueError(`${op}: target element ${i} is ${d[i]}, expected -1 or +1${d[i] === 0 ? ' (labels 0/1 become -1/+1 as 2 * y - 1)' : ''}`);
    }
  }
  return reduce(op, clamp(sub(1, mul(y, pred)), 0), reduction);
}

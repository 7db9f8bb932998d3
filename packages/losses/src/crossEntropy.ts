// Cross-entropy losses over classes.
// - crossEntropyLoss: logits [N, C] and class indices [N], with core's fused, stable log-softmax +
//   cross-entropy; label smoothing and class weights are composed as PyTorch defines them.
// - categoricalCrossEntropyLoss: probabilities [N, C] and one-hot (or soft) rows [N, C], -sum_k y log p.

import {
  ShapeError, Tensor, ValueError, describeValue, fmtShape, log, logSoftmax, maximum, mul, neg, noGrad, oneHotOf,
  softmaxCrossEntropy, sum,
} from '@nabla/core';
import {
  GRAD_EPS, LOG_FLOOR, asTensor, checkOptionalTensor, checkOptions, checkPrediction, checkRange, checkReduction, checkSameShape, reduce, withGradient,
  type ReductionOptions, type TargetLike,
} from './common.js';

export interface CrossEntropyOptions extends ReductionOptions {
  /** Mix the one-hot target with the uniform distribution: (1 - s) * onehot + s / C (default 0). */
  labelSmoothing?: number;
  /** One non-negative weight per class, shape [C]; 'mean' then divides by the sum of the targets' weights. */
  weight?: Tensor | null;
}

function checkLogitsAndTargets(op: string, logits: Tensor, targets: Tensor): [number, number] {
  if (logits.rank !== 2) {
    throw new ShapeError(`${op}: logits have shape ${fmtShape(logits.shape)}, expected [batch, classes]`);
  }
  const [rows, classes] = logits.shape as [number, number];
  if (targets.rank !== 1 || targets.size !== rows) {
    const column = targets.rank === 2 && targets.shape[0] === rows && targets.shape[1] === 1;
    throw new ShapeError(
      `${op}: targets have shape ${fmtShape(targets.shape)}, expected [${rows}] (one class index per row of the logits)` +
      (column ? ' or [batch, classes] of class probabilities; a column of indices becomes [batch] with .reshape(-1)' : ''),
    );
  }
  const t = targets.data();
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new ValueError(`${op}: target ${i} is ${c}, expected a class index in 0..${classes - 1}`);
    }
  }
  return [rows, classes];
}

function checkSmoothing(op: string, smoothing: unknown): number {
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError(`${op}: labelSmoothing must be a number in [0, 1], got ${typeof smoothing === 'number' ? smoothing : describeValue(smoothing)}`);
  }
  return smoothing;
}

function checkWeight(op: string, weight: Tensor, classes: number): void {
  if (weight.rank !== 1 || weight.size !== classes) {
    throw new ShapeError(`${op}: weight has shape ${fmtShape(weight.shape)}, expected [${classes}] (one per class)`);
  }
  checkRange(op, 'weight', weight, 0, Infinity, 'a finite non-negative class weight');
}

/** Softmax cross-entropy of logits against class indices, as torch.nn.functional.cross_entropy. */
export function crossEntropyLoss(logits: Tensor, targets: TargetLike, rawOptions: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropyLoss';
  const options = checkOptions(op, rawOptions, ['reduction', 'labelSmoothing', 'weight']);
  const reduction = checkReduction(op, options.reduction);
  checkPrediction(op, 'logits', logits);
  const t = asTensor(op, 'targets', targets);
  if (logits.rank === 2 && t.rank === 2 && t.shape[0] === logits.shape[0] && t.shape[1] === logits.shape[1]) {
    return probabilityTargets(op, logits, t, options, reduction);
  }
  const [, classes] = checkLogitsAndTargets(op, logits, t);
  const smoothing = checkSmoothing(op, options.labelSmoothing ?? 0);
  const weight = checkOptionalTensor(op, 'weight', options.weight);
  if (weight) checkWeight(op, weight, classes);

  let nll = softmaxCrossEntropy(logits, t); // [N], fused when the backend has the kernel
  if (!weight && smoothing === 0) return reduce(op, nll, reduction);

  // Weight of each row's target class; 'mean' normalises by their sum (PyTorch's weighted mean).
  const rowWeight = weight ? noGrad(() => sum(mul(oneHotOf(t, classes), weight), 1)) : null;
  if (rowWeight) nll = mul(nll, rowWeight);
  if (rowWeight && reduction === 'mean') checkWeightSum(op, rowWeight, t);
  const meanOf = (perRow: Tensor): Tensor => (rowWeight ? perRow.sum().div(rowWeight.sum()) : reduce(op, perRow, 'mean'));
  const reduceRows = (perRow: Tensor): Tensor => (reduction === 'mean' ? meanOf(perRow) : reduce(op, perRow, reduction));
  if (smoothing === 0) return reduceRows(nll);
  // The smoothing term: -sum_c w_c log p_c per row, reduced the same way, scaled by s / C.
  const logp = logSoftmax(logits, 1);
  const smooth = neg(sum(weight ? mul(logp, weight) : logp, 1));
  return reduceRows(nll).mul(1 - smoothing).add(reduceRows(smooth).mul(smoothing / classes));
}

/**
 * Targets shaped like the logits are class probabilities (one-hot or soft rows), as PyTorch >= 1.10 takes
 * them: per row -sum_c w_c y'_c log softmax(x)_c with y' = (1 - s) y + s / C, and 'mean' divides by the
 * number of rows (not by the weights, unlike class-index targets).
 */
function probabilityTargets(
  op: string, logits: Tensor, y: Tensor, options: CrossEntropyOptions, reduction: 'mean' | 'sum' | 'none',
): Tensor {
  checkRange(op, 'targets', y, 0, 1, 'a class probability in [0, 1] (targets shaped like the logits are probability rows)');
  const classes = logits.shape[1]!;
  const smoothing = checkSmoothing(op, options.labelSmoothing ?? 0);
  const weight = checkOptionalTensor(op, 'weight', options.weight);
  if (weight) checkWeight(op, weight, classes);
  const target = smoothing === 0 ? y : y.mul(1 - smoothing).add(smoothing / classes);
  const weighted = weight ? mul(target, weight) : target;
  return reduce(op, neg(sum(mul(weighted, logSoftmax(logits, 1)), 1)), reduction);
}

/**
 * A weighted mean divides by the sum of the targets' class weights: when that is 0 (every target in a class
 * of weight 0, or no rows) PyTorch returns NaN; this names the cause instead.
 */
function checkWeightSum(op: string, rowWeight: Tensor, targets: Tensor): void {
  if (rowWeight.sum().item() > 0) return;
  const classes = [...new Set(targets.data())].sort((a, b) => a - b);
  throw new ValueError(
    `${op}: reduction 'mean' divides by the sum of the targets' class weights, which is 0 ` +
    `(${classes.length === 0 ? 'an empty batch' : `classes ${classes.join(', ')} all have weight 0`}); use reduction 'sum' for this batch`,
  );
}

/**
 * Categorical cross-entropy of probabilities against one-hot (or soft) targets, per row -sum_k y_k log p_k,
 * as Keras' categorical_crossentropy without its renormalisation. log p is floored at -100 like BCE, and
 * the gradient -y / p uses max(p, 1e-12), so p = 0 gives finite values.
 */
export function categoricalCrossEntropyLoss(
  probs: Tensor, targets: TargetLike, options: ReductionOptions = {},
): Tensor {
  const op = 'categoricalCrossEntropyLoss';
  const reduction = checkReduction(op, checkOptions(op, options, ['reduction']).reduction);
  checkPrediction(op, 'probabilities', probs);
  const y = asTensor(op, 'targets', targets);
  if (probs.rank !== 2) throw new ShapeError(`${op}: probabilities have shape ${fmtShape(probs.shape)}, expected [batch, classes]`);
  if (y.rank === 1 && y.size === probs.shape[0]) {
    throw new ShapeError(
      `${op}: targets have shape ${fmtShape(y.shape)}, one value per row; this loss takes one-hot rows ${fmtShape(probs.shape)}: ` +
      'pass oneHot(targets, classes), or use crossEntropyLoss on the logits with the class indices',
    );
  }
  checkSameShape(op, probs, y);
  checkRange(op, 'probabilities', probs, 0, 1, 'a probability in [0, 1] (use crossEntropyLoss for logits)');
  checkOneHotRows(op, y);
  const logp = noGrad(() => maximum(log(probs), LOG_FLOOR));
  const perRow = noGrad(() => neg(sum(mul(y, logp), 1)));
  withGradient(perRow, op, [probs, y], (g) => {
    const gRow = g.reshape(-1, 1);
    return [
      probs.requiresGrad ? mul(gRow, neg(y).div(maximum(probs, GRAD_EPS))) : null,
      y.requiresGrad ? mul(gRow, neg(logp)) : null,
    ];
  });
  return reduce(op, perRow, reduction);
}

/** Each target row holds values in [0, 1] that sum to 1 (one-hot, or soft labels). */
function checkOneHotRows(op: string, y: Tensor): void {
  const [rows, classes] = y.shape as [number, number];
  const d = y.data();
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < classes; c++) {
      const v = d[r * classes + c]!;
      if (!(v >= 0 && v <= 1)) throw new ValueError(`${op}: target row ${r} has value ${v} at class ${c}, expected values in [0, 1]`);
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) {
      throw new ValueError(`${op}: target row ${r} sums to ${s}, expected 1 (a one-hot or probability row)`);
    }
  }
}

// Metrics: accuracy, top-k accuracy, confusion matrix, MAE and MSE. Each is a plain function of
// (predictions, targets) and a streaming Metric that accumulates over the batches of an epoch.
//
// Classification layouts: predictions [batch, classes] (scores, logits or probabilities: the largest wins)
// against class indices [batch] or one-hot rows [batch, classes]; or one score per sample ([batch] or
// [batch, 1]) against 0/1 (or -1/+1) targets, where a score above `threshold` means the positive class.

import { ShapeError, ValueError, checkTensor, fmtShape, type Tensor } from '@nabla/core';

export interface Metric {
  /** The key in logs and history: 'accuracy', 'top5', 'mae', 'mse'... */
  readonly name: string;
  reset(): void;
  /** Adds one batch and returns that batch's own value. */
  update(pred: Tensor, target: Tensor): number;
  /** The value over every batch since the last reset (NaN before the first batch). */
  result(): number;
}

// The helpers below read tensor memory in place (storage + offset for contiguous tensors) and return plain
// numbers, so a metric update in the training loop allocates nothing.

function values(t: Tensor): Float32Array {
  return t.isContiguous && t.storage instanceof Float32Array ? t.storage : t.data();
}

function base(t: Tensor): number {
  return t.isContiguous && t.storage instanceof Float32Array ? t.offset : 0;
}

/** Classes per row of the predictions; 1 means one score per sample (binary). Checks the targets fit. */
function classesOf(where: string, pred: Tensor, target: Tensor): number {
  if (pred.rank < 1 || pred.rank > 2) {
    throw new ShapeError(`${where}: predictions have shape ${fmtShape(pred.shape)}, expected [batch, classes] or [batch]`);
  }
  const rows = pred.shape[0]!;
  const classes = pred.rank === 2 ? pred.shape[1]! : 1;
  const targetOk = target.shape[0] === rows &&
    (target.rank === 1 || (target.rank === 2 && (target.shape[1] === 1 || target.shape[1] === classes)));
  if (!targetOk) {
    throw new ShapeError(
      `${where}: targets of shape ${fmtShape(target.shape)} do not match predictions of shape ` +
      `${fmtShape(pred.shape)}; expected [${rows}] (class indices) or [${rows}, ${classes}] (one-hot)`,
    );
  }
  return classes;
}

/** True when targets are one-hot rows rather than one class index (or 0/1 label) per row. */
function isOneHot(target: Tensor, classes: number): boolean {
  return classes > 1 && target.rank === 2 && target.shape[1] === classes;
}

function argmaxAt(data: Float32Array, start: number, classes: number): number {
  let best = 0;
  let bestValue = data[start]!;
  for (let c = 1; c < classes; c++) {
    const v = data[start + c]!;
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

function targetClass(target: Tensor, row: number, classes: number, oneHot: boolean, threshold: number): number {
  const t = values(target);
  const o = base(target);
  if (oneHot) return argmaxAt(t, o + row * classes, classes);
  const v = t[o + row]!;
  if (classes === 1) return v > threshold ? 1 : 0;
  if (!Number.isInteger(v) || v < 0 || v >= classes) {
    throw new ValueError(`target ${row} is ${v}, expected a class index in 0..${classes - 1}`);
  }
  return v;
}

function predictedClass(pred: Tensor, row: number, classes: number, threshold: number): number {
  const p = values(pred);
  const o = base(pred);
  return classes === 1 ? (p[o + row]! > threshold ? 1 : 0) : argmaxAt(p, o + row * classes, classes);
}

/** Number of rows whose predicted class is the target class. */
function countCorrect(where: string, pred: Tensor, target: Tensor, threshold: number): number {
  const classes = classesOf(where, pred, target);
  const oneHot = isOneHot(target, classes);
  const rows = pred.shape[0]!;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    if (predictedClass(pred, r, classes, threshold) === targetClass(target, r, classes, oneHot, threshold)) hits++;
  }
  return hits;
}

/** Number of rows whose target class is among the k highest scores (ties count for the target). */
function countTopK(pred: Tensor, target: Tensor, k: number): number {
  const classes = classesOf('topKAccuracy', pred, target);
  if (classes < 2) throw new ShapeError(`topKAccuracy: needs predictions [batch, classes], got ${fmtShape(pred.shape)}`);
  const oneHot = isOneHot(target, classes);
  const p = values(pred);
  const rows = pred.shape[0]!;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const start = base(pred) + r * classes;
    const score = p[start + targetClass(target, r, classes, oneHot, 0.5)]!;
    let above = 0;
    for (let c = 0; c < classes; c++) if (p[start + c]! > score) above++;
    if (above < k) hits++;
  }
  return hits;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`topKAccuracy: k must be a positive integer, got ${k}`);
}

export interface AccuracyOptions {
  /** For one score per sample: a score above this is the positive class. Default 0.5 (probabilities). */
  threshold?: number;
}

/** Fraction of samples whose predicted class is the target class. */
export function accuracy(pred: Tensor, target: Tensor, options: AccuracyOptions = {}): number {
  checkPair('accuracy', pred, target);
  const hits = countCorrect('accuracy', pred, target, options.threshold ?? 0.5);
  return pred.shape[0] === 0 ? NaN : hits / pred.shape[0]!;
}

/** Fraction of samples whose target class is among the k highest-scoring classes. */
export function topKAccuracy(pred: Tensor, target: Tensor, k: number): number {
  checkPair('topKAccuracy', pred, target);
  checkK(k);
  const hits = countTopK(pred, target, k);
  return pred.shape[0] === 0 ? NaN : hits / pred.shape[0]!;
}

/** Predictions and targets are tensors (a metric reads their memory directly). */
function checkPair(where: string, pred: unknown, target: unknown): void {
  checkTensor(where, 'predictions', pred);
  checkTensor(where, 'targets', target);
}

function checkSameSize(where: string, pred: Tensor, target: Tensor): void {
  if (pred.size !== target.size || pred.shape[0] !== target.shape[0]) {
    throw new ShapeError(`${where}: predictions ${fmtShape(pred.shape)} and targets ${fmtShape(target.shape)} ` +
      'must hold the same number of values per sample');
  }
}

/** Sum over all values of |pred - target| (power 1) or (pred - target)² (power 2). */
function errorSum(where: string, pred: Tensor, target: Tensor, power: 1 | 2): number {
  checkSameSize(where, pred, target);
  const p = values(pred);
  const t = values(target);
  const po = base(pred);
  const to = base(target);
  let sum = 0;
  for (let i = 0; i < pred.size; i++) {
    const d = p[po + i]! - t[to + i]!;
    sum += power === 1 ? Math.abs(d) : d * d;
  }
  return sum;
}

export function meanAbsoluteError(pred: Tensor, target: Tensor): number {
  checkPair('meanAbsoluteError', pred, target);
  return pred.size === 0 ? NaN : errorSum('meanAbsoluteError', pred, target, 1) / pred.size;
}

export function meanSquaredError(pred: Tensor, target: Tensor): number {
  checkPair('meanSquaredError', pred, target);
  return pred.size === 0 ? NaN : errorSum('meanSquaredError', pred, target, 2) / pred.size;
}

/**
 * Counts per (true class, predicted class): matrix[t][p]. `classes` defaults to the predictions' columns
 * (2 for one score per sample).
 */
export class ConfusionMatrix {
  readonly counts: Int32Array;

  constructor(readonly classes: number, readonly threshold = 0.5) {
    if (!Number.isInteger(classes) || classes < 2) {
      throw new ValueError(`ConfusionMatrix: classes must be an integer >= 2, got ${classes}`);
    }
    this.counts = new Int32Array(classes * classes);
  }

  update(pred: Tensor, target: Tensor): void {
    const classes = classesOf('ConfusionMatrix', pred, target);
    if ((classes === 1 ? 2 : classes) !== this.classes) {
      throw new ShapeError(`ConfusionMatrix: built for ${this.classes} classes, got predictions ${fmtShape(pred.shape)}`);
    }
    const oneHot = isOneHot(target, classes);
    for (let r = 0; r < pred.shape[0]!; r++) {
      const t = targetClass(target, r, classes, oneHot, this.threshold);
      this.counts[t * this.classes + predictedClass(pred, r, classes, this.threshold)]! += 1;
    }
  }

  reset(): void {
    this.counts.fill(0);
  }

  /** Rows are true classes, columns predicted classes. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let t = 0; t < this.classes; t++) out.push(Array.from(this.counts.subarray(t * this.classes, (t + 1) * this.classes)));
    return out;
  }

  /** Recall of each class: the diagonal over each row's total (NaN for a class never seen). */
  recall(): number[] {
    return this.toArray().map((row, t) => row[t]! / row.reduce((a, b) => a + b, 0));
  }
}

export function confusionMatrix(pred: Tensor, target: Tensor, classes?: number, threshold = 0.5): number[][] {
  checkPair('confusionMatrix', pred, target);
  const n = classes ?? (pred.rank === 2 && pred.shape[1]! > 1 ? pred.shape[1]! : 2);
  const cm = new ConfusionMatrix(n, threshold);
  cm.update(pred, target);
  return cm.toArray();
}

// ---- streaming metrics --------------------------------------------------------------------------------

/** A metric that is a ratio of two running sums (hits / samples, error / values). */
abstract class RatioMetric implements Metric {
  abstract readonly name: string;
  private num = 0;
  private den = 0;

  /** The batch's numerator; its denominator is `denominator(pred)`. */
  protected abstract numerator(pred: Tensor, target: Tensor): number;
  protected abstract denominator(pred: Tensor): number;

  reset(): void {
    this.num = 0;
    this.den = 0;
  }

  update(pred: Tensor, target: Tensor): number {
    const num = this.numerator(pred, target);
    const den = this.denominator(pred);
    this.num += num;
    this.den += den;
    return den === 0 ? NaN : num / den;
  }

  result(): number {
    return this.den === 0 ? NaN : this.num / this.den;
  }
}

export class Accuracy extends RatioMetric {
  readonly name = 'accuracy';
  constructor(private readonly threshold = 0.5) {
    super();
  }
  protected numerator(pred: Tensor, target: Tensor): number {
    return countCorrect('accuracy', pred, target, this.threshold);
  }
  protected denominator(pred: Tensor): number {
    return pred.shape[0]!;
  }
}

export class TopKAccuracy extends RatioMetric {
  readonly name: string;
  constructor(readonly k: number) {
    super();
    checkK(k);
    this.name = `top${k}`;
  }
  protected numerator(pred: Tensor, target: Tensor): number {
    return countTopK(pred, target, this.k);
  }
  protected denominator(pred: Tensor): number {
    return pred.shape[0]!;
  }
}

export class MeanAbsoluteError extends RatioMetric {
  readonly name = 'mae';
  protected numerator(pred: Tensor, target: Tensor): number {
    return errorSum('mae', pred, target, 1);
  }
  protected denominator(pred: Tensor): number {
    return pred.size;
  }
}

export class MeanSquaredError extends RatioMetric {
  readonly name = 'mse';
  protected numerator(pred: Tensor, target: Tensor): number {
    return errorSum('mse', pred, target, 2);
  }
  protected denominator(pred: Tensor): number {
    return pred.size;
  }
}

/** A metric by name ('accuracy' or 'acc', 'top5' or any 'topK', 'mae', 'mse') or a Metric object. */
export type MetricSpec = string | Metric;

export function resolveMetric(spec: MetricSpec): Metric {
  if (typeof spec !== 'string') return spec;
  if (spec === 'accuracy' || spec === 'acc') return new Accuracy();
  if (spec === 'mae') return new MeanAbsoluteError();
  if (spec === 'mse') return new MeanSquaredError();
  const top = /^top(\d+)$/.exec(spec);
  if (top) return new TopKAccuracy(Number(top[1]));
  throw new ValueError(`unknown metric ${JSON.stringify(spec)}; expected 'accuracy', 'topK' (e.g. 'top5'), 'mae', 'mse' or a Metric`);
}

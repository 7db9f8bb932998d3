// Log-softmax + cross-entropy, forward and gradient, one row at a time. The row max is subtracted before
// exp so nothing overflows, and the sum of exps is a float64 accumulator.

import { ValueError } from '@nabla/core';
import { checkDims, checkLength } from './check.js';

function checkTarget(op: string, targets: Float32Array, r: number, classes: number): number {
  const t = targets[r]!;
  if (!Number.isInteger(t) || t < 0 || t >= classes) {
    throw new ValueError(`${op}: target ${t} of row ${r} is not a class index in [0, ${classes})`);
  }
  return t;
}

export function crossEntropy(
  logits: Float32Array, targets: Float32Array, rows: number, classes: number,
  logProbs: Float32Array, loss: Float32Array,
): void {
  checkDims('crossEntropy', { rows, classes });
  checkLength('crossEntropy', 'logits', logits, rows * classes);
  checkLength('crossEntropy', 'targets', targets, rows);
  checkLength('crossEntropy', 'logProbs', logProbs, rows * classes);
  checkLength('crossEntropy', 'loss', loss, rows);
  for (let r = 0; r < rows; r++) {
    const t = checkTarget('crossEntropy', targets, r, classes);
    const start = r * classes;
    const end = start + classes;
    let max = -Infinity;
    for (let i = start; i < end; i++) if (logits[i]! > max) max = logits[i]!;
    let sum = 0;
    for (let i = start; i < end; i++) sum += Math.exp(logits[i]! - max);
    const logSumExp = max + Math.log(sum);
    for (let i = start; i < end; i++) logProbs[i] = logits[i]! - logSumExp;
    loss[r] = -logProbs[start + t]!;
  }
}

export function crossEntropyBackward(
  logProbs: Float32Array, targets: Float32Array, gradLoss: Float32Array, rows: number, classes: number,
  dlogits: Float32Array,
): void {
  checkDims('crossEntropyBackward', { rows, classes });
  checkLength('crossEntropyBackward', 'logProbs', logProbs, rows * classes);
  checkLength('crossEntropyBackward', 'targets', targets, rows);
  checkLength('crossEntropyBackward', 'gradLoss', gradLoss, rows);
  checkLength('crossEntropyBackward', 'dlogits', dlogits, rows * classes);
  for (let r = 0; r < rows; r++) {
    const t = checkTarget('crossEntropyBackward', targets, r, classes);
    const g = gradLoss[r]!;
    const start = r * classes;
    for (let c = 0; c < classes; c++) dlogits[start + c] = g * Math.exp(logProbs[start + c]!);
    dlogits[start + t] = g * (Math.exp(logProbs[start + t]!) - 1);
  }
}

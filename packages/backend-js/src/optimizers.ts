// In-place optimizer steps, element by element as PyTorch's single-tensor (for-loop) implementations
// update them. State arrays are float32 like PyTorch's; each updated state value is read back after it
// is stored, so later formulas see the same rounded value PyTorch's next op would.

import type { AdagradStepArgs, AdamStepArgs, RmspropStepArgs, SgdStepArgs } from '@nabla/core';
import { ValueError } from '@nabla/core';
import { checkLength } from './check.js';

function checkState(op: string, param: Float32Array, arrays: Record<string, Float32Array>): void {
  for (const [name, arr] of Object.entries(arrays)) checkLength(op, name, arr, param.length);
}

export function sgdStep(param: Float32Array, grad: Float32Array, momentumBuf: Float32Array | null, args: SgdStepArgs): void {
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = args;
  checkState('sgdStep', param, { grad });
  if (momentum !== 0 && !momentumBuf) throw new ValueError('sgdStep: momentum is set but no momentum buffer was given');
  if (momentumBuf) checkState('sgdStep', param, { momentumBuf });
  const n = param.length;
  for (let i = 0; i < n; i++) {
    let d = grad[i]!;
    if (weightDecay !== 0) d += weightDecay * param[i]!;
    if (momentum !== 0) {
      const buf = momentumBuf!;
      buf[i] = firstStep ? d : momentum * buf[i]! + (1 - dampening) * d;
      d = nesterov ? d + momentum * buf[i]! : buf[i]!;
    }
    param[i] = param[i]! - lr * d;
  }
}

export function adamStep(
  param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array,
  maxExpAvgSq: Float32Array | null, args: AdamStepArgs,
): void {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, step } = args;
  checkState('adamStep', param, { grad, expAvg, expAvgSq });
  if (!Number.isInteger(step) || step < 1) throw new ValueError(`adamStep: step must be an integer >= 1, got ${step}`);
  if (amsgrad && !maxExpAvgSq) throw new ValueError('adamStep: amsgrad needs the maxExpAvgSq array');
  if (amsgrad) checkState('adamStep', param, { maxExpAvgSq: maxExpAvgSq! });
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  const decay = 1 - lr * weightDecay; // AdamW's multiplicative decay
  const n = param.length;
  for (let i = 0; i < n; i++) {
    let g = grad[i]!;
    if (decoupled) {
      if (weightDecay !== 0) param[i] = param[i]! * decay;
    } else if (weightDecay !== 0) {
      g += weightDecay * param[i]!;
    }
    expAvg[i] = beta1 * expAvg[i]! + (1 - beta1) * g;
    expAvgSq[i] = beta2 * expAvgSq[i]! + (1 - beta2) * g * g;
    let v = expAvgSq[i]!;
    if (amsgrad) {
      const max = maxExpAvgSq!;
      if (v > max[i]!) max[i] = v; else v = max[i]!;
    }
    const denom = Math.sqrt(v) / bc2Sqrt + eps;
    param[i] = param[i]! - stepSize * (expAvg[i]! / denom);
  }
}

export function rmspropStep(
  param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuf: Float32Array | null,
  gradAvg: Float32Array | null, args: RmspropStepArgs,
): void {
  const { lr, alpha, eps, weightDecay, momentum, centered } = args;
  checkState('rmspropStep', param, { grad, squareAvg });
  if (momentum > 0 && !momentumBuf) throw new ValueError('rmspropStep: momentum is set but no momentum buffer was given');
  if (centered && !gradAvg) throw new ValueError('rmspropStep: centered needs the gradAvg array');
  if (momentum > 0) checkState('rmspropStep', param, { momentumBuf: momentumBuf! });
  if (centered) checkState('rmspropStep', param, { gradAvg: gradAvg! });
  const n = param.length;
  for (let i = 0; i < n; i++) {
    let g = grad[i]!;
    if (weightDecay !== 0) g += weightDecay * param[i]!;
    squareAvg[i] = alpha * squareAvg[i]! + (1 - alpha) * g * g;
    let avg: number;
    if (centered) {
      const ga = gradAvg!;
      ga[i] = alpha * ga[i]! + (1 - alpha) * g;
      avg = Math.sqrt(squareAvg[i]! - ga[i]! * ga[i]!) + eps;
    } else {
      avg = Math.sqrt(squareAvg[i]!) + eps;
    }
    if (momentum > 0) {
      const buf = momentumBuf!;
      buf[i] = momentum * buf[i]! + g / avg;
      param[i] = param[i]! - lr * buf[i]!;
    } else {
      param[i] = param[i]! - lr * (g / avg);
    }
  }
}

export function adagradStep(param: Float32Array, grad: Float32Array, stateSum: Float32Array, args: AdagradStepArgs): void {
  const { clr, eps, weightDecay } = args;
  checkState('adagradStep', param, { grad, stateSum });
  const n = param.length;
  for (let i = 0; i < n; i++) {
    let g = grad[i]!;
    if (weightDecay !== 0) g += weightDecay * param[i]!;
    stateSum[i] = stateSum[i]! + g * g;
    param[i] = param[i]! - clr * (g / (Math.sqrt(stateSum[i]!) + eps));
  }
}

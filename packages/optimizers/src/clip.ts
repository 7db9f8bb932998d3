// Gradient clipping (torch.nn.utils.clip_grad_norm_ and clip_grad_value_), in place on the gradients.

import { Tensor, ValueError, fmtShape } from '@nabla/core';

export interface ClipGradNormOptions {
  /** The p of the p-norm: a positive number or Infinity (default 2). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite instead of scaling by it (default false, like PyTorch). */
  errorIfNonfinite?: boolean;
}

/** Parameter gradients that exist, as writable contiguous arrays. */
function gradients(where: string, parameters: Iterable<Tensor> | Tensor): Float32Array[] {
  if (!(parameters instanceof Tensor) &&
      (typeof parameters === 'function' || parameters === null || typeof parameters !== 'object' || !(Symbol.iterator in parameters))) {
    throw new ValueError(`${where}: expected the parameters (model.parameters()), got ${typeof parameters === 'function' ? 'a function (a model, or model.parameters without the call)' : String(parameters)}`);
  }
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  const out: Float32Array[] = [];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(`${where}: parameter ${i} is not a Tensor; pass model.parameters()`);
    const g = p.grad;
    if (g === null) return;
    if (!g.isContiguous) {
      throw new ValueError(`${where}: the gradient of parameter ${i} ${fmtShape(p.shape)} is not contiguous, so it cannot be clipped in place`);
    }
    out.push(g.data());
  });
  return out;
}

/**
 * Scales all gradients together so that their combined norm is at most maxNorm, and returns that total norm
 * (before clipping). As in PyTorch the scale is maxNorm / (total + 1e-6), applied only when it is below 1.
 */
export function clipGradNorm(parameters: Iterable<Tensor> | Tensor, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const normType = options.normType ?? 2;
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new ValueError(`clipGradNorm: maxNorm must be a non-negative number, got ${String(maxNorm)}`);
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new ValueError(`clipGradNorm: normType must be a positive number or Infinity, got ${String(normType)}`);
  }
  const grads = gradients('clipGradNorm', parameters);
  let total = 0;
  if (normType === Infinity) {
    for (const g of grads) for (let i = 0; i < g.length; i++) total = Math.max(total, Math.abs(g[i]!));
    for (const g of grads) for (let i = 0; i < g.length; i++) if (Number.isNaN(g[i]!)) total = NaN;
  } else {
    // PyTorch takes each gradient's norm, then the norm of those norms; summing p-th powers is the same.
    for (const g of grads) for (let i = 0; i < g.length; i++) total += Math.abs(g[i]!) ** normType;
    total = total ** (1 / normType);
  }
  total = Math.fround(total);
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(`clipGradNorm: the total norm of order ${normType} of the gradients is ${total}`);
  }
  const coef = Math.fround(maxNorm / (total + 1e-6));
  if (coef < 1 || Number.isNaN(coef)) {
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  }
  return total;
}

/** Clamps every gradient element to [-clipValue, clipValue] in place. */
export function clipGradValue(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new ValueError(`clipGradValue: clipValue must be a non-negative number, got ${String(clipValue)}`);
  }
  for (const g of gradients('clipGradValue', parameters)) {
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      if (v > clipValue) g[i] = clipValue;
      else if (v < -clipValue) g[i] = -clipValue;
    }
  }
}

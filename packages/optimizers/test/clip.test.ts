// Gradient clipping: the total norm PyTorch returns, in-place scaling, and value clamping.

import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '@nabla/core';
import { clipGradNorm, clipGradValue } from '../src/index.js';

function withGrad(values: number[], grad: number[] | null): Tensor {
  const p = tensor(values, undefined, { requiresGrad: true });
  p.grad = grad ? tensor(grad, undefined, { allowNonFinite: true }) : null;
  return p;
}

describe('clipGradNorm', () => {
  it('returns the 2-norm over all gradients and scales them to maxNorm', () => {
    const a = withGrad([0, 0], [3, 0]);
    const b = withGrad([0], [4]);
    const c = withGrad([0], null);
    const total = clipGradNorm([a, b, c], 1);
    expect(total).toBe(5);
    const coef = Math.fround(1 / (5 + 1e-6));
    expect(Array.from(a.grad!.data())).toEqual([Math.fround(3 * coef), 0]);
    expect(Array.from(b.grad!.data())).toEqual([Math.fround(4 * coef)]);
    expect(c.grad).toBeNull();
  });

  it('leaves gradients alone when the norm is within maxNorm', () => {
    const a = withGrad([0, 0], [0.3, -0.4]);
    expect(clipGradNorm(a, 1)).toBeCloseTo(0.5, 6);
    expect(Array.from(a.grad!.data())).toEqual([Math.fround(0.3), Math.fround(-0.4)]);
  });

  it('supports the infinity norm and other p', () => {
    const a = withGrad([0, 0, 0], [1, -6, 2]);
    expect(clipGradNorm([a], 3, { normType: Infinity })).toBe(6);
    expect(a.grad!.data()[1]).toBeCloseTo(-3, 5);
    const b = withGrad([0, 0], [1, 2]);
    expect(clipGradNorm([b], 100, { normType: 1 })).toBe(3);
  });

  it('NaN gradients give a NaN norm, or an error with errorIfNonfinite', () => {
    expect(clipGradNorm([withGrad([0, 0], [1, NaN])], 1)).toBeNaN();
    expect(() => clipGradNorm([withGrad([0], [Infinity])], 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 of the gradients is Infinity/);
  });

  it('rejects bad arguments', () => {
    const a = withGrad([0], [1]);
    expect(() => clipGradNorm([a], -1)).toThrow(/maxNorm must be a non-negative number, got -1/);
    expect(() => clipGradNorm([a], 1, { normType: 0 })).toThrow(/normType must be a positive number/);
    expect(() => clipGradNorm([a, 5 as never], 1)).toThrow(/parameter 1 is not a Tensor/);
  });
});

describe('clipGradValue', () => {
  it('clamps each element to [-clip, clip]', () => {
    const a = withGrad([0, 0, 0, 0], [-3, -0.5, 0.25, 7]);
    clipGradValue([a], 1);
    expect(Array.from(a.grad!.data())).toEqual([-1, -0.5, 0.25, 1]);
    expect(() => clipGradValue([a], NaN)).toThrow(/clipValue must be a non-negative number/);
  });
});

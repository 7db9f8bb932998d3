// Bad input is a clear error that names the loss and what was wrong.
import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, tensor, zeros } from '@nabla/core';
import {
  BCELoss, CrossEntropyLoss, HuberLoss, MSELoss, bceLoss, bceWithLogitsLoss, categoricalCrossEntropyLoss,
  crossEntropyLoss, hingeLoss, huberLoss, logLoss, maeLoss, mseLoss, type Reduction,
} from '../src/index.js';

describe('loss input checks', () => {
  it('class index out of range, negative or fractional', () => {
    const logits = zeros([3, 4]);
    expect(() => crossEntropyLoss(logits, [0, 4, 1])).toThrow(/crossEntropyLoss: target 1 is 4, expected a class index in 0\.\.3/);
    expect(() => crossEntropyLoss(logits, [0, -1, 1])).toThrow(ValueError);
    expect(() => crossEntropyLoss(logits, [0, 1.5, 1])).toThrow(/target 1 is 1.5/);
  });

  it('cross-entropy shapes, weight and smoothing', () => {
    expect(() => crossEntropyLoss(zeros([3, 4]), [0, 1])).toThrow(/targets have shape \[2\], expected \[3\]/);
    expect(() => crossEntropyLoss(zeros([4]), [0])).toThrow(/logits have shape \[4\], expected \[batch, classes\]/);
    expect(() => crossEntropyLoss(zeros([2, 3]), [0, 1], { weight: tensor([1, 1]) })).toThrow(/weight has shape \[2\], expected \[3\]/);
    expect(() => crossEntropyLoss(zeros([2, 3]), [0, 1], { weight: tensor([1, -1, 1]) })).toThrow(/weight element 1 is -1/);
    expect(() => crossEntropyLoss(zeros([2, 3]), [0, 1], { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be a number in \[0, 1\]/);
  });

  it('hinge targets must be -1 or +1', () => {
    expect(() => hingeLoss(zeros([3]), tensor([1, 0, -1]))).toThrow(/hingeLoss: target element 1 is 0, expected -1 or \+1/);
  });

  it('categorical targets must be rows summing to 1, probabilities in [0, 1]', () => {
    const p = tensor([[0.5, 0.5], [0.2, 0.8]]);
    expect(() => categoricalCrossEntropyLoss(p, tensor([[1, 1], [0, 1]]))).toThrow(/target row 0 sums to 2, expected 1/);
    expect(() => categoricalCrossEntropyLoss(p, tensor([[0, 0], [0, 1]]))).toThrow(/target row 0 sums to 0/);
    expect(() => categoricalCrossEntropyLoss(p, tensor([[1.5, -0.5], [0, 1]]))).toThrow(/has value 1.5 at class 0/);
    expect(() => categoricalCrossEntropyLoss(tensor([[1.2, -0.2], [0, 1]]), tensor([[1, 0], [0, 1]]))).toThrow(/probabilities element 0 is 1.2/);
    expect(() => categoricalCrossEntropyLoss(p, tensor([[1, 0, 0], [0, 1, 0]]))).toThrow(ShapeError);
  });

  it('BCE needs probabilities and targets in [0, 1]', () => {
    expect(() => bceLoss(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(/bceLoss: prediction element 1 is 1.5, expected a probability in \[0, 1\] \(use bceWithLogitsLoss for logits\)/);
    expect(() => logLoss(tensor([0.5, Number.NaN], undefined, { allowNonFinite: true }), tensor([0, 1]))).toThrow(/logLoss: prediction element 1 is NaN/);
    expect(() => bceLoss(tensor([0.5, 0.5]), tensor([0, 2]))).toThrow(/target element 1 is 2/);
    expect(() => bceWithLogitsLoss(tensor([3, -3]), tensor([0, -1]))).toThrow(/bceWithLogitsLoss: target element 1 is -1/);
  });

  it('shape mismatches are errors, not broadcasts', () => {
    for (const f of [mseLoss, maeLoss, huberLoss, bceLoss, bceWithLogitsLoss, hingeLoss, logLoss]) {
      expect(() => f(zeros([4, 1]), zeros([4]))).toThrow(/prediction has shape \[4, 1\] but target has shape \[4\]/);
    }
  });

  it('bad options', () => {
    expect(() => mseLoss(zeros([2]), zeros([2]), { reduction: 'avg' as Reduction })).toThrow(/reduction must be 'mean', 'sum' or 'none', got "avg"/);
    expect(() => new MSELoss({ reduction: 'total' as Reduction })).toThrow(/MSELoss: reduction must be/);
    expect(() => new HuberLoss({ delta: 0 })).toThrow(/delta must be a positive finite number/);
    expect(() => huberLoss(zeros([2]), zeros([2]), { delta: -1 })).toThrow(/delta must be a positive finite number/);
    expect(() => new CrossEntropyLoss({ labelSmoothing: -0.1 })).toThrow(/labelSmoothing must be a number in \[0, 1\]/);
  });

  it('a prediction that is not a tensor', () => {
    expect(() => new BCELoss()([0.5] as never, [1])).toThrow(/prediction must be a Tensor/);
  });
});

// The loss classes: callable, defaulting to 'mean', the same values as the functions, arrays as targets.
import '@nabla/backend-js';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tensor } from '@nabla/core';
import {
  BCELoss, BCEWithLogitsLoss, CategoricalCrossEntropyLoss, CrossEntropyLoss, HingeLoss, HuberLoss, L1Loss, LogLoss,
  MAELoss, MSELoss, crossEntropyLoss, mseLoss,
} from '../src/index.js';

describe('loss classes', () => {
  it('are callable and equal to forward and to the function', () => {
    const pred = tensor([[1, 2], [3, 5]]);
    const target = tensor([[1, 1], [1, 1]]);
    const loss = new MSELoss();
    expect(loss.reduction).toBe('mean');
    expect(loss(pred, target).item()).toBe(loss.forward(pred, target).item());
    expect(loss(pred, target).item()).toBe(mseLoss(pred, target).item());
    expect(loss(pred, target).item()).toBeCloseTo((0 + 1 + 4 + 16) / 4, 6);
    expect(new MSELoss({ reduction: 'sum' })(pred, target).item()).toBe(21);
    expect(new MSELoss({ reduction: 'none' })(pred, target).shape).toEqual([2, 2]);
  });

  it('L1Loss is MAELoss; HuberLoss keeps delta; toString shows the reduction', () => {
    const pred = tensor([0, 3]);
    const target = tensor([1, 0]);
    expect(new L1Loss()(pred, target).item()).toBe(new MAELoss()(pred, target).item());
    expect(new L1Loss()).toBeInstanceOf(MAELoss);
    // |d| = 1 and 3 with delta 2: 0.5 * 1 and 2 * (3 - 1).
    expect(new HuberLoss({ delta: 2, reduction: 'none' })(pred, target).toArray()).toEqual([0.5, 4]);
    expect(String(new HingeLoss({ reduction: 'sum' }))).toBe("HingeLoss(reduction='sum')");
    expect(inspect(new L1Loss())).toBe("L1Loss(reduction='mean')");
  });

  it('cross-entropy takes class indices as an array; the class matches the function', () => {
    const logits = tensor([[2, 1, 0], [0, 0, 3]]);
    const ce = new CrossEntropyLoss({ labelSmoothing: 0.1 });
    expect(ce(logits, [0, 2]).item()).toBeCloseTo(crossEntropyLoss(logits, tensor([0, 2]), { labelSmoothing: 0.1 }).item(), 7);
  });

  it('every class trains: its gradient moves the prediction towards the target', () => {
    const cases = [
      [new MSELoss(), tensor([0.2, 0.8]), tensor([1, 0])],
      [new MAELoss(), tensor([0.2, 0.8]), tensor([1, 0])],
      [new HuberLoss(), tensor([0.2, 0.8]), tensor([1, 0])],
      [new BCELoss(), tensor([0.2, 0.8]), tensor([1, 0])],
      [new LogLoss(), tensor([0.2, 0.8]), tensor([1, 0])],
      [new BCEWithLogitsLoss(), tensor([-1, 1]), tensor([1, 0])],
      [new HingeLoss(), tensor([-0.5, 0.5]), tensor([1, -1])],
      [new CategoricalCrossEntropyLoss(), tensor([[0.2, 0.8]]), tensor([[1, 0]])],
    ] as const;
    for (const [loss, p, t] of cases) {
      const pred = p.detach().requiresGrad_();
      const before = loss(pred, t).item();
      loss(pred, t).backward();
      const stepped = tensor(pred.data().map((v, i) => v - 0.05 * pred.grad!.data()[i]!), pred.shape);
      expect(loss(stepped, t).item(), loss.constructor.name).toBeLessThan(before);
    }
  });
});

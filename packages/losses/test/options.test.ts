// Options a PyTorch user would spell differently, option values of the wrong kind, and reductions that have no
// value (the mean of nothing) are errors naming the loss, never an ignored option or a NaN loss.
import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { ValueError, tensor, zeros } from '@nabla/core';
import {
  BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, LogLoss, MSELoss, bceLoss, bceWithLogitsLoss,
  categoricalCrossEntropyLoss, crossEntropyLoss, hingeLoss, huberLoss, maeLoss, mseLoss,
} from '../src/index.js';

const empty = (): ReturnType<typeof tensor> => tensor(new Float32Array(0), [0]);

describe('loss options', () => {
  it('an unknown option is an error, with the camelCase name when it is a snake_case spelling', () => {
    expect(() => new CrossEntropyLoss({ label_smoothing: 0.1 } as never)).toThrow(/CrossEntropyLoss: unknown option 'label_smoothing' \(did you mean 'labelSmoothing'\?\)/);
    expect(() => new BCEWithLogitsLoss({ pos_weight: tensor([2]) } as never)).toThrow(/unknown option 'pos_weight' \(did you mean 'posWeight'\?\)/);
    expect(() => new HuberLoss({ beta: 2 } as never)).toThrow(/HuberLoss: unknown option 'beta'; known options: reduction, delta/);
    expect(() => new MSELoss({ size_average: false } as never)).toThrow(/MSELoss: unknown option 'size_average'; known options: reduction/);
    expect(() => new LogLoss({ posWeight: tensor([1]) } as never)).toThrow(/LogLoss: unknown option 'posWeight'/);
    expect(() => crossEntropyLoss(zeros([2, 3]), [0, 1], { ignore_index: 0 } as never)).toThrow(/crossEntropyLoss: unknown option 'ignore_index'/);
    expect(() => bceWithLogitsLoss(zeros([2]), [0, 1], { pos_weight: tensor([1]) } as never)).toThrow(/did you mean 'posWeight'/);
    expect(() => huberLoss(zeros([2]), [0, 1], { delta: 1, beta: 1 } as never)).toThrow(/huberLoss: unknown option 'beta'/);
    expect(() => hingeLoss(zeros([2]), [1, -1], { margin: 1 } as never)).toThrow(/hingeLoss: unknown option 'margin'/);
  });

  it('options that are not an object, and option values of the wrong kind', () => {
    expect(() => mseLoss(zeros([2]), [0, 1], null as never)).toThrow(/mseLoss: options must be an object such as \{ reduction: 'sum' \}, got null/);
    expect(() => new MSELoss('sum' as never)).toThrow(/MSELoss: options must be an object .*got a string \("sum"\)/);
    expect(() => new CrossEntropyLoss({ weight: [1, 2, 3] as never })).toThrow(/CrossEntropyLoss: weight must be a Tensor \(or null\), got an array of length 3 \(make one with tensor/);
    expect(() => crossEntropyLoss(zeros([2, 3]), [0, 1], { weight: [1, 2, 3] as never })).toThrow(TypeError);
    expect(() => new BCELoss({ weight: 2 as never })).toThrow(/BCELoss: weight must be a Tensor \(or null\), got the number 2/);
    expect(() => new BCEWithLogitsLoss({ posWeight: [2] as never })).toThrow(/posWeight must be a Tensor/);
    expect(() => new HuberLoss({ delta: '2' as never })).toThrow(/HuberLoss: delta must be a positive finite number, got a string \("2"\)/);
    expect(() => new CrossEntropyLoss({ labelSmoothing: '0.1' as never })).toThrow(/labelSmoothing must be a number in \[0, 1\], got a string/);
    expect(() => crossEntropyLoss(zeros([2, 3]), [0, 1], { labelSmoothing: '0.1' as never })).toThrow(/labelSmoothing must be a number/);
  });

  it("reduction 'mean' of an empty batch is an error ('sum' is 0, 'none' is empty)", () => {
    const cases: [string, () => unknown][] = [
      ['mseLoss', () => mseLoss(empty(), empty())],
      ['maeLoss', () => maeLoss(empty(), empty())],
      ['huberLoss', () => huberLoss(empty(), empty())],
      ['bceLoss', () => bceLoss(empty(), empty())],
      ['bceWithLogitsLoss', () => bceWithLogitsLoss(empty(), empty())],
      ['hingeLoss', () => hingeLoss(empty(), empty())],
      ['crossEntropyLoss', () => crossEntropyLoss(zeros([0, 3]), empty())],
      ['crossEntropyLoss', () => crossEntropyLoss(zeros([0, 3]), empty(), { labelSmoothing: 0.1 })],
      ['categoricalCrossEntropyLoss', () => categoricalCrossEntropyLoss(zeros([0, 3]), zeros([0, 3]))],
    ];
    for (const [name, run] of cases) {
      expect(run).toThrow(ValueError);
      expect(run).toThrow(new RegExp(`^${name}: reduction 'mean' of an empty batch \\(losses of shape \\[0\\]\\) is undefined`));
    }
    expect(mseLoss(empty(), empty(), { reduction: 'sum' }).item()).toBe(0);
    expect(crossEntropyLoss(zeros([0, 3]), empty(), { reduction: 'none' }).shape).toEqual([0]);
  });

  it("a weighted 'mean' whose targets all have class weight 0 is an error, not 0 / 0", () => {
    const ce = new CrossEntropyLoss({ weight: tensor([0, 0, 1]) });
    expect(() => ce(tensor([[1, 2, 3], [0, 1, 0]]), [0, 1])).toThrow(/reduction 'mean' divides by the sum of the targets' class weights, which is 0 \(classes 0, 1 all have weight 0\)/);
    expect(() => crossEntropyLoss(zeros([0, 3]), empty(), { weight: tensor([1, 1, 1]) })).toThrow(/which is 0 \(an empty batch\)/);
    expect(Number.isFinite(ce(tensor([[1, 2, 3], [0, 1, 0]]), [2, 1]).item())).toBe(true);
    expect(new CrossEntropyLoss({ weight: tensor([0, 0, 1]), reduction: 'sum' })(tensor([[1, 2, 3]]), [0]).item()).toBe(0);
  });
});

describe('shape and label hints', () => {
  it('a column of predictions against a flat target says which reshape makes them match', () => {
    expect(() => mseLoss(zeros([3, 1]), [1, 2, 3])).toThrow(/mseLoss: prediction has shape \[3, 1\] but target has shape \[3\]; they must match \(reshape the target with \.reshape\(-1, 1\), or the prediction with \.reshape\(-1\)\)/);
    expect(() => bceLoss(zeros([3]), [[1], [0], [1]])).toThrow(/\(reshape the target with \.reshape\(-1\)\)/);
    expect(() => maeLoss(zeros([3, 2]), [1, 2, 3])).toThrow(/they must match$/);
  });

  it('hinge targets 0/1 say how to make them -1/+1', () => {
    expect(() => hingeLoss(zeros([2]), [1, 0])).toThrow(/hingeLoss: target element 1 is 0, expected -1 or \+1 \(labels 0\/1 become -1\/\+1 as 2 \* y - 1\)/);
  });
});

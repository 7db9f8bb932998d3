// Bad input is a clear error naming the layer and what was wrong.
import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, tensor, zeros } from '@nabla/core';
import { BatchNorm1d, ELU, LeakyReLU, Linear, type Module, PReLU, Sequential } from '../src/index.js';

describe('layer input checks', () => {
  it('BatchNorm1d: a batch of one in training, wrong feature count, bad options', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn(zeros([1, 3]))).toThrow(ValueError);
    expect(() => bn(zeros([1, 3]))).toThrow(/BatchNorm1d: training needs more than one value per feature.*shape \[1, 3\]; use a batch of 2 or more, or call eval\(\)/);
    expect(() => bn(zeros([1, 3, 1]))).toThrow(/more than one value per feature/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(() => bn(zeros([4, 2]))).toThrow(ShapeError);
    expect(() => bn(zeros([4, 2]))).toThrow(/BatchNorm1d\(3\): input has shape \[4, 2\], expected \[batch, 3\] or \[batch, 3, length\]/);
    expect(() => bn(zeros([3]))).toThrow(/input has shape \[3\]/);
    expect(() => new BatchNorm1d(0)).toThrow(/numFeatures must be a positive integer, got 0/);
    expect(() => new BatchNorm1d(2, { eps: 0 })).toThrow(/eps must be positive/);
    expect(() => new BatchNorm1d(2, { momentum: 2 })).toThrow(/momentum must be in \[0, 1\] or null, got 2/);
  });

  it('Linear: wrong input width and bad sizes', () => {
    const lin = new Linear(4, 2);
    expect(() => lin(zeros([3, 5]))).toThrow(/linear: input has shape \[3, 5\], expected \[rows, 4\]/);
    expect(() => new Linear(0, 2)).toThrow(/Linear: inFeatures must be a positive integer, got 0/);
    expect(() => new Linear(2, 1.5)).toThrow(/outFeatures must be a positive integer, got 1.5/);
    expect(() => new Linear('3' as never, 2)).toThrow(/inFeatures must be a positive integer, got a string \("3"\)/);
  });

  it('PReLU with per-feature slopes needs that many features on axis 1', () => {
    expect(() => new PReLU({ numParameters: 3 })(zeros([2, 4]))).toThrow(/PReLU: input of shape \[2, 4\] needs 3 features on axis 1/);
    expect(() => new PReLU({ numParameters: 0 })).toThrow(/numParameters must be a positive integer/);
  });

  it('activation options must be finite numbers', () => {
    expect(() => new LeakyReLU({ alpha: Number.NaN })).toThrow(/LeakyReLU: alpha must be a finite number, got NaN/);
    expect(() => new ELU({ alpha: Infinity })).toThrow(/ELU: alpha must be a finite number/);
  });

  it('Sequential rejects what is not a module and indexes in range', () => {
    expect(() => new Sequential(new Linear(2, 2), {} as Module)).toThrow(/Sequential.add: argument 1 is not a Module/);
    expect(() => new Sequential().at(0)).toThrow(/Sequential.at\(0\): index out of range for 0 modules/);
  });

  it('loadStateDict rejects values that are not tensors and bad dict types', () => {
    const lin = new Linear(1, 1);
    expect(() => lin.loadStateDict({ weight: [[1]] as never, bias: tensor([0]) })).toThrow(/'weight' is an array of length 1, expected a Tensor/);
    expect(() => lin.loadStateDict(null as never)).toThrow(/expected a Map or an object of tensors, got null/);
  });
});

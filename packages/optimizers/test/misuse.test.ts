// What a PyTorch user gets wrong: passing the model (or its parameters method) instead of the parameters, an
// RMSprop decay that makes its running average negative, a state dict from a model whose parameters have the
// same sizes but other shapes. Each is an error naming the cause.
import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, zeros } from '@nabla/core';
import { Adam, RMSprop, SGD } from '../src/index.js';

function param(shape: number[]): Tensor {
  return zeros(shape).requiresGrad_();
}

describe('optimizer misuse', () => {
  it('a function where parameters are expected says to call model.parameters()', () => {
    const model = Object.assign(() => null, { parameters: (): Tensor[] => [param([2])] });
    expect(() => new SGD(model as never, 0.1)).toThrow(/SGD: params must be an iterable .*got a function \(pass model\.parameters\(\), with the call/);
    expect(() => new Adam(model.parameters as never)).toThrow(/Adam: params .*got a function/);
  });

  it('named parameters or a state dict where parameters are expected say to pass model.parameters()', () => {
    const named: [string, Tensor][] = [['0.weight', param([2])], ['0.bias', param([1])]];
    expect(() => new SGD(named as never, 0.1)).toThrow(/SGD: param group 0: got the pair \['0\.weight', Tensor\]; pass model\.parameters\(\)/);
    expect(() => new SGD(new Map(named) as never, 0.1)).toThrow(/got the pair \['0\.weight', Tensor\]/);
  });

  it('RMSprop alpha above 1 is an error: the running average of g² would turn negative and the step NaN', () => {
    expect(() => new RMSprop([param([2])], { alpha: 1.5 })).toThrow(/RMSprop: alpha must be in \[0, 1\] \(the decay of the running average of g²\), got 1.5/);
    const w = param([2]);
    const opt = new RMSprop([w], { alpha: 1, lr: 0.01 });
    w.grad = tensor([1, -1]);
    opt.step();
    expect(Array.from(w.data()).every(Number.isFinite)).toBe(true);
  });

  it('optimizer state of another shape with the same number of elements is refused', () => {
    const w = param([2, 3]);
    const opt = new Adam([w], 0.1);
    w.grad = zeros([2, 3]).add(1);
    opt.step();
    const other = new Adam([param([3, 2])], 0.1);
    expect(() => other.loadStateDict(opt.stateDict())).toThrow(/state 0: 'exp_avg' has shape \[2, 3\], the parameter has shape \[3, 2\]/);
  });
});

describe('gradient clipping misuse', () => {
  it('a model or its parameters method instead of the parameters says to call parameters()', async () => {
    const { clipGradNorm, clipGradValue } = await import('../src/index.js');
    const model = Object.assign(() => null, { parameters: (): Tensor[] => [param([2])] });
    expect(() => clipGradNorm(model as never, 1)).toThrow(/clipGradNorm: expected the parameters \(model\.parameters\(\)\), got a function/);
    expect(() => clipGradValue([[1, 2]] as never, 1)).toThrow(/clipGradValue: parameter 0 is not a Tensor; pass model\.parameters\(\)/);
    const w = param([2]);
    w.grad = tensor([3, 4]);
    expect(clipGradNorm(w, 1)).toBeCloseTo(5);
  });
});

describe("Keras' option names", () => {
  it('name ours', () => {
    expect(() => new Adam([param([2])], { learning_rate: 0.01 } as never)).toThrow(/Adam: unknown option 'learning_rate' \(did you mean 'lr'\?\)/);
    expect(() => new Adam([param([2])], { learningRate: 0.01 } as never)).toThrow(/did you mean 'lr'\?/);
    expect(() => new Adam([param([2])], { epsilon: 1e-7 } as never)).toThrow(/did you mean 'eps'\?/);
    expect(() => new Adam([param([2])], { beta_1: 0.8 } as never)).toThrow(/did you mean 'betas'\?/);
    expect(() => new RMSprop([param([2])], { rho: 0.9 } as never)).toThrow(/did you mean 'alpha'\?/);
    expect(() => new SGD([param([2])], { rho: 0.9 } as never)).toThrow(/unknown option 'rho'; known options/);
  });
});

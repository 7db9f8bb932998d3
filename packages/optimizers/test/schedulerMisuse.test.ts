// Schedulers built the PyTorch way: the one required value positionally (StepLR(opt, 10)), PyTorch's option
// names (T_max, step_size), and options that are not an object.
import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { zeros } from '@nabla/core';
import { CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, ReduceLROnPlateau, SGD, StepLR } from '../src/index.js';

const optimizer = (): SGD => new SGD([zeros([2]).requiresGrad_()], 0.1);

describe('scheduler arguments', () => {
  it('take their required value positionally, as PyTorch does', () => {
    expect(new StepLR(optimizer(), 3).stepSize).toBe(3);
    expect(new ExponentialLR(optimizer(), 0.5).gamma).toBe(0.5);
    expect(new CosineAnnealingLR(optimizer(), 10).tMax).toBe(10);
    expect(new MultiStepLR(optimizer(), [5, 2]).milestones).toEqual([2, 5]);
    const opt = optimizer();
    const s = new StepLR(opt, 1);
    s.step();
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.01);
  });

  it("name PyTorch's spellings and refuse options that are not an object", () => {
    expect(() => new CosineAnnealingLR(optimizer(), { T_max: 10 } as never)).toThrow(/CosineAnnealingLR: unknown option 'T_max' \(did you mean 'tMax'\?\)/);
    expect(() => new CosineAnnealingLR(optimizer(), { tMax: 10, eta_min: 0 } as never)).toThrow(/did you mean 'etaMin'\?/);
    expect(() => new StepLR(optimizer(), null as never)).toThrow(/StepLR: options must be an object such as \{ stepSize: \.\.\. \}, got null/);
    expect(() => new StepLR(optimizer(), '3' as never)).toThrow(/StepLR: options must be an object/);
    expect(() => new ReduceLROnPlateau(optimizer(), 'max' as never)).toThrow(/ReduceLROnPlateau: options must be an object such as \{ mode: 'max', patience: 5 \}, got 'max'/);
    expect(() => new LinearLR(optimizer(), null as never)).toThrow(/LinearLR: options must be an object/);
  });
});

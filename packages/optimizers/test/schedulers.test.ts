// Learning-rate schedulers against PyTorch's formulas: the value the scheduler sets by recursion after each
// step must equal the closed form written out here (not the class's own closedFormLr).

import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { ValueError, tensor } from '@nabla/core';
import {
  CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, ReduceLROnPlateau, SGD, SequentialLR, StepLR,
} from '../src/index.js';

function sgd(lr = 1, groups = 1): SGD {
  return new SGD(Array.from({ length: groups }, (_, i) => ({ params: [tensor([1], undefined, { requiresGrad: true })], lr: lr * (i + 1) })));
}

/** The lr of group 0 at epochs 0..n-1 (epoch 0 is set by the constructor). */
function trace(opt: SGD, scheduler: { step(): void }, n: number): number[] {
  const out = [opt.paramGroups[0]!.lr];
  for (let i = 1; i < n; i++) {
    scheduler.step();
    out.push(opt.paramGroups[0]!.lr);
  }
  return out;
}

function expectClose(actual: number[], expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a, `epoch ${i}`).toBeCloseTo(expected[i]!, digits));
}

describe('StepLR, MultiStepLR, ExponentialLR', () => {
  it('StepLR: base * gamma^floor(t / stepSize)', () => {
    const opt = sgd(0.5);
    const s = new StepLR(opt, { stepSize: 3, gamma: 0.1 });
    expectClose(trace(opt, s, 10), Array.from({ length: 10 }, (_, t) => 0.5 * 0.1 ** Math.floor(t / 3)));
    expect(s.getLastLr()).toEqual([opt.paramGroups[0]!.lr]);
  });

  it('MultiStepLR: base * gamma^(milestones passed), repeated milestones count twice', () => {
    const opt = sgd(0.05);
    const s = new MultiStepLR(opt, { milestones: [6, 3, 6], gamma: 0.5 });
    const passed = (t: number) => [3, 6, 6].filter((m) => m <= t).length;
    expectClose(trace(opt, s, 9), Array.from({ length: 9 }, (_, t) => 0.05 * 0.5 ** passed(t)));
  });

  it('ExponentialLR: base * gamma^t, for every group', () => {
    const opt = sgd(0.1, 2);
    const s = new ExponentialLR(opt, { gamma: 0.9 });
    expectClose(trace(opt, s, 8), Array.from({ length: 8 }, (_, t) => 0.1 * 0.9 ** t));
    expectClose(s.getLastLr(), [0.1 * 0.9 ** 7, 0.2 * 0.9 ** 7]);
  });
});

describe('CosineAnnealingLR', () => {
  it.each([[10, 0], [7, 0.01], [1, 0.2]])('tMax %d, etaMin %d: recursion equals the closed form for 3 periods', (tMax, etaMin) => {
    const base = 0.4;
    const opt = sgd(base);
    const s = new CosineAnnealingLR(opt, { tMax, etaMin });
    const n = 6 * tMax + 1;
    const closed = Array.from({ length: n }, (_, t) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2);
    expectClose(trace(opt, s, n), closed, 10);
  });

  it('resumes at lastEpoch from the closed form', () => {
    const opt = sgd(1);
    new CosineAnnealingLR(opt, { tMax: 10 });
    const resumed = new CosineAnnealingLR(opt, { tMax: 10, lastEpoch: 3 });
    expect(opt.paramGroups[0]!.lr).toBeCloseTo((1 + Math.cos((Math.PI * 4) / 10)) / 2, 12);
    resumed.step();
    expect(opt.paramGroups[0]!.lr).toBeCloseTo((1 + Math.cos((Math.PI * 5) / 10)) / 2, 12);
  });
});

describe('LinearLR and SequentialLR', () => {
  it('LinearLR: base * (start + (end - start) * min(t, total) / total)', () => {
    const opt = sgd(0.05);
    const s = new LinearLR(opt, { startFactor: 0.5, totalIters: 4 });
    expectClose(trace(opt, s, 8), [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05, 0.05]);
    const opt2 = sgd(2);
    const down = new LinearLR(opt2, { startFactor: 1, endFactor: 0.25, totalIters: 3 });
    expectClose(trace(opt2, down, 6), [2, 1.5, 1, 0.5, 0.5, 0.5]);
  });

  it('SequentialLR: warm-up then cosine, each restarting at its milestone', () => {
    const opt = sgd(1);
    const warmup = new LinearLR(opt, { startFactor: 0.25, totalIters: 3 });
    const cosine = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.1 });
    const s = new SequentialLR(opt, [warmup, cosine], [3]);
    const cos = (t: number) => 0.1 + (0.9 * (1 + Math.cos((Math.PI * t) / 4))) / 2;
    expectClose(trace(opt, s, 9), [0.25, 0.5, 0.75, cos(0), cos(1), cos(2), cos(3), cos(4), cos(5)]);
    expect(s.getLastLr()[0]).toBeCloseTo(cos(5), 12);
  });

  it('SequentialLR restarts a multiplicative schedule from its base at the milestone', () => {
    const opt = sgd(1);
    const constant = new LinearLR(opt, { startFactor: 0.1, endFactor: 0.1, totalIters: 2 });
    const exp = new ExponentialLR(opt, { gamma: 0.9 });
    const s = new SequentialLR(opt, [constant, exp], [2]);
    expectClose(trace(opt, s, 5), [0.1, 0.1, 1, 0.9, 0.81]);
  });

  it('SequentialLR checks its arguments', () => {
    const opt = sgd(1);
    const a = new StepLR(opt, { stepSize: 2 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    expect(() => new SequentialLR(opt, [a, b], [])).toThrow(/expected 1 milestone\(s\) for 2 schedulers/);
    expect(() => new SequentialLR(opt, [a, b], [0])).toThrow(/milestones\[0\] must be >= 1/);
    expect(() => new SequentialLR(sgd(1), [a, b], [2])).toThrow(/different optimizer/);
    expect(() => new SequentialLR(opt, [a, new ReduceLROnPlateau(opt) as never], [2])).toThrow(/ReduceLROnPlateau cannot be chained/);
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after more than `patience` bad epochs, waits `cooldown`, stops at minLr', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2 });
    const lrs: number[] = [];
    for (const loss of [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]) {
      s.step(loss);
      lrs.push(s.getLastLr()[0]!);
    }
    // best 0.9 at epoch 2; bad epochs 3,4,5 -> reduce at 5; cooldown eats epoch 6; bad 7,8,9 -> reduce at 9 ...
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2]);
  });

  it('mode max with an absolute threshold, a Tensor metric and per-group minLr', () => {
    const opt = sgd(1, 2);
    const s = new ReduceLROnPlateau(opt, { mode: 'max', patience: 0, threshold: 0.1, thresholdMode: 'abs', minLr: [0, 1.5] });
    s.step(tensor([0.5]));
    s.step(0.55); // not better by more than 0.1: reduce
    expect(s.getLastLr()).toEqual([0.1, 1.5]);
    s.step(0.7); // better
    expect(s.getLastLr()).toEqual([0.1, 1.5]);
    expect(s.best).toBe(0.7);
  });

  it('rel mode in min: only improvements by more than threshold * best count', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { patience: 0, threshold: 0.1 });
    s.step(1);
    s.step(0.95); // needs < 0.9
    expect(s.getLastLr()).toEqual([0.1]);
    expect(s.best).toBe(1);
  });

  it('rejects bad options', () => {
    const opt = sgd(1);
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/factor must be < 1/);
    expect(() => new ReduceLROnPlateau(opt, { mode: 'low' as never })).toThrow(/mode must be 'min' or 'max'/);
    expect(() => new ReduceLROnPlateau(opt, { minLr: [0, 0] })).toThrow(/minLr has 2 values for 1 param groups/);
    expect(() => new ReduceLROnPlateau(opt, { patience: 1.5 })).toThrow(/patience must be an integer/);
  });
});

describe('scheduler options and state', () => {
  it('rejects bad options with the option named', () => {
    const opt = sgd(1);
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(ValueError);
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(/stepSize must be >= 1/);
    expect(() => new StepLR(opt, { step_size: 2 } as never)).toThrow(/unknown option 'step_size' \(did you mean 'stepSize'\?\)/);
    expect(() => new CosineAnnealingLR(opt, { tMax: 0 })).toThrow(/tMax must be >= 1/);
    expect(() => new LinearLR(opt, { startFactor: 0 })).toThrow(/startFactor must be in \(0, 1\]/);
    expect(() => new LinearLR(opt, { endFactor: 2 })).toThrow(/endFactor must be in \[0, 1\]/);
    expect(() => new MultiStepLR(opt, { milestones: [1.5] })).toThrow(/milestones\[0\] must be an integer/);
    expect(() => new ExponentialLR(sgd(1), { gamma: 0.9, lastEpoch: 4 })).toThrow(/needs initialLr in param group 0/);
  });

  it('a scheduler and optimizer restored from their state dicts continue the same schedule', () => {
    const opt = sgd(1);
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 3; i++) s.step();
    const optState = opt.stateDict();
    const schedState = JSON.parse(JSON.stringify(s.stateDict())) as Record<string, unknown>;
    const opt2 = sgd(1);
    const s2 = new StepLR(opt2, { stepSize: 2, gamma: 0.5 });
    opt2.loadStateDict(optState);
    s2.loadStateDict(schedState);
    for (let i = 0; i < 4; i++) {
      s.step();
      s2.step();
      expect(opt2.paramGroups[0]!.lr).toBe(opt.paramGroups[0]!.lr);
    }
    expect(() => s2.loadStateDict({ nonsense: 1 })).toThrow(/unknown field 'nonsense'/);
    expect(() => s2.loadStateDict({ lastEpoch: 'three' })).toThrow(/field 'lastEpoch' should be number/);
  });

  it('SequentialLR state (with its schedulers\' state) resumes mid-schedule', () => {
    const build = () => {
      const opt = sgd(1);
      const warmup = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
      const cosine = new CosineAnnealingLR(opt, { tMax: 5, etaMin: 0.1 });
      return { opt, s: new SequentialLR(opt, [warmup, cosine], [2]) };
    };
    const a = build();
    for (let i = 0; i < 4; i++) a.s.step();
    const b = build();
    b.opt.loadStateDict(a.opt.stateDict());
    b.s.loadStateDict(JSON.parse(JSON.stringify(a.s.stateDict())) as Record<string, unknown>);
    for (let i = 0; i < 6; i++) {
      a.s.step();
      b.s.step();
      expect(b.s.getLastLr()).toEqual(a.s.getLastLr());
    }
  });
});

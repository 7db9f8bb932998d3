// Optimizer steps against PyTorch trajectories (optimizers.json): each case gives p0, a gradient per step
// and the parameter after each step. Options missing from a case take PyTorch's defaults, which the file's
// note lists; they are parsed from the note rather than assumed here.

import { describe, expect, it } from 'vitest';
import { adagradStep, adamStep, rmspropStep, sgdStep } from '../src/optimizers.js';
import { expectClose, readGolden, type GoldenTensor } from './helpers.js';

interface OptCase {
  name: string;
  params: Record<string, number | boolean | number[]>;
  p0: GoldenTensor;
  grads: GoldenTensor[];
  after_each_step: GoldenTensor[];
}

const golden = readGolden<{ note: string; cases: OptCase[] }>('optimizers.json');

/** Reads "adam betas 0.9/0.999 eps 1e-8; adamw weight_decay 0.01 default; ..." into per-optimizer defaults. */
function defaultsFromNote(note: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const body = note.replace(/^[^(]*\(/, '').replace(/\)[^)]*$/, '');
  for (const part of body.split(';')) {
    const words = part.trim().split(/\s+/).filter((w) => w !== 'default');
    const opt = words.shift()!;
    const entry = (out[opt] ??= {});
    for (let i = 0; i + 1 < words.length; i += 2) {
      const key = words[i]!;
      const value = words[i + 1]!;
      if (key === 'betas') {
        const [b1, b2] = value.split('/').map(Number);
        entry.beta1 = b1!;
        entry.beta2 = b2!;
      } else {
        entry[key] = Number(value);
      }
    }
  }
  return out;
}

const DEFAULTS = defaultsFromNote(golden.note);

function option(c: OptCase, key: string, fallback: number): number {
  const v = c.params[key];
  if (typeof v === 'number') return v;
  // AdamW shares Adam's betas and eps; the note lists only what differs.
  const defaults = c.name === 'adamw' ? { ...DEFAULTS.adam, ...DEFAULTS.adamw } : DEFAULTS[c.name];
  return defaults?.[key] ?? fallback;
}

/** Runs one case through the kernel and returns the parameter after each step. */
function trajectory(c: OptCase): Float32Array[] {
  const p = Float32Array.from(c.p0.data);
  const n = p.length;
  const zeros = () => new Float32Array(n);
  const lr = c.params.lr as number;
  const flag = (key: string) => c.params[key] === true;
  const out: Float32Array[] = [];
  const state = { a: zeros(), b: zeros(), c: zeros() };
  c.grads.forEach((g, i) => {
    const grad = Float32Array.from(g.data);
    const step = i + 1;
    switch (c.name) {
      case 'sgd':
        sgdStep(p, grad, state.a, {
          lr, momentum: option(c, 'momentum', 0), dampening: option(c, 'dampening', 0), nesterov: flag('nesterov'),
          weightDecay: option(c, 'weight_decay', 0), firstStep: step === 1,
        });
        break;
      case 'adam':
      case 'adamw': {
        const betas = c.params.betas as number[] | undefined;
        adamStep(p, grad, state.a, state.b, state.c, {
          lr, beta1: betas?.[0] ?? option(c, 'beta1', NaN), beta2: betas?.[1] ?? option(c, 'beta2', NaN),
          eps: option(c, 'eps', NaN), weightDecay: option(c, 'weight_decay', 0),
          decoupled: c.name === 'adamw', amsgrad: flag('amsgrad'), step,
        });
        break;
      }
      case 'rmsprop':
        rmspropStep(p, grad, state.a, state.b, state.c, {
          lr, alpha: option(c, 'alpha', NaN), eps: option(c, 'eps', NaN), weightDecay: option(c, 'weight_decay', 0),
          momentum: option(c, 'momentum', 0), centered: flag('centered'),
        });
        break;
      case 'adagrad': {
        const lrDecay = option(c, 'lr_decay', 0);
        const initial = option(c, 'initial_accumulator_value', 0);
        if (step === 1) state.a.fill(initial);
        adagradStep(p, grad, state.a, {
          clr: lr / (1 + (step - 1) * lrDecay), eps: option(c, 'eps', NaN), weightDecay: option(c, 'weight_decay', 0),
        });
        break;
      }
      default:
        throw new Error(`unknown optimizer ${c.name} in optimizers.json`);
    }
    out.push(Float32Array.from(p));
  });
  return out;
}

describe('optimizer steps vs PyTorch (optimizers.json)', () => {
  it('the note gives the defaults the cases rely on', () => {
    expect(DEFAULTS.adam).toMatchObject({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(DEFAULTS.rmsprop).toMatchObject({ alpha: 0.99, eps: 1e-8 });
    expect(DEFAULTS.adagrad).toMatchObject({ eps: 1e-10 });
  });
  for (const c of golden.cases) {
    it(`${c.name} ${JSON.stringify(c.params)}`, () => {
      const got = trajectory(c);
      expect(got.length).toBe(c.after_each_step.length);
      got.forEach((p, i) => expectClose(p, c.after_each_step[i]!.data, 2e-6, 1e-7, `step ${i + 1}`));
    });
  }
});

describe('optimizer argument checks', () => {
  it('asks for the state arrays an option needs', () => {
    const p = new Float32Array(3);
    const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
    expect(() => sgdStep(p, p, null, sgd)).toThrow(/momentum is set but no momentum buffer/);
    expect(() => sgdStep(p, new Float32Array(2), null, { ...sgd, momentum: 0 })).toThrow(/grad has 2 elements, expected at least 3/);
    const adam = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: true, step: 1 };
    expect(() => adamStep(p, p, p, p, null, adam)).toThrow(/amsgrad needs the maxExpAvgSq/);
    expect(() => adamStep(p, p, p, p, p, { ...adam, step: 0 })).toThrow(/step must be an integer >= 1/);
    const rms = { lr: 0.1, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: true };
    expect(() => rmspropStep(p, p, p, null, null, rms)).toThrow(/centered needs the gradAvg/);
  });
});

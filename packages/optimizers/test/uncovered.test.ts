// Options the golden file does not exercise (Adagrad's lrDecay and initialAccumulatorValue, weight decay in
// RMSprop and Adagrad, AMSGrad in AdamW, SGD weight decay with dampening), checked on every backend against
// a float64 transcription of PyTorch's single-tensor update rules written out here.

import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, it } from 'vitest';
import { Generator, randn, setBackend } from '@nabla/core';
import { assertClose, backendsUnderTest } from '@nabla/backend-tests';
import { Adagrad, AdamW, RMSprop, SGD, type Optimizer } from '../src/index.js';

type Rule = (p: number[], g: number[], step: number) => void;

/** torch.optim.Adagrad for one tensor. */
function adagradRule(lr: number, lrDecay: number, weightDecay: number, init: number, eps: number): Rule {
  let sum: number[] | null = null;
  return (p, grad, step) => {
    sum ??= p.map(() => init);
    const clr = lr / (1 + (step - 1) * lrDecay);
    p.forEach((v, i) => {
      const g = grad[i]! + weightDecay * v;
      sum![i]! += g * g;
      p[i] = v - (clr * g) / (Math.sqrt(sum![i]!) + eps);
    });
  };
}

/** torch.optim.RMSprop (not centered) for one tensor. */
function rmspropRule(lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): Rule {
  let sq: number[] | null = null;
  let buf: number[] | null = null;
  return (p, grad) => {
    sq ??= p.map(() => 0);
    buf ??= p.map(() => 0);
    p.forEach((v, i) => {
      const g = grad[i]! + weightDecay * v;
      sq![i] = alpha * sq![i]! + (1 - alpha) * g * g;
      const avg = Math.sqrt(sq![i]!) + eps;
      if (momentum > 0) {
        buf![i] = momentum * buf![i]! + g / avg;
        p[i] = v - lr * buf![i]!;
      } else p[i] = v - (lr * g) / avg;
    });
  };
}

/** torch.optim.AdamW with amsgrad for one tensor. */
function adamwAmsgradRule(lr: number, b1: number, b2: number, eps: number, weightDecay: number): Rule {
  let m: number[] | null = null;
  let v: number[] | null = null;
  let vmax: number[] | null = null;
  return (p, grad, step) => {
    m ??= p.map(() => 0);
    v ??= p.map(() => 0);
    vmax ??= p.map(() => 0);
    const bc1 = 1 - b1 ** step;
    const bc2 = 1 - b2 ** step;
    p.forEach((x, i) => {
      const decayed = x * (1 - lr * weightDecay);
      const g = grad[i]!;
      m![i] = b1 * m![i]! + (1 - b1) * g;
      v![i] = b2 * v![i]! + (1 - b2) * g * g;
      vmax![i] = Math.max(vmax![i]!, v![i]!);
      p[i] = decayed - (lr / bc1) * (m![i]! / (Math.sqrt(vmax![i]!) / Math.sqrt(bc2) + eps));
    });
  };
}

/** torch.optim.SGD with momentum, dampening and weight decay for one tensor. */
function sgdRule(lr: number, momentum: number, dampening: number, weightDecay: number): Rule {
  let buf: number[] | null = null;
  return (p, grad) => {
    const first = buf === null;
    const b = (buf ??= p.map(() => 0));
    p.forEach((v, i) => {
      const d = grad[i]! + weightDecay * v;
      b[i] = first ? d : momentum * b[i]! + (1 - dampening) * d;
      p[i] = v - lr * b[i]!;
    });
  };
}

const configs: [string, (ps: ReturnType<typeof randn>[]) => Optimizer, () => Rule][] = [
  ['Adagrad lrDecay 0.1, initialAccumulatorValue 0.5, weightDecay 0.05',
    (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.5, weightDecay: 0.05 }),
    () => adagradRule(0.1, 0.1, 0.05, 0.5, 1e-10)],
  ['RMSprop momentum 0.9, weightDecay 0.1, alpha 0.9',
    (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9, momentum: 0.9, weightDecay: 0.1 }),
    () => rmspropRule(0.01, 0.9, 1e-8, 0.1, 0.9)],
  ['AdamW amsgrad',
    (ps) => new AdamW(ps, { lr: 0.02, amsgrad: true, weightDecay: 0.1 }),
    () => adamwAmsgradRule(0.02, 0.9, 0.999, 1e-8, 0.1)],
  ['SGD momentum 0.8, dampening 0.3, weightDecay 0.1',
    (ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.1 }),
    () => sgdRule(0.05, 0.8, 0.3, 0.1)],
];

for (const backend of backendsUnderTest()) {
  describe(`PyTorch update rules on ${backend}`, () => {
    for (const [name, make, rule] of configs) {
      it(name, () => {
        setBackend(backend);
        const gen = new Generator(11);
        const p = randn([10], { generator: gen, requiresGrad: true });
        const expected = Array.from(p.data());
        const update = rule();
        const opt = make([p]);
        for (let step = 1; step <= 6; step++) {
          const g = randn([10], { generator: gen });
          p.grad = g;
          opt.step();
          update(expected, Array.from(g.data()), step);
          assertClose(p, expected, `${name} step ${step}`, { rtol: 1e-5, atol: 1e-6 });
        }
      });
    }
  });
}

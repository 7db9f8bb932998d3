// The PyTorch reference trajectories (optimizers.json: 5 steps per configuration) and the 20-step Adam loss
// curve of the golden MLP (mlp.json), on every available backend, plus core's composed steps (the reference
// backend has no fused optimizer kernels, so core composes each step from primitives there).

import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { Tensor, linear, setBackend, softmaxCrossEntropy, tensor } from '@nabla/core';
import {
  assertClose, backendsUnderTest, fromGolden, loadGolden, registerReference, type GoldenTensor,
} from '@nabla/backend-tests';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from '../src/index.js';

interface OptimizerCase {
  name: string;
  params: Record<string, unknown>;
  p0: GoldenTensor;
  grads: GoldenTensor[];
  after_each_step: GoldenTensor[];
}

interface MlpGolden {
  x: GoldenTensor; y: number[];
  W1: GoldenTensor; b1: GoldenTensor; W2: GoldenTensor; b2: GoldenTensor;
  [key: string]: unknown;
}

/** PyTorch's keyword names in the golden file, and ours. */
const OPTION_NAMES: Record<string, string> = {
  lr: 'lr', momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov', weight_decay: 'weightDecay',
  betas: 'betas', eps: 'eps', amsgrad: 'amsgrad', alpha: 'alpha', centered: 'centered', lr_decay: 'lrDecay',
  initial_accumulator_value: 'initialAccumulatorValue',
};

function toOptions(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const ours = OPTION_NAMES[key];
    if (!ours) throw new Error(`golden optimizer option '${key}' has no counterpart here`);
    out[ours] = value;
  }
  return out;
}

function makeOptimizer(name: string, params: Tensor[], options: Record<string, unknown>): Optimizer {
  switch (name) {
    case 'sgd': return new SGD(params, options);
    case 'adam': return new Adam(params, options);
    case 'adamw': return new AdamW(params, options);
    case 'rmsprop': return new RMSprop(params, options);
    case 'adagrad': return new Adagrad(params, options);
    default: throw new Error(`golden case for unknown optimizer '${name}'`);
  }
}

registerReference();
const cases = loadGolden<{ cases: OptimizerCase[] }>('optimizers').cases;
const mlp = loadGolden<MlpGolden>('mlp');
const curveKey = Object.keys(mlp).find((k) => k.startsWith('adam_lr'))!;
const curveLr = Number(/^adam_lr([0-9.e-]+)_/.exec(curveKey)![1]);
const curve = mlp[curveKey] as number[];

const backends = [...backendsUnderTest(), 'reference'];

it('the golden files hold cases of every optimizer', () => {
  expect(new Set(cases.map((c) => c.name))).toEqual(new Set(['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad']));
  expect(curve.length).toBe(20);
  expect(backendsUnderTest()).toContain('js');
});

for (const backend of backends) {
  describe(`golden trajectories on ${backend}`, () => {
    for (const c of cases) {
      it(`${c.name} ${JSON.stringify(c.params)}`, () => {
        setBackend(backend);
        const p = fromGolden(c.p0, true);
        const opt = makeOptimizer(c.name, [p], toOptions(c.params));
        c.grads.forEach((g, k) => {
          p.grad = fromGolden(g);
          opt.step();
          assertClose(p, c.after_each_step[k]!, `${c.name} step ${k + 1}`, { rtol: 1e-5, atol: 1e-6 });
        });
      });
    }

    it(`the MLP's 20-step Adam(lr=${curveLr}) loss curve`, () => {
      setBackend(backend);
      const params = [mlp.W1, mlp.b1, mlp.W2, mlp.b2].map((g) => fromGolden(g, true));
      const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
      const x = fromGolden(mlp.x);
      const y = tensor(mlp.y);
      const opt = new Adam(params, { lr: curveLr });
      const losses: number[] = [];
      for (let step = 0; step < curve.length; step++) {
        opt.zeroGrad();
        const loss = softmaxCrossEntropy(linear(linear(x, w1, b1, 'relu'), w2, b2), y).mean();
        losses.push(loss.item());
        loss.backward();
        opt.step();
      }
      assertClose(losses, curve, 'loss curve', { rtol: 1e-5, atol: 1e-6 });
    });
  });
}

// The PyTorch reference vectors (packages/backend-tests/golden, or NABLA_GOLDEN_DIR) on the wasm backend, with
// every tensor made in wasm memory: the layers (Linear, BatchNorm1d), every loss and reduction, and the
// optimizer trajectories with the golden MLP's Adam loss curve. The MLP forward/backward and the activation
// functions run in the conformance suite (conformance.test.ts).

import '../src/index.js';
import { describe, expect, it } from 'vitest';
import { Tensor, linear, setBackend, softmaxCrossEntropy, tensor } from '@nabla/core';
import { assertClose, fromGolden, loadGolden, type GoldenTensor } from '@nabla/backend-tests';
import { BatchNorm1d, Linear } from '@nabla/layers';
import {
  BCELoss, BCEWithLogitsLoss, CategoricalCrossEntropyLoss, CrossEntropyLoss, HingeLoss, HuberLoss, LogLoss, type Loss,
  MAELoss, MSELoss, type Reduction,
} from '@nabla/losses';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from '@nabla/optimizers';

const tol = { rtol: 1e-5, atol: 1e-6 };

interface LossCase {
  name: string;
  params: Record<string, unknown>;
  reduction: Reduction;
  pred: GoldenTensor; target: GoldenTensor; loss: GoldenTensor; dloss: GoldenTensor; dpred: GoldenTensor;
}

function lossFor(c: LossCase): Loss {
  const reduction = c.reduction;
  switch (c.name) {
    case 'mse': return new MSELoss({ reduction });
    case 'mae': return new MAELoss({ reduction });
    case 'huber': return new HuberLoss({ reduction, delta: c.params.delta as number });
    case 'cross_entropy': return new CrossEntropyLoss({ reduction });
    case 'categorical_cross_entropy': return new CategoricalCrossEntropyLoss({ reduction });
    case 'binary_cross_entropy': return new BCELoss({ reduction });
    case 'log_loss': return new LogLoss({ reduction });
    case 'binary_cross_entropy_with_logits': return new BCEWithLogitsLoss({ reduction });
    case 'hinge': return new HingeLoss({ reduction });
    default: throw new Error(`no loss for golden case '${c.name}'`);
  }
}

describe('wasm: losses against PyTorch', () => {
  const { cases } = loadGolden<{ cases: LossCase[] }>('losses');
  it('the file holds every loss', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBeGreaterThanOrEqual(9);
  });
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.params)} reduction=${c.reduction}: value and dpred`, () => {
      setBackend('wasm');
      const pred = fromGolden(c.pred, true);
      expect(pred.device).toBe('wasm');
      const loss: Tensor = lossFor(c)(pred, fromGolden(c.target));
      assertClose(loss, c.loss, `${c.name} loss`, tol);
      loss.backward(fromGolden(c.dloss));
      assertClose(pred.grad!, c.dpred, `${c.name} dpred`, tol);
    });
  }
});

interface LayersGolden {
  linear: { x: GoldenTensor; W: GoldenTensor; b: GoldenTensor; y: GoldenTensor; dy: GoldenTensor; dx: GoldenTensor; dW: GoldenTensor; db: GoldenTensor };
  batchnorm1d: {
    eps: number; momentum: number; gamma: GoldenTensor; beta: GoldenTensor;
    train: { x: GoldenTensor; y: GoldenTensor; dy: GoldenTensor; dx: GoldenTensor; dgamma: GoldenTensor; dbeta: GoldenTensor; running_mean: GoldenTensor; running_var: GoldenTensor };
    eval: { x: GoldenTensor; y: GoldenTensor };
  };
}

describe('wasm: layers against PyTorch', () => {
  const g = loadGolden<LayersGolden>('layers');

  it('Linear: output, input gradient, weight and bias gradients', () => {
    setBackend('wasm');
    const c = g.linear;
    const [outF, inF] = c.W.shape as [number, number];
    const layer = new Linear(inF, outF);
    layer.loadStateDict({ weight: fromGolden(c.W), bias: fromGolden(c.b) });
    expect(layer.weight.device).toBe('wasm');
    const x = fromGolden(c.x, true);
    const y = layer(x);
    assertClose(y, c.y, 'linear y', tol);
    y.backward(fromGolden(c.dy));
    assertClose(x.grad!, c.dx, 'linear dx', tol);
    assertClose(layer.weight.grad!, c.dW, 'linear dW', tol);
    assertClose(layer.bias!.grad!, c.db, 'linear db', tol);
  });

  it('BatchNorm1d: training step (output, gradients, running stats), then eval', () => {
    setBackend('wasm');
    const c = g.batchnorm1d;
    const bn = new BatchNorm1d(c.gamma.data.length, { eps: c.eps, momentum: c.momentum });
    bn.loadStateDict({ weight: fromGolden(c.gamma), bias: fromGolden(c.beta) }, { strict: false });
    const x = fromGolden(c.train.x, true);
    const y = bn(x);
    assertClose(y, c.train.y, 'bn train y', tol);
    y.backward(fromGolden(c.train.dy));
    assertClose(x.grad!, c.train.dx, 'bn train dx', tol);
    assertClose(bn.weight!.grad!, c.train.dgamma, 'bn dgamma', tol);
    assertClose(bn.bias!.grad!, c.train.dbeta, 'bn dbeta', tol);
    assertClose(bn.runningMean!, c.train.running_mean, 'bn running_mean', tol);
    assertClose(bn.runningVar!, c.train.running_var, 'bn running_var', tol);
    bn.eval();
    assertClose(bn(fromGolden(c.eval.x)), c.eval.y, 'bn eval y', tol);
  });
});

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

function makeOptimizer(name: string, params: Tensor[], raw: Record<string, unknown>): Optimizer {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const ours = OPTION_NAMES[key];
    if (!ours) throw new Error(`golden optimizer option '${key}' has no counterpart here`);
    options[ours] = value;
  }
  switch (name) {
    case 'sgd': return new SGD(params, options);
    case 'adam': return new Adam(params, options);
    case 'adamw': return new AdamW(params, options);
    case 'rmsprop': return new RMSprop(params, options);
    case 'adagrad': return new Adagrad(params, options);
    default: throw new Error(`golden case for unknown optimizer '${name}'`);
  }
}

describe('wasm: optimizer trajectories against PyTorch', () => {
  const { cases } = loadGolden<{ cases: OptimizerCase[] }>('optimizers');
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.params)}`, () => {
      setBackend('wasm');
      const p = fromGolden(c.p0, true);
      const opt = makeOptimizer(c.name, [p], c.params);
      c.grads.forEach((g, k) => {
        p.grad = fromGolden(g);
        opt.step();
        assertClose(p, c.after_each_step[k]!, `${c.name} step ${k + 1}`, tol);
      });
    });
  }

  it("the golden MLP's 20-step Adam loss curve", () => {
    const mlp = loadGolden<MlpGolden>('mlp');
    const curveKey = Object.keys(mlp).find((k) => k.startsWith('adam_lr'))!;
    const lr = Number(/^adam_lr([0-9.e-]+)_/.exec(curveKey)![1]);
    const curve = mlp[curveKey] as number[];
    setBackend('wasm');
    const params = [mlp.W1, mlp.b1, mlp.W2, mlp.b2].map((g) => fromGolden(g, true));
    const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
    const x = fromGolden(mlp.x);
    const y = tensor(mlp.y);
    const opt = new Adam(params, { lr });
    const losses: number[] = [];
    for (let step = 0; step < curve.length; step++) {
      opt.zeroGrad();
      const loss = softmaxCrossEntropy(linear(linear(x, w1, b1, 'relu'), w2, b2), y).mean();
      losses.push(loss.item());
      loss.backward();
      opt.step();
    }
    assertClose(losses, curve, 'loss curve', tol);
  });
});

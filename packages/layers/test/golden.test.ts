// PyTorch reference vectors for the layers and activation modules, on every backend that can run here.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { setBackend } from '@nabla/core';
import { assertClose, backendsUnderTest, fromGolden, loadGolden, type GoldenTensor } from '@nabla/backend-tests';
import { BatchNorm1d, ELU, LeakyReLU, Linear, type Module, PReLU, ReLU, Sigmoid, SiLU, Swish, Tanh } from '../src/index.js';

const tol = { rtol: 1e-5, atol: 1e-6 };

interface LayersGolden {
  linear: { x: GoldenTensor; W: GoldenTensor; b: GoldenTensor; y: GoldenTensor; dy: GoldenTensor; dx: GoldenTensor; dW: GoldenTensor; db: GoldenTensor };
  batchnorm1d: {
    eps: number; momentum: number; gamma: GoldenTensor; beta: GoldenTensor;
    train: { x: GoldenTensor; y: GoldenTensor; dy: GoldenTensor; dx: GoldenTensor; dgamma: GoldenTensor; dbeta: GoldenTensor; running_mean: GoldenTensor; running_var: GoldenTensor };
    eval: { x: GoldenTensor; y: GoldenTensor };
  };
}

interface ActivationCase {
  name: string;
  params: { alpha?: number | GoldenTensor; per_feature?: boolean };
  x: GoldenTensor; y: GoldenTensor; dy: GoldenTensor; dx: GoldenTensor; dalpha?: GoldenTensor;
}

/** The module for a golden activation case, built from the case's own parameters. */
function activationModule(c: ActivationCase): Module {
  const alpha = c.params.alpha;
  switch (c.name) {
    case 'sigmoid': return new Sigmoid();
    case 'tanh': return new Tanh();
    case 'relu': return new ReLU();
    case 'leaky_relu': return new LeakyReLU({ alpha: alpha as number });
    case 'elu': return new ELU({ alpha: alpha as number });
    case 'swish': return new Swish();
    case 'silu': return new SiLU();
    case 'prelu': {
      const slopes = alpha as GoldenTensor;
      const m = new PReLU({ numParameters: slopes.data.length });
      m.loadStateDict({ weight: fromGolden(slopes) });
      return m;
    }
    default: throw new Error(`no module for golden activation '${c.name}'`);
  }
}

const backends = backendsUnderTest();
console.log(`layers golden tests on backends: ${backends.join(', ')}`);

it('runs on at least the js backend', () => {
  expect(backends).toContain('js');
});

for (const backend of backends) {
  describe(`${backend}: layers against PyTorch`, () => {
    const g = loadGolden<LayersGolden>('layers');

    it('Linear: output, input gradient, weight and bias gradients', () => {
      setBackend(backend);
      const c = g.linear;
      const [outF, inF] = c.W.shape as [number, number];
      const layer = new Linear(inF, outF);
      layer.loadStateDict({ weight: fromGolden(c.W), bias: fromGolden(c.b) });
      const x = fromGolden(c.x, true);
      const y = layer(x);
      assertClose(y, c.y, 'linear y', tol);
      y.backward(fromGolden(c.dy));
      assertClose(x.grad!, c.dx, 'linear dx', tol);
      assertClose(layer.weight.grad!, c.dW, 'linear dW', tol);
      assertClose(layer.bias!.grad!, c.db, 'linear db', tol);
    });

    it('BatchNorm1d: training step (output, gradients, running stats), then eval', () => {
      setBackend(backend);
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
      expect(bn.numBatchesTracked!.item()).toBe(1);
      bn.eval();
      assertClose(bn(fromGolden(c.eval.x)), c.eval.y, 'bn eval y', tol);
    });

    const { cases } = loadGolden<{ cases: ActivationCase[] }>('activations');
    for (const c of cases) {
      it(`${c.name} ${JSON.stringify(c.params, (k, v: unknown) => (k === 'alpha' && typeof v === 'object' ? '[tensor]' : v))}: module forward and gradients`, () => {
        setBackend(backend);
        const m = activationModule(c);
        const x = fromGolden(c.x, true);
        const y = m(x);
        assertClose(y, c.y, `${c.name} y`, tol);
        y.backward(fromGolden(c.dy));
        assertClose(x.grad!, c.dx, `${c.name} dx`, tol);
        if (c.dalpha) assertClose((m as PReLU).weight.grad!, c.dalpha, `${c.name} dalpha`, tol);
      });
    }
  });
}


// PyTorch reference vectors for every loss and reduction (value and gradient), on every backend here.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { setBackend, type Tensor } from '@nabla/core';
import { assertClose, backendsUnderTest, fromGolden, loadGolden, type GoldenTensor } from '@nabla/backend-tests';
import {
  BCELoss, BCEWithLogitsLoss, CategoricalCrossEntropyLoss, CrossEntropyLoss, HingeLoss, HuberLoss, LogLoss, type Loss,
  MAELoss, MSELoss, type Reduction,
} from '../src/index.js';

interface LossCase {
  name: string;
  params: Record<string, unknown>;
  reduction: Reduction;
  pred: GoldenTensor; target: GoldenTensor; loss: GoldenTensor; dloss: GoldenTensor; dpred: GoldenTensor;
}

const tol = { rtol: 1e-5, atol: 1e-6 };

/** The loss object for a golden case, built from the case's reduction and parameters. */
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

const backends = backendsUnderTest();
console.log(`losses golden tests on backends: ${backends.join(', ')}`);

it('runs on at least the js backend', () => {
  expect(backends).toContain('js');
});

const { cases } = loadGolden<{ cases: LossCase[] }>('losses');

it('covers every loss of the golden file', () => {
  expect(new Set(cases.map((c) => c.name)).size).toBeGreaterThanOrEqual(9);
});

for (const backend of backends) {
  describe(`${backend}: losses against PyTorch`, () => {
    for (const c of cases) {
      it(`${c.name} ${JSON.stringify(c.params)} reduction=${c.reduction}: value and dpred`, () => {
        setBackend(backend);
        const pred = fromGolden(c.pred, true);
        const loss: Tensor = lossFor(c)(pred, fromGolden(c.target));
        assertClose(loss, c.loss, `${c.name} loss`, tol);
        loss.backward(fromGolden(c.dloss));
        assertClose(pred.grad!, c.dpred, `${c.name} dpred`, tol);
      });
    }
  });
}

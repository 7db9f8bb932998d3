// BCE's element weights and BCE-with-logits' pos weight against float64 renderings of PyTorch's definitions:
// bce = -w (y log p + (1 - y) log(1 - p)); with logits, -w (pw y log σ(x) + (1 - y) log(1 - σ(x))).
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { Generator, setBackend, tensor, type Tensor } from '@nabla/core';
import { assertClose, backendsUnderTest, gradcheck, randomTensor } from '@nabla/backend-tests';
import { BCEWithLogitsLoss, bceLoss, bceWithLogitsLoss, logLoss, type Reduction } from '../src/index.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function reduce(values: number[], reduction: Reduction): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? values : [reduction === 'sum' ? total : total / values.length];
}

/** values[i] of a [rows, cols] tensor, with weights broadcast from [cols]. */
function at(t: Tensor, i: number): number {
  return t.data()[i % t.size]!;
}

for (const backend of backendsUnderTest()) {
  describe(`${backend}: BCE weights and pos weight`, () => {
    const gen = new Generator(21);
    const p = randomTensor(gen, [4, 3], { low: 0.05, high: 0.95, requiresGrad: true });
    const x = randomTensor(gen, [4, 3], { low: -5, high: 5, requiresGrad: true });
    const y = randomTensor(gen, [4, 3], { low: 0.1, high: 0.9 }); // room for finite-difference steps
    const weight = tensor([0.5, 2, 1.5]);
    const posWeight = tensor([3, 0.5, 1]);

    for (const reduction of ['mean', 'sum', 'none'] as const) {
      it(`values (${reduction})`, () => {
        setBackend(backend);
        const n = p.size;
        const bce = Array.from({ length: n }, (_, i) =>
          -at(weight, i) * (at(y, i) * Math.log(at(p, i)) + (1 - at(y, i)) * Math.log(1 - at(p, i))));
        assertClose(bceLoss(p, y, { reduction, weight }), reduce(bce, reduction), 'weighted bce');
        assertClose(logLoss(p, y, { reduction, weight }), reduce(bce, reduction), 'weighted log loss');
        const withLogits = Array.from({ length: n }, (_, i) => {
          const s = sigmoid(at(x, i));
          return -at(weight, i) * (at(posWeight, i) * at(y, i) * Math.log(s) + (1 - at(y, i)) * Math.log(1 - s));
        });
        assertClose(bceWithLogitsLoss(x, y, { reduction, weight, posWeight }), reduce(withLogits, reduction), 'bce with logits');
      });

      it(`gradients by finite differences (${reduction})`, () => {
        setBackend(backend);
        const yg = y.clone().requiresGrad_(); // own storage: gradcheck perturbs it
        gradcheck('weighted bce', (a, b) => bceLoss(a!, b!, { reduction, weight }), [p, yg], { eps: 1e-3 });
        gradcheck('bce logits pos weight', (a, b) => bceWithLogitsLoss(a!, b!, { reduction, weight, posWeight }), [x, yg]);
      });
    }

    it('pos weight 1 is the plain loss; large logits stay finite; the class passes both options', () => {
      setBackend(backend);
      const plain = bceWithLogitsLoss(x, y, { reduction: 'none' });
      assertClose(bceWithLogitsLoss(x, y, { reduction: 'none', posWeight: tensor([1, 1, 1]) }), plain, 'pos weight 1');
      const big = new BCEWithLogitsLoss({ posWeight: tensor([10]), reduction: 'none' })(tensor([[-100], [100]]), tensor([[1], [0]]));
      expect(Array.from(big.data())).toEqual([1000, 100]);
      expect(() => bceWithLogitsLoss(x, y, { posWeight: tensor([1, 2]) })).toThrow(/posWeight of shape \[2\] does not broadcast to the prediction's shape \[4, 3\]/);
      expect(() => bceLoss(p, y, { weight: tensor([[1, 1, 1, 1]]) })).toThrow(/weight of shape \[1, 4\] does not broadcast/);
    });
  });
}

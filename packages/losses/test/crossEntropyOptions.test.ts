// Label smoothing and class weights of crossEntropyLoss against a float64 rendering of PyTorch's definition:
// loss = (1 - s) * nll + s / C * smooth, nll_i = -w[y_i] log p[i, y_i], smooth_i = -sum_c w_c log p[i, c],
// 'mean' dividing both sums by sum_i w[y_i] when weights are given.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { Generator, setBackend, tensor, zeros } from '@nabla/core';
import { assertClose, backendsUnderTest, randomTensor } from '@nabla/backend-tests';
import { CrossEntropyLoss, crossEntropyLoss, type Reduction } from '../src/index.js';

function reference(
  logits: number[][], targets: number[], weight: number[] | null, s: number, reduction: Reduction,
): number[] {
  const C = logits[0]!.length;
  const w = weight ?? new Array<number>(C).fill(1);
  const nll: number[] = [];
  const smooth: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const row = logits[i]!;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    const logp = row.map((v) => v - lse);
    nll.push(-w[targets[i]!]! * logp[targets[i]!]!);
    smooth.push(-logp.reduce((a, v, c) => a + w[c]! * v, 0));
  }
  const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  if (reduction === 'none') return nll.map((v, i) => (1 - s) * v + (s / C) * smooth[i]!);
  const denom = reduction === 'sum' ? 1 : weight ? total(targets.map((t) => w[t]!)) : logits.length;
  return [((1 - s) * total(nll) + (s / C) * total(smooth)) / denom];
}

for (const backend of backendsUnderTest()) {
  describe(`${backend}: cross-entropy label smoothing and class weights`, () => {
    const gen = new Generator(11);
    const logits = randomTensor(gen, [6, 5], { low: -3, high: 3 });
    const targets = [4, 0, 2, 2, 1, 3];
    const rows = logits.toArray() as number[][];
    const weight = [0.2, 1, 3, 0.5, 1.5];
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const [w, s] of [[null, 0.1], [weight, 0], [weight, 0.25], [null, 1]] as const) {
        it(`weight=${w ? 'yes' : 'no'} smoothing=${s} reduction=${reduction}`, () => {
          setBackend(backend);
          const loss = crossEntropyLoss(logits, targets, { reduction, labelSmoothing: s, weight: w ? tensor([...w]) : null });
          assertClose(loss, reference(rows, targets, w ? [...w] : null, s, reduction), 'cross-entropy', { rtol: 1e-5, atol: 1e-6 });
        });
      }
    }

    it('uniform logits give log(C) whatever the smoothing and weights', () => {
      setBackend(backend);
      const loss = new CrossEntropyLoss({ labelSmoothing: 0.3, weight: tensor([1, 2, 3]) });
      expect(loss(zeros([4, 3]), [0, 1, 2, 1]).item()).toBeCloseTo(Math.log(3), 6);
    });
  });
}

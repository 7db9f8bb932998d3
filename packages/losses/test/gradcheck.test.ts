// Finite-difference checks of every loss's gradient, for every reduction, on every backend here; for the
// losses with hand-written gradients also the gradient with respect to the target.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, it } from 'vitest';
import { Generator, setBackend, tensor, type Tensor } from '@nabla/core';
import { backendsUnderTest, gradcheck, randomTensor } from '@nabla/backend-tests';
import {
  bceLoss, bceWithLogitsLoss, categoricalCrossEntropyLoss, crossEntropyLoss, hingeLoss, huberLoss, logLoss, maeLoss,
  mseLoss, type Reduction,
} from '../src/index.js';

const reductions: Reduction[] = ['mean', 'sum', 'none'];

/** Probabilities away from 0 and 1, where the finite differences are well conditioned. */
function probabilities(gen: Generator, shape: number[], requiresGrad = true): Tensor {
  return randomTensor(gen, shape, { low: 0.1, high: 0.9, requiresGrad });
}

/** Rows of positive values that sum to 1. */
function softRows(gen: Generator, rows: number, classes: number): Tensor {
  const d = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < classes; c++) s += d[r * classes + c] = 0.2 + gen.uniform();
    for (let c = 0; c < classes; c++) d[r * classes + c]! /= s;
  }
  return tensor(d, [rows, classes]);
}

for (const backend of backendsUnderTest()) {
  describe(`${backend}: loss gradients by finite differences`, () => {
    for (const reduction of reductions) {
      const opts = { reduction };
      it(`regression losses (${reduction})`, () => {
        setBackend(backend);
        const gen = new Generator(1);
        // |pred - target| kept away from 0 (MAE's kink) and from Huber's delta.
        const target = randomTensor(gen, [3, 4]);
        const offset = randomTensor(gen, [3, 4], { awayFromZero: 0.2, low: -0.8, high: 0.8 });
        const pred = tensor(target.data().map((t, i) => t + offset.data()[i]!), [3, 4], { requiresGrad: true });
        const wide = tensor(target.data().map((t, i) => t + 3 * offset.data()[i]! + Math.sign(offset.data()[i]!) * 1.5), [3, 4], { requiresGrad: true });
        gradcheck('mse', (p) => mseLoss(p!, target, opts), [pred]);
        gradcheck('mae', (p) => maeLoss(p!, target, opts), [pred]);
        gradcheck('huber quadratic', (p) => huberLoss(p!, target, { ...opts, delta: 2 }), [pred]);
        gradcheck('huber linear', (p) => huberLoss(p!, target, { ...opts, delta: 1 }), [wide]);
        gradcheck('mse wrt target', (t) => mseLoss(pred.detach(), t!, opts), [target.detach().requiresGrad_()]);
      });

      it(`cross-entropy losses (${reduction})`, () => {
        setBackend(backend);
        const gen = new Generator(2);
        const logits = randomTensor(gen, [5, 4], { requiresGrad: true });
        const classes = tensor([0, 3, 1, 2, 3]);
        const weight = tensor([0.5, 2, 1, 1.5]);
        gradcheck('ce', (x) => crossEntropyLoss(x!, classes, opts), [logits]);
        gradcheck('ce weight', (x) => crossEntropyLoss(x!, classes, { ...opts, weight }), [logits]);
        gradcheck('ce smoothing', (x) => crossEntropyLoss(x!, classes, { ...opts, labelSmoothing: 0.2 }), [logits]);
        gradcheck('ce weight+smoothing', (x) => crossEntropyLoss(x!, classes, { ...opts, weight, labelSmoothing: 0.1 }), [logits]);
        const probs = softRows(gen, 4, 3).requiresGrad_();
        const y = softRows(gen, 4, 3).requiresGrad_();
        gradcheck('categorical', (p) => categoricalCrossEntropyLoss(p!, y.detach(), opts), [probs], { eps: 1e-3 });
        // Perturbing a target row breaks its sum, so the target is renormalised inside f.
        gradcheck('categorical wrt target', (t) => categoricalCrossEntropyLoss(probs.detach(), t!.div(t!.sum(1, true)), opts), [y], { eps: 1e-3 });
      });

      it(`binary losses (${reduction})`, () => {
        setBackend(backend);
        const gen = new Generator(3);
        const p = probabilities(gen, [6, 1]);
        const y = probabilities(gen, [6, 1]);
        gradcheck('bce', (a, b) => bceLoss(a!, b!, opts), [p, y], { eps: 1e-3 });
        gradcheck('logLoss', (a, b) => logLoss(a!, b!, opts), [p, y], { eps: 1e-3 });
        const x = randomTensor(gen, [6, 1], { low: -4, high: 4, requiresGrad: true });
        gradcheck('bceWithLogits', (a, b) => bceWithLogitsLoss(a!, b!, opts), [x, y]);
        const signs = tensor([[1], [-1], [1], [-1], [1], [-1]]);
        // Margins kept away from the kink at y * pred = 1.
        const pred = tensor([[0.3], [0.5], [1.6], [-2], [-0.4], [0.9]], undefined, { requiresGrad: true });
        gradcheck('hinge', (a) => hingeLoss(a!, signs, opts), [pred]);
      });
    }
  });
}

// Finite-difference checks of every differentiable op's gradient, on the backend under test.

import { describe, it } from 'vitest';
import {
  Generator, setBackend, Tensor, tensor, add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, abs,
  where, clamp, sum, mean, max, min, reshape, flatten, permute, transpose, expand, squeeze, unsqueeze, slice,
  select, concat, stack, clone, matmul, sigmoid, tanh, relu, leakyRelu, elu, swish, prelu, softmax, logSoftmax,
  linear, softmaxCrossEntropy, batchNorm, type Activation,
} from '@nabla/core';
import { gradcheck } from './gradcheck.js';
import { randomTensor } from './random.js';

type Case = [string, (...xs: Tensor[]) => Tensor, () => Tensor[]];

export function gradientsSuite(name: string): void {
  const gen = new Generator(11);
  const r = (shape: number[], opts: Parameters<typeof randomTensor>[2] = {}): Tensor =>
    randomTensor(gen, shape, { requiresGrad: true, ...opts });
  const away = { awayFromZero: 0.2 };

  const cases: Case[] = [
    ['add (broadcast)', add, () => [r([3, 4]), r([4])]],
    ['sub (broadcast)', sub, () => [r([3, 1]), r([1, 4])]],
    ['mul (broadcast)', mul, () => [r([2, 3, 4]), r([3, 1])]],
    ['div', div, () => [r([3, 4]), r([3, 4], { low: 0.5, high: 2 })]],
    ['pow', pow, () => [r([3, 4], { low: 0.5, high: 2 }), r([4], { low: -2, high: 2 })]],
    ['maximum', maximum, () => [r([3, 4]), r([3, 4])]],
    ['minimum', minimum, () => [r([3, 4]), r([4])]],
    ['neg', neg, () => [r([5])]],
    ['exp', exp, () => [r([2, 5])]],
    ['log', log, () => [r([2, 5], { low: 0.2, high: 3 })]],
    ['sqrt', sqrt, () => [r([2, 5], { low: 0.2, high: 3 })]],
    ['abs', abs, () => [r([2, 5], away)]],
    ['where', (c, a, b) => where(c!, a!, b!), () => [randomTensor(gen, [3, 4]).gt(0), r([3, 4]), r([4])]],
    ['clamp', (x) => clamp(x!, -0.5, 0.7), () => [r([4, 5])]],
    ['sum over axis', (x) => sum(x!, 1), () => [r([3, 4])]],
    ['sum keepdims', (x) => sum(x!, [0, 2], true), () => [r([2, 3, 4])]],
    ['mean', (x) => mean(x!, 0), () => [r([3, 4])]],
    ['max over axis', (x) => max(x!, 1), () => [r([3, 4])]],
    ['min over all', (x) => min(x!), () => [r([3, 4])]],
    ['reshape', (x) => reshape(x!, [6, 2]).mul(reshape(x!, [6, 2])), () => [r([3, 4])]],
    ['flatten', (x) => flatten(x!, 1).exp(), () => [r([2, 3, 2])]],
    ['permute', (x) => permute(x!, [2, 0, 1]).mul(tensor([1, 2, 3])), () => [r([2, 3, 4])]],
    ['transpose then matmul', (x, y) => matmul(transpose(x!), y!), () => [r([4, 3]), r([4, 2])]],
    ['expand', (x) => expand(x!, [3, 4]).mul(tensor([1, -1, 2, 0.5])), () => [r([3, 1])]],
    ['squeeze/unsqueeze', (x) => unsqueeze(squeeze(x!, 1), 0).exp(), () => [r([3, 1, 2])]],
    ['slice with step', (x) => slice(x!, 1, 1, 7, 2).exp(), () => [r([3, 8])]],
    ['slice with negative start', (x) => slice(x!, 0, -2).exp(), () => [r([5, 2])]],
    ['select', (x) => select(x!, 1, 2).exp(), () => [r([3, 4])]],
    ['concat axis 1', (a, b) => concat([a!, b!], 1).exp(), () => [r([2, 3]), r([2, 2])]],
    ['stack', (a, b) => stack([a!, b!], 1).exp(), () => [r([2, 3]), r([2, 3])]],
    ['clone', (x) => clone(x!).exp(), () => [r([4])]],
    ['matmul 2-D', matmul, () => [r([3, 4]), r([4, 5])]],
    ['matmul batched broadcast', matmul, () => [r([2, 3, 4]), r([4, 2])]],
    ['matmul vector', matmul, () => [r([4]), r([4, 3])]],
    ['sigmoid', sigmoid, () => [r([3, 4], { low: -6, high: 6 })]],
    ['tanh', tanh, () => [r([3, 4], { low: -3, high: 3 })]],
    ['relu', relu, () => [r([3, 4], away)]],
    ['leakyRelu', (x) => leakyRelu(x!, 0.2), () => [r([3, 4], away)]],
    ['elu', (x) => elu(x!, 0.7), () => [r([3, 4], away)]],
    ['swish', swish, () => [r([3, 4], { low: -5, high: 5 })]],
    ['prelu shared slope', prelu, () => [r([4, 3], away), r([1], { low: 0.1, high: 0.4 })]],
    ['prelu per feature', prelu, () => [r([4, 3], away), r([3], { low: 0.1, high: 0.4 })]],
    ['prelu per channel on 3-D input', prelu, () => [r([2, 3, 2], away), r([3], { low: 0.1, high: 0.4 })]],
    ['softmax', (x) => softmax(x!, 1), () => [r([3, 5])]],
    ['logSoftmax axis 0', (x) => logSoftmax(x!, 0), () => [r([4, 3])]],
    ['softmaxCrossEntropy', (x) => softmaxCrossEntropy(x!, tensor([0, 2, 1, 2])), () => [r([4, 3], { low: -4, high: 4 })]],
    ['batchNorm', (x, g, b) => batchNorm(x!, g!, b!, 1e-5).y, () => [r([6, 3]), r([3]), r([3])]],
    ['batchNorm without affine', (x) => batchNorm(x!, null, null, 1e-3).y, () => [r([5, 2])]],
  ];
  for (const act of ['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'swish'] as Activation[]) {
    cases.push([`linear + ${act}`, (x, w, b) => linear(x!, w!, b!, act, 0.1), () => [r([5, 4]), r([3, 4]), r([3], away)]]);
  }
  cases.push(['linear without bias on 3-D input', (x, w) => linear(x!, w!, null, 'tanh'), () => [r([2, 2, 4]), r([3, 4])]]);

  describe(`${name}: gradients against finite differences`, () => {
    for (const [label, f, make] of cases) {
      it(label, () => {
        setBackend(name);
        const inputs = make();
        // Normalisation ops amplify rounding in the numerator: a larger step keeps the check meaningful.
        const loose = label.startsWith('batchNorm') ? { eps: 3e-2, rtol: 5e-2, atol: 5e-3 } : {};
        gradcheck(label, f, inputs, loose);
      });
    }
  });
}

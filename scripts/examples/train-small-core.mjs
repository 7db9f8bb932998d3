// The same small training run as train-small.mjs with @nabla/core alone (no layers, losses or optimizers):
// a 2-16-2 MLP learns which points of [-2, 2]² lie inside a circle, by plain gradient descent.
import '@nabla/backend-js';
// import '@nabla/backend-native'; // after `npm install @nabla/backend-native`: it takes priority when it loads
import { backendInfo, linear, manualSeed, rand, randn, softmaxCrossEntropy, zeros } from '@nabla/core';

manualSeed(0);
const x = rand([256, 2], { low: -2, high: 2 });
const y = x.square().sum(1).lt(1.5); // 1 inside the circle, 0 outside
const params = [randn([16, 2], { std: 0.7, requiresGrad: true }), zeros([16], { requiresGrad: true }),
  randn([2, 16], { std: 0.35, requiresGrad: true }), zeros([2], { requiresGrad: true })];
const [w1, b1, w2, b2] = params;
const losses = [];
for (let step = 0; step < 150; step++) {
  const loss = softmaxCrossEntropy(linear(linear(x, w1, b1, 'relu'), w2, b2), y).mean();
  loss.backward();
  for (const p of params) {
    const value = p.data(), grad = p.grad.data();
    for (let i = 0; i < value.length; i++) value[i] -= 0.5 * grad[i];
    p.grad = null;
  }
  losses.push(loss.item());
}
console.log(`backend: ${backendInfo().name}`);
console.log(`native: ${JSON.stringify(backendInfo('native'))}`);
console.log(`loss: ${losses[0].toFixed(4)} -> ${losses.at(-1).toFixed(4)}`);

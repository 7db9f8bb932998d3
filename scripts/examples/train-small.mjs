// A ten-line training script for a project that installed @nabla/core @nabla/backend-js @nabla/layers
// @nabla/losses @nabla/optimizers: a 2-16-2 MLP learns which points of [-2, 2]² lie inside a circle.
import '@nabla/backend-js';
// import '@nabla/backend-native'; // after `npm install @nabla/backend-native`: it takes priority when it loads
import { backendInfo, manualSeed, rand } from '@nabla/core';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';

manualSeed(0);
const x = rand([256, 2], { low: -2, high: 2 });
const y = x.square().sum(1).lt(1.5); // class 1 inside the circle, 0 outside
const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 2));
const lossFn = new CrossEntropyLoss();
const optimizer = new Adam(model.parameters(), { lr: 0.05 });
const losses = [];
for (let step = 0; step < 150; step++) {
  optimizer.zeroGrad();
  const loss = lossFn.forward(model.forward(x), y);
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}
console.log(`backend: ${backendInfo().name}`);
console.log(`native: ${JSON.stringify(backendInfo('native'))}`);
console.log(`loss: ${losses[0].toFixed(4)} -> ${losses.at(-1).toFixed(4)}`);

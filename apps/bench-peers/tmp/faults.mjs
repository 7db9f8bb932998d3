import { manualSeed, setBackend, setNumThreads } from '@nabla/core';
import { DataLoader, TensorDataset, loadMnist } from '@nabla/data';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';
await import('@nabla/backend-native'); setBackend('native'); setNumThreads(1);
let { x, y } = loadMnist({ split: 'train' });
manualSeed(1);
const model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
const opt = new Adam(model.parameters(), { lr: 1e-3 }); const lossFn = new CrossEntropyLoss();
const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 128, shuffle: true, seed: 1 });
function run(n) { let i = 0; const t0 = performance.now(); outer: for (;;) for (const { x: xb, y: yb } of loader) { opt.zeroGrad(); lossFn(model(xb), yb).backward(); opt.step(); if (++i >= n) break outer; } return performance.now() - t0; }
run(300);
for (let r = 0; r < 4; r++) { const f0 = process.resourceUsage().minorPageFault; const ms = run(500); const f = process.resourceUsage().minorPageFault - f0; console.log(`${(ms / 500 * 1000).toFixed(0)} us/step, ${(f / 500).toFixed(1)} minor faults/step, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`); }

import '@nabla/backend-js';
import '@nabla/backend-native';
import { setBackend, setNumThreads, manualSeed, backendInfo } from '@nabla/core';
import { Sequential, Linear, ReLU } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';
import { loadMnist, TensorDataset, DataLoader } from '@nabla/data';
const be = process.env.BE ?? 'native'; setBackend(be); setNumThreads(Number(process.env.T ?? 1));
manualSeed(0);
if (process.env.LIMIT) (await import('@nabla/core')).hostMemory.setLimit(Number(process.env.LIMIT));
const std = process.env.STD === '1';
import { sub, div } from '@nabla/core';
let { x: X, y: Y } = loadMnist();
if (std) X = div(sub(X, 0.1307), 0.3081);
const ds = new TensorDataset(X, Y);
const model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const lossFn = new CrossEntropyLoss();
const loader = new DataLoader(ds, { batchSize: 128, shuffle: true });
let steps = 0; const warm = 200, meas = Number(process.env.N ?? 1000); let t0 = 0;
outer: for (let e = 0; e < 10; e++) for await (const { x, y } of loader) {
  if (steps === warm) t0 = performance.now();
  opt.zeroGrad(); const loss = lossFn.forward(model.forward(x), y); loss.backward(); opt.step();
  if (++steps === warm + meas) break outer;
}
const s = (performance.now() - t0) / 1000;
import { hostMemory } from '@nabla/core';
if (process.env.STATS) console.log(JSON.stringify(hostMemory.stats));
console.log(JSON.stringify({ be, std, threads: Number(process.env.T ?? 1), sps: Math.round(meas * 128 / s), rssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));

// One run of the memory soak: the MNIST loop of the data package's README (loadMnist, TensorDataset,
// shuffling DataLoader, Adam) for some epochs, printing the resident set size after each epoch as a JSON line.
//
//   memory-child.ts <native|wasm|js> <epochs> <samples> <await|sync> [wasm spill threshold in MiB]
import '../../native/src/index.js';
import '../../packages/backend-js/src/index.js';
import '../../packages/backend-wasm/src/index.js';
import type { WasmBackend } from '../../packages/backend-wasm/src/index.js';
import { getBackend, manualSeed, setBackend, setNumThreads } from '../../packages/core/src/index.js';
import { DataLoader, TensorDataset, loadMnist } from '../../packages/data/src/index.js';
import { Linear, ReLU, Sequential } from '../../packages/layers/src/index.js';
import { CrossEntropyLoss } from '../../packages/losses/src/index.js';
import { Adam } from '../../packages/optimizers/src/index.js';

const [backend = 'native', epochsArg = '3', samplesArg = '60000', loop = 'await', spillMib] = process.argv.slice(2);
setBackend(backend);
setNumThreads(1);
if (spillMib !== undefined) (getBackend() as WasmBackend).memory.setSpillThreshold(Number(spillMib) * 1024 * 1024);
manualSeed(0);

const mnist = loadMnist({ split: 'train' });
const samples = Math.min(Number(samplesArg), mnist.x.shape[0]!);
const loader = new DataLoader(new TensorDataset(mnist.x.slice(0, 0, samples), mnist.y.slice(0, 0, samples)), {
  batchSize: 128, shuffle: true, seed: 1,
});
const model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
const lossFn = new CrossEntropyLoss();

function step(x: Parameters<typeof model.forward>[0], y: typeof x): number {
  optimizer.zeroGrad();
  const loss = lossFn.forward(model.forward(x), y);
  loss.backward();
  optimizer.step();
  return loss.item();
}

for (let epoch = 1; epoch <= Number(epochsArg); epoch++) {
  let loss = 0;
  if (loop === 'sync') {
    for (const { x, y } of loader) loss = step(x, y);
  } else {
    for await (const { x, y } of loader) loss = step(x, y);
  }
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  process.stdout.write(`${JSON.stringify({ epoch, rssMb: Math.round(rssMb), loss })}\n`);
}

/* global process, console -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// Trains the MNIST MLP (784-256-128-10, ReLU, Adam) data-parallel: one process per rank, each on its own
// share of every epoch, gradients averaged after each backward. Run it with mpirun:
//
//   mpirun -np 2 node examples/train-mnist.mjs --epochs 2
//   mpirun -np 2 node examples/train-mnist.mjs --samples 6000 --epochs 1   (a quick check)
//
// Rank 0 prints the progress and writes the checkpoint; every rank then loads it back. Each rank uses
// cores / (ranks on this machine) threads for its kernels, so the ranks of one machine share its cores.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { manualSeed, setNumThreads } from '@nabla/core';
import { DataLoader, Subset, loadMnistBytes } from '@nabla/data';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';
import { ModelCheckpoint, fit, load } from '@nabla/train';
import { DistributedDataParallel, DistributedSampler, distributedInfo, initDistributed } from '@nabla/distributed';

// The native backend when its addon is built, else the JavaScript one.
await import('@nabla/backend-native');

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' },
    samples: { type: 'string', default: '60000' },
    'batch-size': { type: 'string', default: '64' },
    checkpoint: { type: 'string', default: 'mnist-ddp.safetensors' },
  },
});

const info = distributedInfo();
if (!info.available) {
  console.error(`@nabla/distributed is unavailable: ${info.reason}`);
  process.exit(1);
}
const group = initDistributed();
const localRanks = Number(process.env.OMPI_COMM_WORLD_LOCAL_SIZE ?? process.env.MPI_LOCALNRANKS ?? 1);
setNumThreads(Math.max(1, Math.floor(availableParallelism() / localRanks)));

manualSeed(42); // rank 0's weights are broadcast anyway
const model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
const ddp = new DistributedDataParallel(model);

const all = loadMnistBytes({ split: 'train' });
const samples = Math.min(all.length, Number(args.samples));
const train = samples < all.length ? new Subset(all, Array.from({ length: samples }, (_, i) => i)) : all;
const test = loadMnistBytes({ split: 'test' });
const batchSize = Number(args['batch-size']);
const trainLoader = new DataLoader(train, { batchSize, sampler: new DistributedSampler(train, { seed: 42 }) });
const testLoader = new DataLoader(test, { batchSize: 1000, sampler: new DistributedSampler(test, { shuffle: false }) });

if (group.isMain) {
  console.log(`${group.worldSize} ranks (${info.library}), ${samples} training samples, ${batchSize} per rank per step`);
}
const history = await fit(ddp, trainLoader, {
  loss: new CrossEntropyLoss(),
  optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
  epochs: Number(args.epochs),
  metrics: ['accuracy'],
  validation: testLoader,
  parallel: group,
  callbacks: [new ModelCheckpoint({ path: args.checkpoint, saveOptimizer: false })],
});

// Every rank may read what rank 0 wrote: fit waited for the file before going on.
const saved = await load(args.checkpoint);
ddp.loadStateDict(saved.model);
const last = history.epochs.at(-1);
if (group.isMain) {
  console.log(`test accuracy ${(100 * last.valMetrics.accuracy).toFixed(2)}%, ` +
    `${Math.round(last.samplesPerSecond)} samples/s over ${group.worldSize} rank(s); checkpoint ${args.checkpoint}`);
}

// Run by mpi.test.ts under mpirun: fit on DistributedDataParallel with a DistributedSampler, a checkpoint
// written by rank 0 and read back by every rank. Each rank prints one JSON line with its weights (base64 of
// the float32 bytes, for a bitwise comparison) and whether the checkpoint matched them.
import '@nabla/backend-js';
import { DataLoader } from '@nabla/data';
import { ModelCheckpoint, fit, load } from '@nabla/train';
import { DistributedDataParallel, DistributedSampler, initDistributed } from '@nabla/distributed';
import { BATCH, EPOCHS, SHUFFLE_SEED, dataset, loss, model, optimizer } from './problem.js';

const checkpoint = process.argv[2]!;
const group = initDistributed({ timeoutMs: 20_000 });
// Different seeds on purpose: DistributedDataParallel must start every rank from rank 0's weights.
const net = model(1 + group.rank);
const ddp = new DistributedDataParallel(net, { bucketCapMb: 0.0005 }); // tiny buckets: several per step
const data = dataset();
const loader = new DataLoader(data, { batchSize: BATCH, sampler: new DistributedSampler(data, { seed: SHUFFLE_SEED }) });
const history = await fit(ddp, loader, {
  loss, optimizer: optimizer(net), epochs: EPOCHS, progress: false, parallel: group,
  callbacks: [new ModelCheckpoint({ path: checkpoint, saveOptimizer: false })],
});

const bytes = (d: Float32Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
const weights = net.parameters().map((p) => bytes(p.data()).toString('base64'));
const saved = await load(checkpoint);
const matches = [...ddp.stateDict()].every(([name, t]) => {
  const s = saved.model.get(name);
  return s !== undefined && bytes(s.data()).equals(bytes(t.data()));
});
console.log(JSON.stringify({
  rank: group.rank, buckets: ddp.bucketCount, bucketsShared: ddp.bucketsShared, weights, checkpointMatches: matches,
  loss: history.epochs.map((e) => e.loss), samples: history.epochs.map((e) => e.samples),
}));

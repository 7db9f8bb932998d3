// Run by mpi.test.ts under mpirun with 2 ranks: DistributedDataParallel with BatchNorm (buffers broadcast
// from rank 0); reducing after backward (overlap: false) against reducing during it with gradients dropped
// by zeroGrad({ setToNone: true }) before forward (the bucket views put back at forward) and after it
// (fresh gradients copied into the buckets): all must give the same weights.
// Prints one JSON line per rank with digests of the state it ends with.
import { createHash } from 'node:crypto';
import '@nabla/backend-js';
import { manualSeed, type Tensor } from '@nabla/core';
import { DataLoader } from '@nabla/data';
import { BatchNorm1d, Linear, ReLU, Sequential } from '@nabla/layers';
import { fit } from '@nabla/train';
import { DistributedDataParallel, DistributedSampler, initDistributed } from '@nabla/distributed';
import { BATCH, FEATURES, CLASSES, dataset, loss, optimizer } from './problem.js';

const group = initDistributed({ timeoutMs: 20_000 });

function digest(tensors: Iterable<Tensor>): string {
  const hash = createHash('sha256');
  for (const t of tensors) {
    const d = t.data();
    hash.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

async function train(withBatchNorm: boolean, setToNone: boolean, overlap = true) {
  manualSeed(11 + group.rank);
  const net = withBatchNorm
    ? new Sequential(new Linear(FEATURES, 16), new BatchNorm1d(16), new ReLU(), new Linear(16, CLASSES))
    : new Sequential(new Linear(FEATURES, 16), new ReLU(), new Linear(16, CLASSES));
  const ddp = new DistributedDataParallel(net, { overlap, bucketCapMb: 0.0002 });
  const data = dataset();
  const loader = new DataLoader(data, { batchSize: BATCH, sampler: new DistributedSampler(data, { seed: 2 }) });
  await fit(ddp, loader, { loss, optimizer: optimizer(net), epochs: 1, progress: false, parallel: group, setToNone });
  // Each rank's last step updated its own running statistics; the first forward in eval mode makes them
  // rank 0's everywhere.
  const before = digest(net.buffers());
  ddp.eval();
  ddp(loader[Symbol.iterator]().next().value!.x);
  return { params: digest(net.parameters()), buffersBefore: before, buffers: digest(net.buffers()) };
}

// The same steps as fit's, written out, with zeroGrad between forward and backward.
function trainZeroingAfterForward() {
  manualSeed(11 + group.rank);
  const net = new Sequential(new Linear(FEATURES, 16), new ReLU(), new Linear(16, CLASSES));
  const ddp = new DistributedDataParallel(net, { bucketCapMb: 0.0002 });
  const data = dataset();
  const loader = new DataLoader(data, { batchSize: BATCH, sampler: new DistributedSampler(data, { seed: 2 }) });
  const opt = optimizer(net);
  for (const { x, y } of loader) {
    const out = ddp(x);
    opt.zeroGrad();
    loss(out, y).backward();
    opt.step();
  }
  return { params: digest(net.parameters()), buffersBefore: '', buffers: '' };
}

const batchNorm = await train(true, false);
const kept = await train(false, false, false);
const dropped = await train(false, true);
const droppedLate = trainZeroingAfterForward();
console.log(JSON.stringify({ rank: group.rank, batchNorm, kept, dropped, droppedLate }));

// Run by mpi.test.ts with plain node, without mpirun: the script is a job of one process, in which every
// collective, the sampler and DistributedDataParallel with fit work as without the package. Prints one JSON line.
import '@nabla/backend-js';
import { DataLoader } from '@nabla/data';
import { fit } from '@nabla/train';
import { DistributedDataParallel, DistributedSampler, initDistributed } from '@nabla/distributed';
import { BATCH, dataset, loss, model, optimizer } from './problem.js';

const group = initDistributed({ timeoutMs: 20_000 });
const sums = Float32Array.from([1, 2]);
group.allreduce(sums);
group.allreduceMean(sums);
group.broadcast(sums, 0);
group.barrier();
const shared = group.sharedBuffer(3);
const net = model(1);
const ddp = new DistributedDataParallel(net);
const data = dataset();
const sampler = new DistributedSampler(data, { seed: 1 });
const loader = new DataLoader(data, { batchSize: BATCH, sampler });
const history = await fit(ddp, loader, { loss, optimizer: optimizer(net), epochs: 2, progress: false, parallel: group });
group.finalize();
let afterFinalize = 'no error';
try {
  group.sharedBuffer(3);
} catch (err) {
  afterFinalize = (err as Error).message;
}
console.log(JSON.stringify({
  rank: group.rank, worldSize: group.worldSize, allreducePath: group.allreducePath, sums: Array.from(sums),
  shared: [shared.length, group.isShared(shared)], share: sampler.length, samples: history.epochs.map((e) => e.samples),
  lossFell: history.epochs[1]!.loss < history.epochs[0]!.loss, afterFinalize,
}));

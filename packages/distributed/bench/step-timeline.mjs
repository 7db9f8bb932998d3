/* global process, console -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// Run by scaling.mjs under `mpirun -np 2`: where the time of a 2-rank DistributedDataParallel step goes. Each
// rank stamps, on the machine's monotonic clock (the same for both processes), the start of each step, the
// moment its gradient bucket is handed to the allreduce, and the moment the averaged gradients are back. Rank 0
// reads both ranks' stamps and prints one JSON line:
//   compute     start of step -> bucket handed over (forward, backward), per rank
//   skew        |rank 0 hand-over - rank 1 hand-over|: how long the earlier rank waits for the later one
//   transfer    later hand-over -> earlier completion: the reduction itself once both ranks are in
//   step        start to start of consecutive steps
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Generator, manualSeed, setNumThreads, tensor } from '@nabla/core';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { SGD } from '@nabla/optimizers';
import { DistributedDataParallel, initDistributed } from '@nabla/distributed';

await import('@nabla/backend-native');

const { values: args } = parseArgs({
  options: { batch: { type: 'string', default: '64' }, steps: { type: 'string', default: '600' } },
});
const batch = Number(args.batch);
const steps = Number(args.steps);
const warmup = Math.min(100, steps >> 2);
setNumThreads(1);
const group = initDistributed({ timeoutMs: 120_000 });
if (group.worldSize !== 2) throw new Error('step-timeline.mjs runs on exactly 2 ranks');
manualSeed(1);
const model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
const ddp = new DistributedDataParallel(model);
const rng = new Generator(7 + group.rank);
const x = tensor(Float32Array.from({ length: batch * 784 }, () => rng.uniform()), [batch, 784]);
const y = tensor(Float32Array.from({ length: batch }, () => rng.nextBelow(10)), [batch]);
const loss = new CrossEntropyLoss();
const optimizer = new SGD(model.parameters(), { lr: 0.01 });

const us = () => Number(process.hrtime.bigint() / 1000n);
const stamps = { start: [], handed: [], back: [] };
// The stamps come from wrapping the group's allreduceAsync, which DistributedDataParallel calls once per bucket
// (the MNIST MLP's 0.9 MB of gradients are one bucket).
const allreduceAsync = group.allreduceAsync.bind(group);
group.allreduceAsync = (buffer, options) => {
  stamps.handed.push(us());
  const work = allreduceAsync(buffer, options);
  const wait = work.wait.bind(work);
  work.wait = () => {
    wait();
    stamps.back.push(us());
  };
  return work;
};
for (let s = 0; s < steps; s++) {
  stamps.start.push(us());
  optimizer.zeroGrad();
  loss.forward(ddp(x), y).backward();
  optimizer.step();
}
// Both ranks run on this machine as children of the same mpirun: its pid keeps concurrent jobs apart.
const file = (rank) => join(tmpdir(), `nabla-step-timeline-${process.ppid}-${rank}.json`);
const mine = Object.fromEntries(Object.entries(stamps).map(([k, v]) => [k, v.slice(warmup)]));
writeFileSync(file(group.rank), JSON.stringify(mine));
group.barrier();
if (group.isMain) {
  const other = JSON.parse(readFileSync(file(1), 'utf8'));
  rmSync(file(1));
  rmSync(file(0));
  const n = Math.min(mine.handed.length, other.handed.length, mine.back.length, other.back.length);
  const stats = (values) => {
    const s = [...values].sort((p, q) => p - q);
    return { mean: s.reduce((a, b) => a + b, 0) / s.length, median: s[s.length >> 1], p90: s[Math.floor(s.length * 0.9)] };
  };
  const pick = (f) => stats(Array.from({ length: n }, (_, i) => f(i)));
  console.log(JSON.stringify({
    batch, steps: n,
    step: pick((i) => (i + 1 < n ? mine.start[i + 1] - mine.start[i] : mine.start[i] - mine.start[i - 1])),
    compute0: pick((i) => mine.handed[i] - mine.start[i]),
    compute1: pick((i) => other.handed[i] - other.start[i]),
    skew: pick((i) => Math.abs(mine.handed[i] - other.handed[i])),
    transfer: pick((i) => Math.min(mine.back[i], other.back[i]) - Math.max(mine.handed[i], other.handed[i])),
    allreducePath: group.allreducePath,
  }));
}

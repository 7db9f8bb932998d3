/* global process, console -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// Run by scaling.mjs, with or without mpirun: times training steps of an MLP on synthetic MNIST-shaped data
// and prints one JSON line (rank 0) with samples/s.
//   node bench/steps.mjs --width 1 --batch 64 --threads 1 [--steps 200] [--warmup 200] [--mpi] [--sync both]
// --mpi: the model is wrapped in DistributedDataParallel; --sync both also times the same steps without
// gradient averaging (alternating rounds), to measure what the allreduce adds to a step.
import { parseArgs } from 'node:util';
import { Generator, manualSeed, setNumThreads, tensor } from '@nabla/core';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { SGD } from '@nabla/optimizers';

await import('@nabla/backend-native');

const { values: args } = parseArgs({
  options: {
    width: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    steps: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    mpi: { type: 'boolean', default: false },
    sync: { type: 'string', default: 'on' },
    overlap: { type: 'string', default: 'on' },
    'bucket-mb': { type: 'string', default: '1' },
  },
});
const width = Number(args.width);
const batch = Number(args.batch);
const steps = Number(args.steps);
setNumThreads(Number(args.threads));

let group = null;
let ddp = null;
manualSeed(1);
const model = new Sequential(new Linear(784, 256 * width), new ReLU(), new Linear(256 * width, 128 * width), new ReLU(),
  new Linear(128 * width, 10));
if (args.mpi) {
  const { DistributedDataParallel, initDistributed } = await import('@nabla/distributed');
  group = initDistributed({ timeoutMs: 120_000 });
  ddp = new DistributedDataParallel(model, { overlap: args.overlap === 'on', bucketCapMb: Number(args['bucket-mb']) });
}
const rng = new Generator(7 + (group?.rank ?? 0));
const x = tensor(Float32Array.from({ length: batch * 784 }, () => rng.uniform()), [batch, 784]);
const y = tensor(Float32Array.from({ length: batch }, () => rng.nextBelow(10)), [batch]);
const loss = new CrossEntropyLoss();
const optimizer = new SGD(model.parameters(), { lr: 0.01 });

/** Seconds per step, wall clock; the process's CPU seconds per step (every thread) go into `cpu`. */
function run(net, n, cpu = []) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let s = 0; s < n; s++) {
    optimizer.zeroGrad();
    loss.forward(net(x), y).backward();
    optimizer.step();
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9 / n;
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e6 / n);
  return wall;
}

const modes = args.sync === 'both' ? [true, false] : [args.sync === 'on'];
if (ddp && !modes.includes(true)) ddp.detachHooks();
// Warm-up outside the timing: V8 compiles the step's hot path over the first ~150 steps, each rank at its own
// moment, and a rank that compiles holds up the other.
run(ddp ?? model, Number(args.warmup));
const times = { sync: [], nosync: [] };
const cpuTimes = { sync: [], nosync: [] };
for (let r = 0; r < Number(args.rounds); r++) {
  for (const sync of modes) {
    // Without sync the plain model runs: its parameters still carry DDP's hooks, so take them off and on.
    const net = sync && ddp ? ddp : model;
    if (ddp && !sync) ddp.detachHooks();
    group?.barrier();
    const t = run(net, steps, sync ? cpuTimes.sync : cpuTimes.nosync);
    (sync ? times.sync : times.nosync).push(t);
    if (ddp && !sync && modes.includes(true)) ddp.attachHooks();
  }
}
const median = (a) => (a.length === 0 ? null : [...a].sort((p, q) => p - q)[a.length >> 1]);
const best = (a) => (a.length === 0 ? null : Math.min(...a));
if (!group || group.isMain) {
  const ranks = group?.worldSize ?? 1;
  const step = median(times.sync.length ? times.sync : times.nosync);
  console.log(JSON.stringify({
    width, batch, threads: Number(args.threads), ranks, params: model.countParameters(),
    stepSeconds: step, bestStepSeconds: best(times.sync.length ? times.sync : times.nosync),
    samplesPerSecond: (ranks * batch) / step,
    cpuStepSeconds: median(cpuTimes.sync.length ? cpuTimes.sync : cpuTimes.nosync),
    ...(cpuTimes.nosync.length && cpuTimes.sync.length ? { nosyncCpuStepSeconds: median(cpuTimes.nosync) } : {}),
    ...(times.nosync.length && times.sync.length ? { nosyncStepSeconds: median(times.nosync), stepSyncRounds: times.sync, stepNoSyncRounds: times.nosync } : {}),
  }));
}

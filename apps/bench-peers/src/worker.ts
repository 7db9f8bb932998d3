// nabla's side of the benchmark: one measurement per process, its result as one JSON line on stdout.
//   node dist/worker.js '{"task": "train", ...}'
// Only the packages' public exports are used, written the way a user would write them.

import '@nabla/backend-native';
import { add, backendInfo, getNumThreads, manualSeed, matmul, setBackend, setNumThreads, tensor, type Tensor } from '@nabla/core';
import { DataLoader, TensorDataset, loadMnist, type Batch } from '@nabla/data';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';
import { fit } from '@nabla/train';
import type { TrainTask } from './plan.js';
import { GEMM_SHAPES, type GemmShape } from './shapes.js';

function useNative(threads: number): Record<string, unknown> {
  const info = backendInfo('native');
  if (!info.available) throw new Error(`the native backend is not available: ${info.reason ?? 'unknown reason'}`);
  setBackend('native');
  if (threads > 0) setNumThreads(threads);
  const { path: _path, ...details } = info.details ?? {};
  return { ...details, threads: getNumThreads() };
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function mnistTrain(data: TrainTask['data']): { x: Tensor; y: Tensor } {
  const { x, y } = loadMnist({ split: 'train' });
  return { x: data === 'std' ? x.sub(0.1307).div(0.3081) : x, y };
}

/** Batches of a shuffling loader, epoch after epoch: `steps` of them, or fewer if `seconds` run out first. */
function* take(loader: DataLoader, steps: number, seconds: number): Generator<Batch> {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  while (n < steps) {
    for (const batch of loader) {
      yield batch;
      if (++n >= steps || performance.now() > deadline) return;
    }
  }
}

async function train(task: TrainTask): Promise<Record<string, unknown>> {
  const backend = useNative(task.threads);
  const { x, y } = mnistTrain(task.data);
  manualSeed(task.seed);
  const model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new CrossEntropyLoss();
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: task.batchSize, shuffle: true, seed: task.seed });

  let lastLoss: Tensor | undefined;
  let stepsRun = 0;
  const loop = (steps: number, seconds: number): number => {
    let samples = 0;
    stepsRun = 0;
    for (const { x: xb, y: yb } of take(loader, steps, seconds)) {
      optimizer.zeroGrad();
      const loss = lossFn(model(xb), yb);
      loss.backward();
      optimizer.step();
      samples += xb.shape[0]!;
      stepsRun++;
      lastLoss = loss;
    }
    return samples;
  };
  const viaFit = async (steps: number, seconds: number): Promise<number> => {
    const batches = { length: steps, [Symbol.iterator]: () => take(loader, steps, seconds) };
    const history = await fit(model, batches, { loss: lossFn, optimizer, progress: false });
    stepsRun = history.epochs[0]!.steps;
    return history.epochs[0]!.samples;
  };

  // Warm-up outside the timing: V8 compiles the step's hot path over the first ~150 steps.
  if (task.workload === 'loop') loop(task.warmupSteps, task.maxSeconds / 2);
  else await viaFit(task.warmupSteps, task.maxSeconds / 2);
  let samples: number;
  let seconds: number;
  // CPU time beside the wall clock: on a shared machine, the part of the wall time spent waiting for a core shows as the gap.
  const cpu0 = process.cpuUsage();
  if (task.workload === 'loop') {
    const t0 = performance.now();
    samples = loop(task.steps, task.maxSeconds);
    seconds = (performance.now() - t0) / 1000;
  } else {
    const t0 = performance.now();
    samples = await viaFit(task.steps, task.maxSeconds);
    seconds = (performance.now() - t0) / 1000;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    backend, steps: stepsRun, samples, seconds, samplesPerSecond: samples / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    finalLoss: lastLoss?.item() ?? null, peakRssMb: peakRssMb(),
  };
}

function filled(rows: number, cols: number, seed: number): Tensor {
  const a = new Float32Array(rows * cols);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = (s / 4294967296) * 2 - 1;
  }
  return tensor(a).reshape(rows, cols);
}

/** Best and median GFLOP/s over `samples` timed runs of a.matmul(b), each repeated for at least 2 ms. */
function timeMatmul(shape: GemmShape, a: Tensor, b: Tensor, samples: number): { best: number; median: number } {
  const flops = 2 * shape.m * shape.n * shape.k;
  checkCorner(a, b, a.matmul(b));
  let t0 = performance.now();
  a.matmul(b);
  const reps = Math.max(1, Math.floor(2 / Math.max(performance.now() - t0, 1e-3)));
  const g: number[] = [];
  for (let s = 0; s < samples; s++) {
    t0 = performance.now();
    for (let r = 0; r < reps; r++) matmul(a, b);
    g.push((flops * reps) / ((performance.now() - t0) / 1000) / 1e9);
  }
  g.sort((p, q) => p - q);
  return { best: g[g.length - 1]!, median: g[g.length >> 1]! };
}

/** A fast product of the wrong thing is no result: C's last entry against a plain dot product. */
function checkCorner(a: Tensor, b: Tensor, c: Tensor): void {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const row = a.slice(0, m - 1, m).contiguous().data();
  const col = b.slice(1, n - 1, n).contiguous().data();
  let expected = 0;
  for (let p = 0; p < k; p++) expected += row[p]! * col[p]!;
  const got = c.slice(0, m - 1, m).slice(1, n - 1, n).item();
  if (!(Math.abs(got - expected) <= 1e-3 * Math.max(1, Math.abs(expected)))) {
    throw new Error(`matmul ${m}x${k} · ${k}x${n}: last entry ${got}, expected ${expected}`);
  }
}

/**
 * Each shape twice: operands contiguous in the product's own layout, and operands stored the way a layer
 * stores them (W as [out, in], dY as [batch, out]) and passed as transposed views.
 */
function matmulTask(samples: number): Record<string, unknown> {
  const backend = useNative(1);
  const cases: Record<string, unknown>[] = [];
  for (const s of GEMM_SHAPES) {
    const contiguous = timeMatmul(s, filled(s.m, s.k, 1), filled(s.k, s.n, 2), samples);
    const a = s.transA ? filled(s.k, s.m, 1).T : filled(s.m, s.k, 1);
    const b = s.transB ? filled(s.n, s.k, 2).T : filled(s.k, s.n, 2);
    const views = s.transA || s.transB ? timeMatmul(s, a, b, samples) : contiguous;
    cases.push({ ...s, contiguous, views });
  }
  return { backend, cases, peakRssMb: peakRssMb() };
}

/**
 * µs per add, best and median of 10 timed chunks of ops/10 calls, after a warm-up long enough for V8's
 * optimising tier (a few thousand calls leave most of the time in the interpreter).
 */
function overheadTask(ops: number): Record<string, unknown> {
  const backend = useNative(1);
  const a = tensor(Float32Array.from({ length: 16 }, (_, i) => i));
  const b = tensor(Float32Array.from({ length: 16 }, (_, i) => 16 - i));
  let sink = 0;
  for (let i = 0; i < Math.max(ops / 10, 20_000); i++) sink += add(a, b).size;
  const chunk = Math.max(1, Math.floor(ops / 10));
  const us: number[] = [];
  for (let s = 0; s < 10; s++) {
    const t0 = performance.now();
    for (let i = 0; i < chunk; i++) sink += add(a, b).size;
    us.push(((performance.now() - t0) * 1000) / chunk);
  }
  if (sink === 0) throw new Error('unreachable: keeps the loop from being optimised away');
  us.sort((p, q) => p - q);
  return { backend, ops: chunk * 10, microsecondsPerOp: us[0], medianMicrosecondsPerOp: us[us.length >> 1], peakRssMb: peakRssMb() };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as { task: string } & Record<string, unknown>;
  let result: Record<string, unknown>;
  if (task.task === 'train') result = await train(task as unknown as TrainTask);
  else if (task.task === 'matmul') result = matmulTask(task.samples as number);
  else if (task.task === 'overhead') result = overheadTask(task.ops as number);
  else if (task.task === 'info') result = { backend: useNative(0) };
  else throw new Error(`unknown task ${JSON.stringify(task.task)}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();

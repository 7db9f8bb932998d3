// nabla's side of the benchmark: one measurement per process, its result as one JSON line on stdout.
//   node dist/worker.js '{"task": "train", "backend": "native", ...}'
// Only the packages' public exports are used, written the way a user would write them. Each process imports
// only the backend it measures ('native', 'wasm' or 'js').

import { add, backendInfo, getNumThreads, manualSeed, matmul, setBackend, setNumThreads, tensor, type Tensor } from '@nabla/core';
import { DataLoader, TensorDataset, loadMnist, type Batch } from '@nabla/data';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';
import { fit } from '@nabla/train';
import type { NablaBackend, TrainTask } from './plan.js';
import { GEMM_SHAPES, gemmFlops, type GemmShape } from './shapes.js';
import { checkEntry, filledArray, gflopsOf, lastEntry } from './timing.js';

const BACKEND_PACKAGES: Record<NablaBackend, () => Promise<unknown>> = {
  native: () => import('@nabla/backend-native'),
  wasm: () => import('@nabla/backend-wasm'),
  js: () => import('@nabla/backend-js'),
};

async function useBackend(name: NablaBackend, threads: number): Promise<Record<string, unknown>> {
  const load = BACKEND_PACKAGES[name];
  if (!load) throw new Error(`backend: expected native, wasm or js, got ${JSON.stringify(name)}`);
  await load();
  const info = backendInfo(name);
  if (!info.available) throw new Error(`the ${name} backend is not available: ${info.reason ?? 'unknown reason'}`);
  setBackend(name);
  if (name !== 'native') return { name, ...withoutHeapFigures(info.details), threads: 1 };
  if (threads > 0) setNumThreads(threads);
  const { path: _path, ...details } = info.details ?? {};
  return { name, ...details, threads: getNumThreads() };
}

/** The wasm backend's details also carry its heap figures, which belong to the end of a run, not its start. */
function withoutHeapFigures(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const { heapSize: _h, memoryInUse: _u, memoryCached: _c, spills: _s, ...rest } = details ?? {};
  return rest;
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

/** The same batches through `for await`, which yields to the event loop once per batch. */
async function* takeAsync(loader: DataLoader, steps: number, seconds: number): AsyncGenerator<Batch> {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  while (n < steps) {
    for await (const batch of loader) {
      yield batch;
      if (++n >= steps || performance.now() > deadline) return;
    }
  }
}

async function train(task: TrainTask & { backend: NablaBackend }): Promise<Record<string, unknown>> {
  const backend = await useBackend(task.backend, task.threads);
  const { x, y } = mnistTrain(task.data);
  manualSeed(task.seed);
  const model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new CrossEntropyLoss();
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: task.batchSize, shuffle: true, seed: task.seed });

  let lastLoss: Tensor | undefined;
  let stepsRun = 0;
  let samples = 0;
  const step = (xb: Tensor, yb: Tensor): void => {
    optimizer.zeroGrad();
    const loss = lossFn(model(xb), yb);
    loss.backward();
    optimizer.step();
    samples += xb.shape[0]!;
    stepsRun++;
    lastLoss = loss;
  };
  const loop = (steps: number, seconds: number): number => {
    samples = 0;
    stepsRun = 0;
    for (const { x: xb, y: yb } of take(loader, steps, seconds)) step(xb, yb);
    return samples;
  };
  // WebAssembly memory comes back through a FinalizationRegistry, whose callbacks run only when the loop
  // yields to the event loop: the wasm backend's README loop is `for await`, and so is the js backend's here.
  const loopAsync = async (steps: number, seconds: number): Promise<number> => {
    samples = 0;
    stepsRun = 0;
    for await (const { x: xb, y: yb } of takeAsync(loader, steps, seconds)) step(xb, yb);
    return samples;
  };
  const byWorkload = async (steps: number, seconds: number): Promise<number> => {
    if (task.workload === 'fit') return viaFit(steps, seconds);
    return task.backend === 'native' ? loop(steps, seconds) : loopAsync(steps, seconds);
  };
  const viaFit = async (steps: number, seconds: number): Promise<number> => {
    const batches = { length: steps, [Symbol.iterator]: () => take(loader, steps, seconds) };
    const history = await fit(model, batches, { loss: lossFn, optimizer, progress: false });
    stepsRun = history.epochs[0]!.steps;
    return history.epochs[0]!.samples;
  };

  // Warm-up outside the timing: V8 compiles the step's hot path over the first ~150 steps.
  await byWorkload(task.warmupSteps, task.maxSeconds / 2);
  // CPU time beside the wall clock: on a shared machine, the part of the wall time spent waiting for a core shows as the gap.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const timedSamples = await byWorkload(task.steps, task.maxSeconds);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    backend, steps: stepsRun, samples: timedSamples, seconds, samplesPerSecond: timedSamples / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6, finalLoss: lastLoss?.item() ?? null, peakRssMb: peakRssMb(),
    ...(task.backend === 'wasm' ? { wasmMemory: wasmHeap() } : {}),
  };
}

function filled(rows: number, cols: number, seed: number): Tensor {
  return tensor(filledArray(rows * cols, seed)).reshape(rows, cols);
}

/** Best and median GFLOP/s of a.matmul(b), after checking one entry of its result. */
function timeMatmul(shape: GemmShape, a: Tensor, b: Tensor, samples: number): { best: number; median: number } {
  const c = a.matmul(b);
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const row = a.slice(0, m - 1, m).contiguous().data();
  const col = b.slice(1, n - 1, n).contiguous().data();
  checkEntry(`matmul ${m}x${k} · ${k}x${n}`, c.slice(0, m - 1, m).slice(1, n - 1, n).item(), lastEntry(row, col, { m: 1, n: 1, k, transA: false, transB: true }));
  return gflopsOf(() => matmul(a, b), gemmFlops(shape), samples);
}

/**
 * Each shape twice: operands contiguous in the product's own layout, and operands stored the way a layer
 * stores them (W as [out, in], dY as [batch, out]) and passed as transposed views.
 */
async function matmulTask(name: NablaBackend, samples: number): Promise<Record<string, unknown>> {
  const backend = await useBackend(name, 1);
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
 * The wasm backend's sgemm kernel itself (`WasmKernels.gemm`, exported for low-level use), on operands stored
 * as a training step stores them, with the step's transposes: no tensor, no allocation per call.
 */
async function wasmKernelTask(samples: number): Promise<Record<string, unknown>> {
  const { WasmKernels } = await import('@nabla/backend-wasm');
  const wk = WasmKernels.load();
  const cases: Record<string, unknown>[] = [];
  for (const s of GEMM_SHAPES) {
    const aData = filledArray(s.m * s.k, 1);
    const bData = filledArray(s.k * s.n, 2);
    const a = wk.alloc(aData.length);
    const b = wk.alloc(bData.length);
    const c = wk.alloc(s.m * s.n);
    wk.write(a, 0, aData);
    wk.write(b, 0, bData);
    const args = {
      transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: 1, a, aOffset: 0, lda: s.transA ? s.m : s.k,
      b, bOffset: 0, ldb: s.transB ? s.k : s.n, beta: 0, c, cOffset: 0, ldc: s.n,
    };
    wk.gemm(args);
    checkEntry(`WasmKernels.gemm ${s.name}`, wk.read(c)[s.m * s.n - 1]!, lastEntry(aData, bData, s));
    const g = gflopsOf(() => wk.gemm(args), gemmFlops(s), samples);
    cases.push({ ...s, bestGflops: g.best, medianGflops: g.median });
    for (const x of [a, b, c]) wk.release(x);
  }
  return { backend: { name: 'wasm', variant: wk.variant, threads: 1 }, cases, peakRssMb: peakRssMb() };
}

/** Linear memory of the wasm backend at the end of a run, in MiB. */
function wasmHeap(): Record<string, number> {
  const d = backendInfo('wasm').details ?? {};
  const mib = (k: string) => Number(d[k]) / 2 ** 20;
  return { heapMiB: mib('heapSize'), inUseMiB: mib('memoryInUse'), cachedMiB: mib('memoryCached') };
}

/**
 * µs per add, best and median of 10 timed chunks of ops/10 calls, after a warm-up long enough for V8's
 * optimising tier (a few thousand calls leave most of the time in the interpreter).
 */
async function overheadTask(ops: number): Promise<Record<string, unknown>> {
  const backend = await useBackend('native', 1);
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
  const task = JSON.parse(process.argv[2] ?? '{}') as { task: string; backend?: NablaBackend } & Record<string, unknown>;
  const backend = task.backend ?? 'native';
  let result: Record<string, unknown>;
  if (task.task === 'train') result = await train({ ...(task as unknown as TrainTask), backend });
  else if (task.task === 'matmul') result = await matmulTask(backend, task.samples as number);
  else if (task.task === 'wasmKernel') result = await wasmKernelTask(task.samples as number);
  else if (task.task === 'overhead') result = await overheadTask(task.ops as number);
  else if (task.task === 'info') result = { backend: await useBackend(backend, 0) };
  else throw new Error(`unknown task ${JSON.stringify(task.task)}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();

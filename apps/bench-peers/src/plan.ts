// What one run measures, as a list of jobs per round, each job one fresh process. Peers alternate (nabla,
// peer, nabla, peer ...) so that a neighbour's burst of work on the shared machine falls on both sides.

export type DataVariant = 'x255' | 'std';
export type Workload = 'loop' | 'fit';
/** nabla's backends: the C++ addon, WebAssembly SIMD, plain JavaScript. */
export type NablaBackend = 'native' | 'wasm' | 'js';
/** TensorFlow.js 4.22's backends measured: wasm (XNNPACK, SIMD) and cpu (plain JavaScript). */
export type TfjsBackend = 'wasm' | 'cpu';
/**
 * The row groups: 'native' is nabla's native backend beside PyTorch and OpenBLAS; 'wasm' is nabla's wasm and
 * js backends beside TensorFlow.js's wasm and cpu backends.
 */
export type Group = 'native' | 'wasm';
export const GROUPS: readonly Group[] = ['native', 'wasm'];

export interface Options {
  groups: Group[];
  rounds: number;
  steps: number;
  warmupSteps: number;
  /** A training run stops timing after this many seconds even if its steps are not done (samples/s stays exact). */
  maxSeconds: number;
  threads: number[];
  data: DataVariant[];
  /** OpenBLAS settings for PyTorch and cblas_sgemm: 'default' leaves OPENBLAS_CORETYPE unset. */
  coretypes: string[];
  /** Also run PyTorch with its own thread defaults (no set_num_threads, no OPENBLAS_NUM_THREADS). */
  torchDefaultThreads: boolean;
  sgemmSamples: number;
  overheadOps: number;
  seed: number;
  batchSize: number;
}

export interface TrainTask {
  task: 'train';
  workload: Workload;
  data: DataVariant;
  /** 0: the peer's own default. */
  threads: number;
  warmupSteps: number;
  steps: number;
  /** Cap of the timed phase; the warm-up gets half of it. */
  maxSeconds: number;
  seed: number;
  batchSize: number;
}

export type Job =
  | {
    key: string; runner: 'nabla'; backend: NablaBackend;
    task: TrainTask | { task: 'matmul' | 'wasmKernel'; samples: number } | { task: 'overhead'; ops: number };
    /** Run this many identical processes at once (samples/s summed): what the cores give independent trainings. */
    copies?: number;
  }
  | { key: string; runner: 'torch'; coretype: string; ompPassive?: boolean; task: TrainTask | { task: 'overhead'; ops: number } }
  | { key: string; runner: 'sgemm'; coretype?: string; mode: 'ours' | 'blas' | 'peak'; samples: number }
  | { key: string; runner: 'tfjs'; backend: TfjsBackend; task: TrainTask | { task: 'matmul'; samples: number } };

export interface Available {
  torch: boolean;
  sgemm: boolean;
  openblas: boolean;
  /** nabla's wasm backend loads here. */
  wasm?: boolean;
  /** TensorFlow.js's wasm and cpu backends load here. */
  tfjs?: boolean;
}

/** The training workload of TensorFlow.js in keys: a tf.layers model trained with model.trainOnBatch. */
export const TFJS_WORKLOAD = 'trainOnBatch';

/**
 * PyTorch's settings at `threads`: each OpenBLAS core type, and above one thread each also with
 * OMP_WAIT_POLICY=PASSIVE. PyTorch's OpenMP threads spin while they wait for work, which is fastest on idle
 * cores and collapses (by 10× and more) when other processes hold the cores; the faster setting is the peer.
 */
export function torchSettings(o: Options, threads: number): { side: string; coretype: string; ompPassive: boolean }[] {
  return o.coretypes.flatMap((coretype) => [
    { side: `torch-${coretype}`, coretype, ompPassive: false },
    ...(threads > 1 ? [{ side: `torch-${coretype}-passive`, coretype, ompPassive: true }] : []),
  ]);
}

export function trainKey(side: string, workload: Workload | string, data: DataVariant, threads: number): string {
  return `train/${side}/${workload}/${data}/${threads === 0 ? 'default' : `${threads}t`}`;
}

/** The side of `processes` 1-thread nabla processes training at once. */
export function processesSide(processes: number): string {
  return `nabla-${processes}-processes`;
}

function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}

/**
 * The jobs of one round, in the order they run. Who goes first swaps from round to round, so that a slow
 * drift of the machine's load does not favour one side.
 */
export function roundJobs(o: Options, have: Available, round = 1): Job[] {
  const zip = <T>(ours: readonly T[], theirs: readonly T[]): T[] => (round % 2 === 1 ? interleave(ours, theirs) : interleave(theirs, ours));
  const train = (workload: Workload, data: DataVariant, threads: number): TrainTask => ({
    task: 'train', workload, data, threads, warmupSteps: o.warmupSteps, steps: o.steps, maxSeconds: o.maxSeconds, seed: o.seed, batchSize: o.batchSize,
  });
  const micro: Job[] = [];
  const training: Job[] = [];
  if (o.groups.includes('native')) {
    const [m, t] = nativeJobs(o, have, zip, train);
    micro.push(...m);
    training.push(...t);
  }
  if (o.groups.includes('wasm')) {
    const [m, t] = wasmJobs(o, have, zip, train);
    micro.push(...m);
    training.push(...t);
  }
  return [...micro, ...training];
}

type Zip = <T>(ours: readonly T[], theirs: readonly T[]) => T[];
type MakeTrain = (workload: Workload, data: DataVariant, threads: number) => TrainTask;

/** nabla's native backend beside PyTorch and OpenBLAS: sgemm, matmul, overhead, then training. */
function nativeJobs(o: Options, have: Available, zip: Zip, train: MakeTrain): [Job[], Job[]] {
  const nabla: Job[] = [];
  const peers: Job[] = [];

  if (have.sgemm) {
    nabla.push({ key: 'sgemm/nabla', runner: 'sgemm', mode: 'ours', samples: o.sgemmSamples });
    if (have.openblas) {
      for (const c of o.coretypes) peers.push({ key: `sgemm/openblas/${c}`, runner: 'sgemm', coretype: c, mode: 'blas', samples: o.sgemmSamples });
    }
    nabla.push({ key: 'peak', runner: 'sgemm', mode: 'peak', samples: 1 });
  }
  nabla.push({ key: 'matmul/nabla', runner: 'nabla', backend: 'native', task: { task: 'matmul', samples: o.sgemmSamples } });
  nabla.push({ key: 'overhead/nabla', runner: 'nabla', backend: 'native', task: { task: 'overhead', ops: o.overheadOps } });
  if (have.torch) peers.push({ key: 'overhead/torch', runner: 'torch', coretype: 'default', task: { task: 'overhead', ops: o.overheadOps } });
  const micro = zip(nabla, peers);

  const nablaTrain: Job[] = [];
  const torchTrain: Job[] = [];
  for (const threads of o.threads) {
    for (const data of o.data) {
      for (const workload of ['loop', 'fit'] as const) {
        nablaTrain.push({ key: trainKey('nabla', workload, data, threads), runner: 'nabla', backend: 'native', task: train(workload, data, threads) });
      }
      // The ceiling of any split of one training over `threads` cores: as many 1-thread trainings at once.
      if (threads > 1 && o.threads.includes(1)) {
        nablaTrain.push({
          key: trainKey(processesSide(threads), 'loop', data, 1), runner: 'nabla', backend: 'native', task: train('loop', data, 1), copies: threads,
        });
      }
      if (!have.torch) continue;
      for (const t of torchSettings(o, threads)) {
        torchTrain.push({
          key: trainKey(t.side, 'loop', data, threads), runner: 'torch', coretype: t.coretype, ompPassive: t.ompPassive,
          task: train('loop', data, threads),
        });
      }
    }
  }
  if (have.torch && o.torchDefaultThreads) {
    for (const c of o.coretypes) {
      torchTrain.push({ key: trainKey(`torch-${c}`, 'loop', o.data[0]!, 0), runner: 'torch', coretype: c, task: train('loop', o.data[0]!, 0) });
    }
  }
  return [micro, zip(nablaTrain, torchTrain)];
}

/**
 * nabla's wasm and js backends beside TensorFlow.js's wasm and cpu backends, all at 1 thread on the first data
 * variant: the wasm sgemm kernel and `a.matmul(b)` on wasm against tf.matMul on tfjs-wasm, then training.
 */
function wasmJobs(o: Options, have: Available, zip: Zip, train: MakeTrain): [Job[], Job[]] {
  const data = o.data[0]!;
  const nabla: Job[] = [];
  const peers: Job[] = [];
  if (have.wasm) {
    nabla.push({ key: 'sgemm/nabla-wasm', runner: 'nabla', backend: 'wasm', task: { task: 'wasmKernel', samples: o.sgemmSamples } });
    nabla.push({ key: 'matmul/nabla-wasm', runner: 'nabla', backend: 'wasm', task: { task: 'matmul', samples: o.sgemmSamples } });
  }
  if (have.tfjs) peers.push({ key: 'sgemm/tfjs-wasm', runner: 'tfjs', backend: 'wasm', task: { task: 'matmul', samples: o.sgemmSamples } });
  const micro = zip(nabla, peers);

  const nablaTrain: Job[] = [];
  const tfjsTrain: Job[] = [];
  for (const backend of have.wasm ? (['wasm', 'js'] as const) : (['js'] as const)) {
    nablaTrain.push({ key: trainKey(`nabla-${backend}`, 'loop', data, 1), runner: 'nabla', backend, task: train('loop', data, 1) });
  }
  if (have.tfjs) {
    for (const backend of ['wasm', 'cpu'] as const) {
      tfjsTrain.push({ key: trainKey(`tfjs-${backend}`, TFJS_WORKLOAD, data, 1), runner: 'tfjs', backend, task: train('loop', data, 1) });
    }
  }
  return [micro, zip(nablaTrain, tfjsTrain)];
}

export const DEFAULTS: Options = {
  groups: [...GROUPS],
  rounds: 3,
  steps: 1000,
  warmupSteps: 200,
  maxSeconds: 20,
  threads: [1, 2],
  data: ['x255', 'std'],
  coretypes: ['default', 'SkylakeX'],
  torchDefaultThreads: true,
  sgemmSamples: 20,
  overheadOps: 100_000,
  seed: 42,
  batchSize: 128,
};

/** About 30 seconds: one round of short runs at 1 thread on x/255, to check that every side works. */
export const QUICK: Partial<Options> = {
  rounds: 1, steps: 60, warmupSteps: 20, maxSeconds: 5, threads: [1], data: ['x255'], torchDefaultThreads: false, sgemmSamples: 3, overheadOps: 10_000,
};

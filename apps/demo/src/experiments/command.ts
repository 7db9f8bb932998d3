// `pnpm demo experiments`: runs the lessons about training neural networks as measured experiments on one
// backend, writes each one's figures, a JSON of all results and one self-contained HTML report to
// demo-output/experiments/.

import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { listBackends } from '@nabla/core';
import { useBackend } from '../backends.js';
import { ensureDir, writeJson } from '../output.js';
import { formatTable } from '../table.js';
import { renderReport } from '../report.js';
import { OUTCOME_LABEL, type ExperimentResult, makeDataCache, sliceSizes } from './common.js';
import { EXPERIMENTS } from './index.js';

export interface ExperimentsOptions {
  quick: boolean;
  only?: string;
  backend?: string;
  out: string;
}

export interface ExperimentsRun {
  date: string;
  quick: boolean;
  backend: string;
  machine: { cpu: string; cores: number; node: string };
  data: { train: number; test: number };
  seconds: number;
  experiments: ExperimentResult[];
}

function selected(only: string | undefined) {
  if (only === undefined) return EXPERIMENTS;
  const ids = only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) {
    if (!EXPERIMENTS.some((e) => e.id === id)) {
      throw new Error(`--only: unknown experiment '${id}'; known: ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
    }
  }
  return EXPERIMENTS.filter((e) => ids.includes(e.id));
}

export async function experimentsCommand(options: ExperimentsOptions, log: (line: string) => void = console.log): Promise<ExperimentsRun> {
  const experiments = selected(options.only);
  const backend = options.backend ?? listBackends().find((b) => b.available)?.name;
  if (!backend) throw new Error('no backend is available');
  const description = useBackend(backend);
  const dir = ensureDir(options.out, 'experiments');
  const sizes = sliceSizes(options.quick);
  log(`Experiments on ${description}, ${options.quick ? 'quick' : 'full'} run: MNIST train ${sizes.train}, test ${sizes.test}.`);
  const ctx = { quick: options.quick, dir, backend, log, data: makeDataCache(options.quick) };
  const start = performance.now();
  const results: ExperimentResult[] = [];
  for (const e of experiments) {
    const t0 = performance.now();
    const r = await e.run(ctx);
    const result: ExperimentResult = { id: e.id, title: e.title, question: e.question, lesson: e.lesson, ...r, seconds: (performance.now() - t0) / 1000 };
    results.push(result);
    log(`\n== ${e.title} (${result.seconds.toFixed(1)} s)\nLesson: ${e.lesson}\n${formatTable(result.table.headers, result.table.rows)}\n` +
      `=> ${OUTCOME_LABEL[result.verdict.outcome]}: ${result.verdict.text}`);
  }
  const run: ExperimentsRun = {
    date: new Date().toISOString(),
    quick: options.quick,
    backend: description,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    data: sizes,
    seconds: (performance.now() - start) / 1000,
    experiments: results,
  };
  writeJson(join(dir, 'results.json'), run);
  const report = join(dir, 'report.html');
  writeFileSync(report, renderReport(run, dir, options.out));
  log(`\n${results.map((r) => `${r.id}: ${OUTCOME_LABEL[r.verdict.outcome].toLowerCase()}`).join('; ')}`);
  if (options.quick) log('A quick run is too small to settle the lessons that need training; run without --quick for the verdicts.');
  log(`\n${results.length} experiments in ${run.seconds.toFixed(1)} s. Wrote ${join(dir, 'results.json')}, the figures and ${report}`);
  return run;
}

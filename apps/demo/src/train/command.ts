// `pnpm demo` (the `train` command): the recipe once per backend, each in its own process, then one table,
// a JSON of the results and plots of loss and accuracy per backend in demo-output/train/.

import { cpus } from 'node:os';
import { join } from 'node:path';
import { chooseBackends } from '../backends.js';
import { type Figure, steps, writeAccuracyChart, writeLineChart } from '../charts.js';
import { runInChild } from '../child.js';
import { ensureDir, writeJson } from '../output.js';
import { RECIPE } from '../recipe.js';
import { fmtNumber, formatTable } from '../table.js';
import type { LrSchedule, TrainResult, TrainTask } from './worker.js';

export interface TrainOptions {
  epochs: number;
  /** Training samples per epoch, the same for every backend; undefined: DEFAULT_LIMIT. */
  limit?: number;
  /** Test samples for accuracy; undefined for all 10000. */
  testLimit?: number;
  backends: string;
  threads?: number;
  seed: number;
  /** The learning rate over the epochs: cosine decay from 1e-3 to 0 (the recipe's, the default) or a constant 1e-3. */
  lrSchedule?: LrSchedule;
  out: string;
  progress: boolean;
}

/**
 * Training samples per epoch by default, for every backend: the first 20,000 of each epoch's shuffled order
 * (whole batches, so 20,096). Both backends then train on the same samples from the same weights, so their
 * accuracies compare like for like, and the js backend's run takes seconds rather than a minute.
 */
export const DEFAULT_LIMIT = 20_000;

/** First-step losses of two backends agree when they differ by at most this, relative to the loss. */
export const LOSS_TOLERANCE = 1e-5;

export interface Agreement {
  ok: boolean;
  sameWeights: boolean;
  maxDifference: number;
  message: string;
}

/** Compares the runs' initial weights and first-step losses. */
export function checkAgreement(results: readonly TrainResult[]): Agreement {
  if (results.length < 2) {
    return { ok: true, sameWeights: true, maxDifference: 0, message: 'only one backend ran: nothing to compare' };
  }
  const [ref, ...others] = results as [TrainResult, ...TrainResult[]];
  const sameWeights = others.every((r) => r.initialWeights === ref.initialWeights);
  const maxDifference = Math.max(...others.map((r) => Math.abs(r.firstStepLoss - ref.firstStepLoss)));
  const tolerance = LOSS_TOLERANCE * Math.max(1, Math.abs(ref.firstStepLoss));
  const ok = sameWeights && maxDifference <= tolerance;
  const losses = results.map((r) => `${r.backend} ${r.firstStepLoss.toFixed(6)}`).join(', ');
  const weights = sameWeights
    ? `identical initial weights (digest ${ref.initialWeights})`
    : `DIFFERENT initial weights (${results.map((r) => `${r.backend} ${r.initialWeights}`).join(', ')})`;
  const verdict = ok
    ? `first-step losses agree to float tolerance: ${losses} (|difference| ${maxDifference.toExponential(1)} <= ${tolerance.toExponential(0)})`
    : `first-step losses DO NOT agree: ${losses} (|difference| ${maxDifference.toExponential(1)} > ${tolerance.toExponential(0)})`;
  return { ok, sameWeights, maxDifference, message: `${weights}; ${verdict}` };
}

/** One sentence on what the table compares: accuracy and speed when every backend saw the same samples, speed only otherwise. */
export function comparisonNote(results: readonly TrainResult[]): string {
  if (results.length < 2) return '';
  const counts = new Set(results.map((r) => `${r.samplesPerEpoch}x${r.epochs.length}`));
  const first = results[0]!;
  return counts.size === 1
    ? `Every backend trained on the same ${fmtNumber(first.samplesPerEpoch)} samples per epoch for ${first.epochs.length} epoch(s), ` +
      'from the same weights: accuracy and speed compare like for like.'
    : 'The backends trained on different numbers of samples: compare their speed only, not their accuracy.';
}

export function resultsTable(results: readonly TrainResult[]): string {
  const js = results.find((r) => r.backend === 'js');
  return formatTable(
    ['backend', 'threads', 'samples/epoch', 'samples/s', 's/epoch', 'test accuracy', 'peak RSS (MB)', 'speedup vs js'],
    results.map((r) => [
      r.backend, r.threads, fmtNumber(r.samplesPerEpoch), fmtNumber(r.samplesPerSecond), r.secondsPerEpoch.toFixed(2),
      `${(r.testAccuracy * 100).toFixed(2)}%`, fmtNumber(r.peakRssMb), js ? `${(r.samplesPerSecond / js.samplesPerSecond).toFixed(1)}x` : '-',
    ]),
  );
}

async function plots(dir: string, results: readonly TrainResult[]): Promise<Figure[]> {
  const perEpoch = (pick: (e: TrainResult['epochs'][number]) => number, suffix: string) =>
    results.map((r) => ({ name: `${r.backend} ${suffix}`, x: r.epochs.map((e) => e.epoch), y: r.epochs.map(pick) }));
  return [
    await writeLineChart(dir, 'loss', {
      title: 'Loss per epoch', xTitle: 'epoch', yTitle: 'cross-entropy loss', points: true,
      series: [...perEpoch((e) => e.loss, 'train'), ...perEpoch((e) => e.testLoss, 'test')],
    }),
    await writeAccuracyChart(dir, 'accuracy', {
      title: 'Accuracy per epoch', xTitle: 'epoch', yTitle: 'accuracy', points: true,
      series: [...perEpoch((e) => e.accuracy, 'train'), ...perEpoch((e) => e.testAccuracy, 'test')],
    }),
    await writeLineChart(dir, 'step-loss', {
      title: 'Training loss per step', xTitle: 'step', yTitle: 'loss (log scale)', logY: true,
      series: results.map((r) => ({ name: r.backend, x: steps(r.stepLoss.length, 1), y: r.stepLoss })),
    }),
  ];
}

export async function trainCommand(options: TrainOptions, log: (line: string) => void = console.log): Promise<void> {
  const choice = chooseBackends(options.backends);
  for (const s of choice.skipped) log(`skipping backend '${s.name}': ${s.reason}`);
  if (choice.run.length === 0) throw new Error('no requested backend is available here');
  const dir = ensureDir(options.out, 'train');
  const lrSchedule = options.lrSchedule ?? RECIPE.lrSchedule;
  log(`Recipe: MLP ${RECIPE.layers.join('-')} ReLU, Adam lr ${RECIPE.lr}${lrSchedule === 'cosine' ? ' with cosine decay to 0' : ' (constant)'}, batch ${RECIPE.batchSize}, pixels / 255, ` +
    `seed ${options.seed}, ${options.epochs} epoch(s); ${options.testLimit === undefined ? 'the MNIST test set (10,000)' : `the first ${options.testLimit} MNIST test images`} for accuracy.`);
  const results: TrainResult[] = [];
  for (const backend of choice.run) {
    const limit = options.limit ?? DEFAULT_LIMIT;
    log(`\n== ${backend}: ${limit >= 60_000 ? 'all 60,000' : `the first ${fmtNumber(limit)} of the shuffled 60,000`} training samples per epoch`);
    const task: TrainTask = {
      backend, epochs: options.epochs, limit, testLimit: options.testLimit ?? null, seed: options.seed, threads: options.threads ?? null, progress: options.progress,
      lrSchedule,
    };
    results.push(await runInChild<TrainResult>('train', task));
  }
  const agreement = checkAgreement(results);
  const comparison = comparisonNote(results);
  log(`\n${resultsTable(results)}\n`);
  if (comparison) log(comparison);
  log(agreement.message);
  const figures = await plots(dir, results);
  const file = join(dir, 'results.json');
  writeJson(file, {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    recipe: { ...RECIPE, lrSchedule, seed: options.seed, epochs: options.epochs },
    agreement,
    comparison,
    results,
    figures,
  });
  log(`\nWrote ${file} and ${figures.map((f) => f.png).join(', ')} (+ .svg) in ${dir}`);
  if (!agreement.ok) process.exitCode = 1;
}

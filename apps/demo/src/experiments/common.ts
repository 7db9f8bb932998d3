// What every experiment shares: its context (quick or full, output folder, cached MNIST slices), its result
// record (the lesson it tests, figures, a table, numbers and a verdict computed from them), and a small
// training helper.

import { manualSeed, noGrad, type Tensor } from '@nabla/core';
import type { Module } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { accuracy, fit, type Callback, type History, type OptimizerLike } from '@nabla/train';
import type { Figure } from '../charts.js';
import type { Cell } from '../table.js';
import { RECIPE, loader, mnist, type MnistSplit } from '../recipe.js';

export interface ExperimentContext {
  quick: boolean;
  /** Folder for this run's figures. */
  dir: string;
  backend: string;
  log: (line: string) => void;
  /** MNIST train (a slice when quick) and test (a slice when quick), pixels / 255 or raw. */
  data(split: 'train' | 'test', raw?: boolean): MnistSplit;
}

/**
 * What a run says about a lesson: it showed it, it showed the opposite or nothing (on this data the lesson
 * does not hold), or the run was too small or too noisy to tell either way.
 */
export type Outcome = 'shown' | 'not-shown' | 'inconclusive';

export const OUTCOME_LABEL: Record<Outcome, string> = {
  shown: 'Shown',
  'not-shown': 'Not shown',
  inconclusive: 'Too little data to tell',
};

export interface Verdict {
  outcome: Outcome;
  /** Sentences built from the measured numbers. */
  text: string;
}

export interface ExperimentResult {
  id: string;
  title: string;
  /** What is being asked, in one sentence. */
  question: string;
  /** The claim being tested, as the lesson states it. */
  lesson: string;
  verdict: Verdict;
  figures: Figure[];
  table: { headers: string[]; rows: Cell[][] };
  /** The measured numbers behind the verdict, for the JSON. */
  numbers: Record<string, unknown>;
  seconds: number;
}

export interface Experiment {
  id: string;
  title: string;
  question: string;
  lesson: string;
  run(ctx: ExperimentContext): Promise<Omit<ExperimentResult, 'id' | 'title' | 'question' | 'lesson' | 'seconds'>>;
}

/**
 * Two accuracies measured on the same `n` test images differ clearly when the gap exceeds twice the
 * standard error of the difference (binomial, treating the two as independent, which overstates the noise
 * a little and so errs towards "too close to tell").
 */
export function clearGap(a: number, b: number, n: number): boolean {
  const se = Math.sqrt((a * (1 - a) + b * (1 - b)) / n);
  return Math.abs(a - b) > 2 * Math.max(se, 0.5 / n);
}

export interface ArmComparison {
  /** Final accuracy of the arm the lesson says wins, and of the other one. */
  favoured: number;
  other: number;
  /** Test images both accuracies were measured on. */
  testImages: number;
  quick: boolean;
  /** The verdict's text when the favoured arm wins clearly, when it does not, and when the gap is within the noise. */
  shown: string;
  notShown: string;
  tooClose: string;
}

/**
 * The verdict of a training comparison from its numbers. A quick run never settles it (it says what it saw so
 * far); a full run calls a gap within the test set's noise too close to tell.
 */
export function compareArms(c: ArmComparison): Verdict {
  if (c.quick) return { outcome: 'inconclusive', text: `${QUICK_CAVEAT} So far: ${c.favoured > c.other ? c.shown : c.notShown}` };
  if (!clearGap(c.favoured, c.other, c.testImages)) return { outcome: 'inconclusive', text: c.tooClose };
  return c.favoured > c.other ? { outcome: 'shown', text: c.shown } : { outcome: 'not-shown', text: c.notShown };
}

/** What a quick run says before any lesson that needs training: it cannot settle it. */
export const QUICK_CAVEAT = `A quick run (${sliceSizes(true).train.toLocaleString('en-US')} training images, ` +
  `${sliceSizes(true).test} test images) is too small to settle a lesson about training; the full run (without --quick) can.`;

export const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Sizes of the MNIST slices: quick runs take seconds, full runs use all of MNIST. */
export function sliceSizes(quick: boolean): { train: number; test: number } {
  return quick ? { train: 1_500, test: 500 } : { train: 60_000, test: 10_000 };
}

export function makeDataCache(quick: boolean): ExperimentContext['data'] {
  const cache = new Map<string, MnistSplit>();
  const sizes = sliceSizes(quick);
  return (split, raw = false) => {
    const key = `${split}/${raw}`;
    let d = cache.get(key);
    if (!d) cache.set(key, (d = mnist(split, { raw, limit: sizes[split] })));
    return d;
  };
}

export interface RunOptions {
  model: Module;
  optimizer: OptimizerLike;
  epochs: number;
  batchSize: number;
  raw?: boolean;
  callbacks?: Callback[];
}

export interface RunResult {
  history: History;
  /** Test accuracy after each epoch. */
  testAccuracy: number[];
  testLoss: number[];
}

/** Trains on the context's MNIST slice with cross-entropy, validating on its test slice each epoch. */
export async function trainOnMnist(ctx: ExperimentContext, options: RunOptions): Promise<RunResult> {
  const train = ctx.data('train', options.raw);
  const test = ctx.data('test', options.raw);
  const history = await fit(options.model, loader(train, options.batchSize, true), {
    loss: new CrossEntropyLoss(),
    optimizer: options.optimizer,
    epochs: options.epochs,
    validation: loader(test, 1000, false),
    metrics: ['accuracy'],
    progress: false,
    callbacks: options.callbacks ?? [],
  });
  return {
    history,
    testAccuracy: history.epochs.map((e) => e.valMetrics!.accuracy!),
    testLoss: history.epochs.map((e) => e.valLoss!),
  };
}

/** Seeds the weights so that the two arms of an experiment start alike. */
export function seeded<T>(build: () => T, seed: number = RECIPE.seed): T {
  manualSeed(seed);
  return build();
}

export const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
export const last = (xs: readonly number[]): number => xs[xs.length - 1]!;
export const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length === 0 ? NaN : s / xs.length;
};
export const epochsAxis = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** L2 norm of a tensor's values. */
export function norm(t: Tensor): number {
  const d = t.data();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}

/** Accuracy of `model` on a split, in eval mode (BatchNorm's running statistics) and without gradients. */
export function accuracyOn(model: Module, split: MnistSplit): number {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => accuracy(model.forward(split.x), split.y));
  } finally {
    model.train(wasTraining);
  }
}

/** The first `rows` samples of a split. */
export function head(split: MnistSplit, rows: number): MnistSplit {
  const n = Math.min(rows, split.x.shape[0]!);
  return { x: split.x.slice(0, 0, n), y: split.y.slice(0, 0, n) };
}

// What every experiment shares: its context (quick or full, output folder, cached MNIST slices), its result
// record (figures, a table, numbers and a verdict computed from them), and a small training helper.

import { manualSeed, type Tensor } from '@nabla/core';
import type { Module } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { fit, type History, type OptimizerLike } from '@nabla/train';
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

export interface ExperimentResult {
  id: string;
  title: string;
  /** What is being asked, in one sentence. */
  question: string;
  /** One line, computed from the numbers. */
  verdict: string;
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
  run(ctx: ExperimentContext): Promise<Omit<ExperimentResult, 'id' | 'title' | 'question' | 'seconds'>>;
}

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

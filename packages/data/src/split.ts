// Train/validation split of a dataset into two Subsets (views, no copies), random but seeded, optionally
// stratified so that every class keeps its share in both parts.

import { Generator, ValueError } from '@nabla/core';
import { checkFraction, checkOptions } from './checks.js';
import { Subset, type Dataset } from './dataset.js';
import { permutation, toSeed32 } from './random.js';

export interface SplitOptions {
  /** Seed of the random assignment. Default 0. */
  seed?: number;
  /** Keep each class's proportion in both parts (needs class labels: y a class index or one-hot). */
  stratify?: boolean;
}

/**
 * Splits `dataset` into train and validation parts, `valFraction` of the samples (rounded) going to
 * validation. Both parts list their indices in ascending order, so an unshuffled loader over either
 * reads the underlying storage front to back.
 */
export function trainValSplit(
  dataset: Dataset, valFraction: number, rawOptions: SplitOptions = {},
): { train: Subset; val: Subset } {
  checkFraction('trainValSplit', 'valFraction', valFraction);
  const options = checkOptions('trainValSplit', rawOptions, ['seed', 'stratify']);
  const seed = toSeed32(options.seed ?? 0, 'trainValSplit: seed');
  const n = dataset.length;
  const valCount = Math.round(n * valFraction);
  if (valCount === 0 || valCount === n) {
    throw new ValueError(`trainValSplit: valFraction ${valFraction} of ${n} samples leaves ` +
      `${valCount === 0 ? 'the validation' : 'the training'} part empty`);
  }
  const isVal = new Uint8Array(n);
  if (options.stratify) {
    markStratified(dataset, valCount, seed, isVal);
  } else {
    const order = permutation(n, seed);
    for (let i = 0; i < valCount; i++) isVal[order[i]] = 1;
  }
  const train: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) (isVal[i] ? val : train).push(i);
  return { train: new Subset(dataset, train), val: new Subset(dataset, val) };
}

/**
 * Picks valCount samples for validation, class by class. Each class gets its exact share rounded by the
 * largest-remainder method, so the per-class counts add up to valCount.
 */
function markStratified(dataset: Dataset, valCount: number, seed: number, isVal: Uint8Array): void {
  const n = dataset.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const label = classOf(dataset, i);
    let members = byClass.get(label);
    if (!members) byClass.set(label, (members = []));
    members.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const quotas = classes.map((c) => {
    const exact = (byClass.get(c)!.length * valCount) / n;
    return { c, take: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let missing = valCount - quotas.reduce((s, q) => s + q.take, 0);
  // Ties go to the smaller class label, so the result depends on nothing but the data and the seed.
  const byRemainder = [...quotas].sort((a, b) => b.remainder - a.remainder || a.c - b.c);
  for (const q of byRemainder) {
    if (missing === 0) break;
    q.take++;
    missing--;
  }
  const rng = new Generator(seed);
  for (const q of quotas) {
    const members = rng.shuffle(Uint32Array.from(byClass.get(q.c)!));
    for (let i = 0; i < q.take; i++) isVal[members[i]] = 1;
  }
}

/** The class of sample i: y is a class index (shape [] or [1]) or a one-hot vector (argmax). */
function classOf(dataset: Dataset, i: number): number {
  const y = dataset.get(i).y;
  if (y.length === 1) {
    const label = y[0];
    if (!Number.isInteger(label) || label < 0) {
      throw new ValueError(`trainValSplit: stratify needs class labels, but sample ${i} has y = ${label} ` +
        '(expected a non-negative integer or a one-hot vector)');
    }
    return label;
  }
  let best = 0;
  let ones = 0;
  for (let k = 0; k < y.length; k++) {
    if (y[k] !== 0 && y[k] !== 1) {
      throw new ValueError(`trainValSplit: stratify needs class labels, but sample ${i} has y[${k}] = ${y[k]} ` +
        '(expected a class index or a one-hot vector of 0s and 1s)');
    }
    if (y[k] === 1) { best = k; ones++; }
  }
  if (ones !== 1) {
    throw new ValueError(`trainValSplit: stratify needs class labels, but sample ${i}'s y has ${ones} ones ` +
      '(expected a one-hot vector)');
  }
  return best;
}

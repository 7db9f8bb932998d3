// DistributedSampler: each rank's share of a dataset for one epoch. Every rank draws the same permutation
// (the DataLoader's: seed + epoch, so all ranks agree without talking), and rank r takes positions r, r + W,
// r + 2W, ... of it (W = worldSize), as PyTorch does. Step k of the W ranks with batch B therefore covers
// positions kWB .. (k+1)WB - 1 of the permutation: exactly the batch of one process with batch W·B that
// shuffles with the same seed.
//
// Every rank must run the same number of steps (each step is a collective), so shares have equal length.
// When the dataset size n is not a multiple of W: by default the permutation is padded with its own first
// samples up to the next multiple (PyTorch's choice; those few samples are seen twice that epoch), and with
// dropLast its last n mod W samples are left out instead (seen by no rank that epoch; a different set every
// epoch when shuffling). When n is a multiple of W, every sample is seen exactly once per epoch.

import { ValueError, describeValue } from '@nabla/core';
import { permutation, type Sampler } from '@nabla/data';
import { getProcessGroup } from './group.js';
import { checkKnownKeys } from './options.js';

export interface DistributedSamplerOptions {
  /** Number of ranks. Default: the process group's worldSize (initDistributed must have run). */
  worldSize?: number;
  /** This process's rank. Default: the process group's rank. */
  rank?: number;
  /** A new permutation every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle, the same on every rank; epoch e uses seed + e. Default 0. */
  seed?: number;
  /** Leave out the last n mod worldSize samples rather than repeat the first ones. Default false. */
  dropLast?: boolean;
}

function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ValueError(`DistributedSampler: ${name} must be an integer >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`DistributedSampler: ${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

export class DistributedSampler implements Sampler {
  readonly worldSize: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Samples per rank per epoch. */
  readonly length: number;
  /** Samples per epoch over all ranks (n padded up, or cut down, to a multiple of worldSize). */
  readonly totalSize: number;
  /** The epoch indices() returns; a DataLoader passes its own epoch to order() instead. */
  epoch = 0;

  /** `dataset` is anything with a length (a Dataset), or the number of samples. */
  constructor(dataset: { readonly length: number } | number, options: DistributedSamplerOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`DistributedSampler: options must be an object, got ${describeValue(options)}`);
    }
    checkKnownKeys('DistributedSampler', options, ['worldSize', 'rank', 'shuffle', 'seed', 'dropLast']);
    const n = typeof dataset === 'number' ? dataset : dataset?.length;
    this.datasetLength = checkInteger('the dataset length', n, 0);
    const group = options.worldSize === undefined || options.rank === undefined ? getProcessGroup() : null;
    this.worldSize = checkInteger('worldSize', options.worldSize ?? group!.worldSize, 1);
    this.rank = checkInteger('rank', options.rank ?? group!.rank, 0);
    if (this.rank >= this.worldSize) {
      throw new ValueError(`DistributedSampler: rank ${this.rank} is out of range for worldSize ${this.worldSize}`);
    }
    this.shuffle = checkBoolean('shuffle', options.shuffle ?? true);
    this.dropLast = checkBoolean('dropLast', options.dropLast ?? false);
    this.seed = options.seed ?? 0;
    if (!Number.isSafeInteger(this.seed)) throw new ValueError(`DistributedSampler: seed must be a safe integer, got ${describeValue(this.seed)}`);
    const whole = Math.floor(this.datasetLength / this.worldSize);
    this.length = this.dropLast || this.datasetLength % this.worldSize === 0 ? whole : whole + 1;
    if (this.datasetLength > 0 && this.length === 0) {
      throw new ValueError(`DistributedSampler: with dropLast, ${this.datasetLength} samples leave nothing for each of ` +
        `${this.worldSize} ranks`);
    }
    this.totalSize = this.length * this.worldSize;
  }

  private readonly datasetLength: number;

  /** Sets the epoch that indices() returns (PyTorch's set_epoch). */
  setEpoch(epoch: number): void {
    if (!Number.isSafeInteger(epoch) || epoch < 0) {
      throw new RangeError(`DistributedSampler.setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    }
    this.epoch = epoch;
  }

  /** This rank's indices for the epoch set by setEpoch. */
  indices(): Uint32Array {
    return this.order(this.epoch);
  }

  /** This rank's indices for epoch `epoch` (what a DataLoader calls). */
  order(epoch: number): Uint32Array {
    if (!Number.isSafeInteger(epoch) || epoch < 0) {
      throw new RangeError(`DistributedSampler.order: epoch must be a non-negative integer, got ${epoch}`);
    }
    const n = this.datasetLength;
    const base = this.shuffle ? permutation(n, this.seed + epoch) : Uint32Array.from({ length: n }, (_, i) => i);
    const out = new Uint32Array(this.length);
    for (let i = 0; i < this.length; i++) {
      // Position in the padded (or cut) permutation; padding wraps around to its start.
      out[i] = base[(this.rank + i * this.worldSize) % n]!;
    }
    return out;
  }
}

// DataLoader: batches of a dataset as tensors, in a seeded order that is the same on every machine.
//
// Each batch is built by copying its rows into ONE host array for x and one for y, which the batch tensors
// then adopt (or copy, for a backend with memory of its own). The arrays are new per batch on purpose: a user
// (or autograd) may keep a batch after the loop moves on, so a reused one would silently change data they
// hold. x comes from host memory without a zero fill, since the dataset's copy writes every value.

import { Tensor, ValueError, hostMemory, tensor } from '@nabla/core';
import { checkOptions, checkPositiveInteger, describe, sizeOfShape } from './checks.js';
import { ArrayDataset, Subset, copySamples, type Dataset } from './dataset.js';
import { ByteImageDataset } from './byte-image-dataset.js';
import { permutation, toSeed32 } from './random.js';

export interface DataLoaderOptions {
  /** Samples per batch, a positive integer. Default 1 (as in PyTorch). */
  batchSize?: number;
  /** Visit the samples in a new random order every epoch. Default false (dataset order). */
  shuffle?: boolean;
  /** Skip the last batch when it is smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Seed of the shuffle; epoch e uses seed + e. Default 0, so runs are reproducible unless you change it. */
  seed?: number;
  /**
   * Decides which samples each epoch visits, and in what order, instead of shuffle (e.g. a
   * DistributedSampler, which gives each process its own share). Cannot be combined with shuffle: true.
   */
  sampler?: Sampler;
}

/** The indices an epoch visits, in order (PyTorch's Sampler, with the epoch passed in). */
export interface Sampler {
  /** Number of indices every epoch yields. */
  readonly length: number;
  /** The indices epoch `epoch` visits, each in 0..dataset.length-1. */
  order(epoch: number): Uint32Array;
}

export interface Batch {
  /** [batch, ...dataset.xShape] */
  x: Tensor;
  /** [batch, ...dataset.yShape]; class indices give [batch]. */
  y: Tensor;
}

export class DataLoader implements Iterable<Batch>, AsyncIterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  readonly sampler: Sampler | undefined;
  /** The epoch the next iteration runs; starts at 0 and counts up each time an iteration begins. */
  epoch = 0;

  /** `new DataLoader(dataset, 32)` is `new DataLoader(dataset, { batchSize: 32 })`, as PyTorch's positional batch_size. */
  constructor(readonly dataset: Dataset, batchSizeOrOptions: DataLoaderOptions | number = {}) {
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function' ||
        !Number.isInteger(dataset.length)) {
      throw new TypeError('DataLoader: expected a dataset with a length and get(index)');
    }
    for (const key of ['xShape', 'yShape'] as const) {
      const shape: unknown = dataset[key];
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new TypeError(`DataLoader: the dataset's ${key} must be the shape of one sample's ${key[0]} (e.g. [784], or [] ` +
          `for a class label), got ${describe(shape)}`);
      }
    }
    const options = typeof batchSizeOrOptions === 'number'
      ? { batchSize: batchSizeOrOptions }
      : checkOptions('DataLoader', batchSizeOrOptions, ['batchSize', 'shuffle', 'dropLast', 'seed', 'sampler'], {
        generator: "the shuffle's generator is seeded by 'seed'",
        num_workers: 'batches are built in this process; there are no workers',
        numWorkers: 'batches are built in this process; there are no workers',
      });
    this.batchSize = checkPositiveInteger('DataLoader', 'batchSize', options.batchSize ?? 1);
    this.shuffle = checkBoolean('shuffle', options.shuffle ?? false);
    this.dropLast = checkBoolean('dropLast', options.dropLast ?? false);
    this.seed = options.seed ?? 0;
    toSeed32(this.seed, 'DataLoader: seed'); // validate now rather than at the first epoch
    this.sampler = checkSampler(options.sampler, this.shuffle);
  }

  /** Number of batches in one epoch. */
  get length(): number {
    const n = this.sampler?.length ?? this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Sets the epoch the next iteration runs (to resume a run, or to replay one epoch's order). */
  setEpoch(epoch: number): void {
    if (!Number.isSafeInteger(epoch) || epoch < 0) {
      throw new RangeError(`DataLoader.setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    }
    this.epoch = epoch;
  }

  /** The order in which epoch `epoch` visits the dataset: a permutation seeded by seed + epoch, or 0..n-1. */
  order(epoch: number): Uint32Array {
    const n = this.dataset.length;
    if (this.sampler) return checkedOrder(this.sampler, epoch, n);
    if (this.shuffle) return permutation(n, this.seed + epoch);
    const identity = new Uint32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    return identity;
  }

  /** Iterates one epoch; every call starts the next epoch. */
  [Symbol.iterator](): Iterator<Batch> {
    return this.batches(this.order(this.epoch++));
  }

  /**
   * Iterates one epoch with `for await`. The loop yields to the event loop between batches, so timers,
   * I/O and progress output keep running during a long epoch.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    for (const batch of this.batches(this.order(this.epoch++))) {
      yield batch;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private *batches(order: Uint32Array): Generator<Batch> {
    const { dataset, batchSize } = this;
    const count = this.length;
    const xShape = [...dataset.xShape];
    const yShape = [...dataset.yShape];
    const xRow = sizeOfShape(xShape);
    const yRow = sizeOfShape(yShape);
    const overwritten = writesEveryValue(dataset);
    for (let b = 0; b < count; b++) {
      const start = b * batchSize;
      const rows = Math.min(batchSize, order.length - start);
      const x = hostMemory.alloc(rows * xRow);
      if (!overwritten) x.fill(0);
      const y = new Float32Array(rows * yRow);
      copySamples('DataLoader', dataset, order, start, rows, x, y);
      // A dataset that checked every value when it was built needs no second scan per batch; for the others
      // the scan here names the sample (tensor()'s own would name only a flat index into the batch).
      if (dataset.checkedFinite !== true) {
        checkFiniteSamples(x, xRow, 'x', order, start);
        checkFiniteSamples(y, yRow, 'y', order, start);
      }
      const options = { allowNonFinite: true };
      const xt = tensor(x, [rows, ...xShape], options);
      if (xt.storage !== x) hostMemory.release(x); // copied into the backend's own memory
      yield { x: xt, y: tensor(y, [rows, ...yShape], options) };
    }
  }
}

/** Throws at the first NaN or ±Infinity, naming the dataset index of its sample and its position. */
function checkFiniteSamples(data: Float32Array, row: number, name: string, order: Uint32Array, start: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      const r = row > 0 ? Math.floor(i / row) : 0;
      throw new ValueError(`DataLoader: sample ${order[start + r]} has ${String(v)} in ${name} at position ${row > 0 ? i % row : 0}; ` +
        'expected finite numbers');
    }
  }
}

/** True for this package's datasets, whose copy paths write every value of a batch (so no zero fill is needed). */
function writesEveryValue(dataset: Dataset): boolean {
  if (dataset instanceof Subset) return writesEveryValue(dataset.dataset);
  return dataset instanceof ByteImageDataset || dataset instanceof ArrayDataset;
}

function checkSampler(sampler: Sampler | undefined, shuffle: boolean): Sampler | undefined {
  if (sampler === undefined) return undefined;
  if (sampler === null || typeof sampler !== 'object' || typeof sampler.order !== 'function' ||
      !Number.isInteger(sampler.length) || sampler.length < 0) {
    throw new ValueError(`DataLoader: sampler must have a length and order(epoch), got ${describe(sampler)}`);
  }
  if (shuffle) throw new ValueError('DataLoader: pass either shuffle: true or a sampler (which decides the order), not both');
  return sampler;
}

/** The sampler's order for an epoch, checked once per epoch: the right length, every index in range. */
function checkedOrder(sampler: Sampler, epoch: number, n: number): Uint32Array {
  const order = sampler.order(epoch);
  if (!(order instanceof Uint32Array) || order.length !== sampler.length) {
    throw new ValueError(`DataLoader: sampler.order(${epoch}) must return a Uint32Array of sampler.length (${sampler.length}) indices`);
  }
  for (let i = 0; i < order.length; i++) {
    if (order[i]! >= n) throw new RangeError(`DataLoader: sampler.order(${epoch})[${i}] = ${order[i]} is out of range for a dataset of length ${n}`);
  }
  return order;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`DataLoader: ${name} must be true or false, got ${describe(value)}`);
  return value;
}

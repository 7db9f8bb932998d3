// The demo's recipe, the same on every backend: an MLP 784-256-128-10 with ReLU, Adam at lr 1e-3 decayed
// to 0 over the run (cosine, per epoch), batches of 128, pixels scaled to [0, 1], one seed. The decay is
// there because at a constant 1e-3 Adam keeps jumping around the minimum in the last epochs, so the final
// test accuracy depends more on the seed. Weights come from the seeded generator, which is integer-only
// math, so every backend starts from bit-identical weights (checked by a digest of the weights).

import { createHash } from 'node:crypto';
import { manualSeed, type Tensor } from '@nabla/core';
import { DataLoader, Subset, TensorDataset, loadMnist, loadMnistBytes, type Dataset } from '@nabla/data';
import { Linear, ReLU, Sequential, type Module } from '@nabla/layers';
import type { Batch, BatchSource } from '@nabla/train';

export const RECIPE = {
  layers: [784, 256, 128, 10],
  activation: 'relu',
  optimizer: 'adam',
  lr: 1e-3,
  lrSchedule: 'cosine',
  batchSize: 128,
  seed: 42,
} as const;

/** An MLP with the given layer sizes and a fresh activation module between Linear layers. */
export function buildMlp(sizes: readonly number[], makeActivation: () => Module = () => new ReLU()): Sequential {
  const model = new Sequential();
  for (let i = 0; i + 1 < sizes.length; i++) {
    model.add(new Linear(sizes[i]!, sizes[i + 1]!));
    if (i + 2 < sizes.length) model.add(makeActivation());
  }
  return model;
}

/** The recipe's model, initialised from `seed`. */
export function recipeModel(seed: number = RECIPE.seed): Sequential {
  manualSeed(seed);
  return buildMlp(RECIPE.layers);
}

/** sha256 of every parameter's bytes, in order: equal digests mean bit-identical weights. */
export function weightsDigest(parameters: Iterable<Tensor>): string {
  const hash = createHash('sha256');
  for (const p of parameters) {
    const d = p.data();
    hash.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

export interface MnistSplit {
  x: Tensor;
  y: Tensor;
}

/** MNIST train or test, pixels / 255 (or raw 0..255), optionally only the first `limit` samples. */
export function mnist(split: 'train' | 'test', options: { raw?: boolean; limit?: number } = {}): MnistSplit {
  const data = loadMnist({ split, normalize: !options.raw });
  const n = data.x.shape[0]!;
  const limit = options.limit ?? n;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
  if (limit >= n) return data;
  return { x: data.x.slice(0, 0, limit).contiguous(), y: data.y.slice(0, 0, limit).contiguous() };
}

/**
 * MNIST kept as bytes (47 + 8 MB instead of 188 + 31 MB as float32), scaled to pixels / 255 as each batch is
 * built: the same values as `mnist()`, a third of the memory of a training run. The first `limit` samples.
 */
export function mnistBytes(split: 'train' | 'test', limit?: number): Dataset {
  const all = loadMnistBytes({ split });
  if (limit === undefined || limit >= all.length) return all;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
  return new Subset(all, Array.from({ length: limit }, (_, i) => i));
}

export function loader(split: MnistSplit, batchSize: number, shuffle: boolean, seed: number = RECIPE.seed): DataLoader {
  return new DataLoader(new TensorDataset(split.x, split.y), { batchSize, shuffle, seed });
}

/**
 * The first `maxBatches` batches of each epoch of `source`: a bounded slice of the data per epoch that
 * still sees the whole shuffled dataset over the epochs, and whose first batch is the full loader's first.
 */
export function firstBatches(source: DataLoader, maxBatches: number): BatchSource {
  const length = Math.min(source.length, maxBatches);
  return {
    length,
    async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
      let i = 0;
      for await (const batch of source) {
        yield batch;
        if (++i >= length) break;
      }
    },
  };
}

// DistributedSampler without MPI: the ranks' shares are given worldSize and rank explicitly.
import { describe, expect, it } from 'vitest';
import '@nabla/backend-js';
import { DataLoader, fromArrays, permutation } from '@nabla/data';
import { DistributedSampler } from '../src/index.js';

function shares(n: number, worldSize: number, epoch: number, options: { shuffle?: boolean; dropLast?: boolean; seed?: number } = {}) {
  return Array.from({ length: worldSize }, (_, rank) =>
    Array.from(new DistributedSampler(n, { worldSize, rank, ...options }).order(epoch)));
}

describe('DistributedSampler', () => {
  it('gives every sample to exactly one rank per epoch when the size divides, reshuffled each epoch', () => {
    for (const worldSize of [1, 2, 3, 4]) {
      const n = 12 * worldSize;
      const epochs = [0, 1].map((e) => shares(n, worldSize, e, { seed: 9 }));
      for (const ranks of epochs) {
        expect(ranks.every((r) => r.length === n / worldSize)).toBe(true);
        expect(ranks.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }
      if (worldSize > 1) expect(epochs[0]).not.toEqual(epochs[1]);
    }
  });

  it('step k of W ranks covers the batch k of one process with batch W·B and the same seed', () => {
    const n = 40;
    const perm = Array.from(permutation(n, 3 + 2)); // the DataLoader's order for seed 3, epoch 2
    const ranks = shares(n, 4, 2, { seed: 3 });
    for (let step = 0; step < 5; step++) {
      const together = ranks.flatMap((r) => r.slice(2 * step, 2 * step + 2)).sort((a, b) => a - b);
      expect(together).toEqual(perm.slice(8 * step, 8 * step + 8).sort((a, b) => a - b));
    }
  });

  it('a size that does not divide: pads with the first samples (default) or leaves the last out (dropLast)', () => {
    const padded = shares(10, 4, 0, { shuffle: false });
    expect(padded).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 0], [3, 7, 1]]);
    const dropped = shares(10, 4, 0, { shuffle: false, dropLast: true });
    expect(dropped).toEqual([[0, 4], [1, 5], [2, 6], [3, 7]]);
    // With shuffling: every sample at least once, and exactly totalSize - n repeats.
    const ranks = shares(10, 4, 1);
    const all = ranks.flat();
    expect(new Set(all).size).toBe(10);
    expect(all.length).toBe(12);
  });

  it('feeds a DataLoader, which passes its epoch; setEpoch/indices serve direct use', () => {
    const data = fromArrays(Array.from({ length: 8 }, (_, i) => [i]), Array.from({ length: 8 }, (_, i) => i));
    const sampler = new DistributedSampler(data, { worldSize: 2, rank: 1, seed: 4 });
    const loader = new DataLoader(data, { batchSize: 2, sampler });
    expect(loader.length).toBe(2);
    const epoch0 = [...loader].flatMap((b) => b.y.toArray() as number[]);
    const epoch1 = [...loader].flatMap((b) => b.y.toArray() as number[]);
    expect(epoch0).toEqual(Array.from(sampler.order(0)));
    expect(epoch1).toEqual(Array.from(sampler.order(1)));
    sampler.setEpoch(1);
    expect(Array.from(sampler.indices())).toEqual(epoch1);
  });

  it('refuses bad options with a clear message', () => {
    expect(() => new DistributedSampler(8, { worldSize: 2, rank: 2 })).toThrow(/rank 2 is out of range for worldSize 2/);
    expect(() => new DistributedSampler(8, { worldSize: 0, rank: 0 })).toThrow(/worldSize must be an integer >= 1/);
    expect(() => new DistributedSampler(-1, { worldSize: 1, rank: 0 })).toThrow(/dataset length must be an integer >= 0/);
    expect(() => new DistributedSampler(3, { worldSize: 4, rank: 0, dropLast: true })).toThrow(/leave nothing/);
    expect(() => new DistributedSampler(8, { worldSize: 2, rank: 0, shuffle: 1 as never })).toThrow(/shuffle must be true or false/);
    expect(() => new DistributedSampler(8, { worldSize: 2, rank: 0 }).setEpoch(-1)).toThrow(RangeError);
    expect(() => new DistributedSampler(8, { worldSize: 2, rank: 0, seed: '3' as never })).toThrow(/seed must be a safe integer, got a string \("3"\)/);
    // PyTorch's option names are refused, not ignored.
    expect(() => new DistributedSampler(8, { numReplicas: 2, rank: 0 } as never))
      .toThrow("DistributedSampler: unknown option 'numReplicas' (this package calls it 'worldSize'); known options: worldSize, rank, shuffle, seed, dropLast");
    expect(() => new DistributedSampler(8, { worldSize: 2, rank: 0, drop_last: true } as never)).toThrow(/unknown option 'drop_last' \(did you mean 'dropLast'\?\)/);
    expect(() => new DistributedSampler(8, null as never)).toThrow(/options must be an object, got null/);
    // Without worldSize and rank it needs the process group.
    expect(() => new DistributedSampler(8)).toThrow(/call initDistributed\(\) first/);
  });
});

import { describe, expect, test } from 'vitest';
import { DataLoader, GeneratedDataset, Subset, fromArrays, permutation, type Batch } from '../src/index.js';

/** Dataset of n samples whose x is [i, -i] and y is i, so a batch tells which samples it holds. */
function numbered(n: number) {
  return fromArrays(Array.from({ length: n }, (_, i) => [i, -i]), Array.from({ length: n }, (_, i) => i));
}

const ids = (batches: Iterable<Batch>) => [...batches].map((b) => b.y.toArray() as number[]);

describe('DataLoader', () => {
  test('without shuffle: dataset order, last batch partial, shapes [batch, ...]', () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map((b) => b.x.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(batches.map((b) => b.y.shape)).toEqual([[4], [4], [2]]);
    expect(batches[2]!.x.toArray()).toEqual([[8, -8], [9, -9]]);
    expect(ids(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  test('dropLast drops the partial batch and length says so', () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(ids(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(numbered(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(new DataLoader(numbered(3), { batchSize: 4, dropLast: true }).length).toBe(0);
  });

  test('shuffle: each epoch visits every sample once, in the order seed + epoch fixes', () => {
    const loader = new DataLoader(numbered(50), { batchSize: 8, shuffle: true, seed: 3 });
    const epoch0 = ids(loader).flat();
    const epoch1 = ids(loader).flat();
    expect([...epoch0].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(epoch0).toEqual([...permutation(50, 3)]);
    expect(epoch1).toEqual([...permutation(50, 4)]);
    expect(epoch1).not.toEqual(epoch0); // reshuffled every epoch
    // A second loader with the same seed replays the same epochs; another seed does not.
    const again = new DataLoader(numbered(50), { batchSize: 8, shuffle: true, seed: 3 });
    expect(ids(again).flat()).toEqual(epoch0);
    expect(ids(again).flat()).toEqual(epoch1);
    expect(ids(new DataLoader(numbered(50), { batchSize: 8, shuffle: true, seed: 4 })).flat()).toEqual(epoch1);
    expect(ids(new DataLoader(numbered(50), { batchSize: 8, shuffle: true, seed: 99 })).flat()).not.toEqual(epoch0);
  });

  test('setEpoch replays an epoch; x rows travel with their y', () => {
    const loader = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 11 });
    const first = ids(loader);
    ids(loader);
    loader.setEpoch(0);
    expect(ids(loader)).toEqual(first);
    for (const batch of loader) {
      const y = batch.y.toArray() as number[];
      expect(batch.x.toArray()).toEqual(y.map((i) => [i, -i]));
    }
    expect(() => loader.setEpoch(-1)).toThrow(/epoch must be a non-negative integer/);
  });

  test('every batch has its own buffers, so kept batches stay intact', () => {
    const loader = new DataLoader(numbered(6), { batchSize: 2 });
    const kept = [...loader];
    expect(kept[0]!.x.storage).not.toBe(kept[1]!.x.storage);
    expect(kept[0]!.y.toArray()).toEqual([0, 1]);
    expect(kept[2]!.y.toArray()).toEqual([4, 5]);
  });

  test('for await gives the same batches as the sync iterator', async () => {
    const a = new DataLoader(numbered(13), { batchSize: 5, shuffle: true, seed: 1 });
    const b = new DataLoader(numbered(13), { batchSize: 5, shuffle: true, seed: 1 });
    const fromAsync: number[][] = [];
    for await (const batch of a) fromAsync.push(batch.y.toArray() as number[]);
    expect(fromAsync).toEqual(ids(b));
    expect(a.epoch).toBe(1);
  });

  test('for await lets other tasks run between batches', async () => {
    let ranMeanwhile = false;
    setImmediate(() => { ranMeanwhile = true; });
    const seen: boolean[] = [];
    for await (const _batch of new DataLoader(numbered(6), { batchSize: 2 })) seen.push(ranMeanwhile);
    expect(seen).toEqual([false, true, true]);
  });

  test('works over a generated dataset, checking what it produces', () => {
    const ds = new GeneratedDataset({ length: 5, xShape: [3], yShape: [2], generate: (i) => ({ x: [i, i, i], y: [i, 1] }) });
    const [batch] = new DataLoader(ds, { batchSize: 5 });
    expect(batch!.x.shape).toEqual([5, 3]);
    expect(batch!.y.toArray()).toEqual([[0, 1], [1, 1], [2, 1], [3, 1], [4, 1]]);
    const liar = { length: 2, xShape: [3], yShape: [], get: () => ({ x: new Float32Array(2), y: new Float32Array(1) }) };
    expect(() => [...new DataLoader(liar, { batchSize: 2 })])
      .toThrow(/DataLoader: sample 0 has x of 2 values and y of 1; the dataset declares x \[3\] \(3\)/);
  });

  test('over subsets: the fast path and the sample-by-sample path give the same batches', () => {
    const stored = new Subset(numbered(10), [9, 3, 5, 0]);
    const generated = new Subset(
      new GeneratedDataset({ length: 10, xShape: [2], yShape: [], generate: (i) => ({ x: [i, -i], y: i }) }),
      [9, 3, 5, 0],
    );
    const a = [...new DataLoader(stored, { batchSize: 3, shuffle: true, seed: 8 })];
    const b = [...new DataLoader(generated, { batchSize: 3, shuffle: true, seed: 8 })];
    expect(a.map((batch) => batch.x.toArray())).toEqual(b.map((batch) => batch.x.toArray()));
    expect(a.flatMap((batch) => batch.y.toArray() as number[]).sort((p, q) => p - q)).toEqual([0, 3, 5, 9]);
  });

  test('bad options are clear errors', () => {
    const ds = numbered(4);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/DataLoader: batchSize must be a positive integer, got 0/);
    expect(() => new DataLoader(ds, { batchSize: 2.5 })).toThrow(/batchSize must be a positive integer, got 2.5/);
    expect(() => new DataLoader(ds, { batchSize: -1 })).toThrow(/got -1/);
    expect(() => new DataLoader(ds, { seed: 0.5 })).toThrow(/DataLoader: seed must be a safe integer/);
    expect(() => new DataLoader(null as never)).toThrow(/expected a dataset/);
    expect(() => new DataLoader(ds, { shuffle: 'yes' as never })).toThrow(/DataLoader: shuffle must be true or false, got "yes"/);
  });
});

describe('DataLoader and non-finite values', () => {
  test('a dataset of its own that yields NaN fails at the batch, naming the sample', () => {
    const dataset = {
      length: 4, xShape: [2], yShape: [],
      get: (i: number) => ({ x: Float32Array.of(i, i === 2 ? NaN : 1), y: Float32Array.of(0) }),
    };
    const loader = new DataLoader(dataset, { batchSize: 4 });
    expect(() => [...loader]).toThrow(/DataLoader: sample 2 has NaN in x at position 1; expected finite numbers/);
  });

  test('checked datasets (and subsets of them) skip the per-batch scan', () => {
    const data = fromArrays([[1, 2], [3, 4]], [0, 1]);
    expect(data.checkedFinite).toBe(true);
    expect(new Subset(data, [1]).checkedFinite).toBe(true);
  });
});

// The sampler option: a sampler decides which samples an epoch visits and in what order; the loader checks
// what it returns once per epoch.
import { describe, expect, test } from 'vitest';
import { DataLoader, fromArrays, type Batch, type Sampler } from '../src/index.js';

function numbered(n: number) {
  return fromArrays(Array.from({ length: n }, (_, i) => [i]), Array.from({ length: n }, (_, i) => i));
}

const ids = (batches: Iterable<Batch>) => [...batches].map((b) => b.y.toArray() as number[]);

describe('DataLoader with a sampler', () => {
  test('visits the sampler order of each epoch, and its length sets the batch count', () => {
    const epochs: number[] = [];
    const sampler: Sampler = {
      length: 3,
      order(epoch) {
        epochs.push(epoch);
        return Uint32Array.from(epoch === 0 ? [5, 1, 3] : [0, 2, 4]);
      },
    };
    const loader = new DataLoader(numbered(6), { batchSize: 2, sampler });
    expect(loader.length).toBe(2);
    expect(ids(loader)).toEqual([[5, 1], [3]]);
    expect(ids(loader)).toEqual([[0, 2], [4]]);
    loader.setEpoch(0);
    expect(ids(loader)).toEqual([[5, 1], [3]]);
    expect(epochs).toEqual([0, 1, 0]);
  });

  test('bad samplers and bad orders are refused with a clear message', () => {
    const ok: Sampler = { length: 1, order: () => Uint32Array.of(0) };
    expect(() => new DataLoader(numbered(2), { sampler: ok, shuffle: true })).toThrow(/either shuffle: true or a sampler/);
    expect(() => new DataLoader(numbered(2), { sampler: {} as Sampler })).toThrow(/sampler must have a length and order/);
    const outOfRange = new DataLoader(numbered(2), { sampler: { length: 1, order: () => Uint32Array.of(7) } });
    expect(() => [...outOfRange]).toThrow(/order\(0\)\[0\] = 7 is out of range for a dataset of length 2/);
    const wrongLength = new DataLoader(numbered(2), { sampler: { length: 2, order: () => Uint32Array.of(0) } });
    expect(() => [...wrongLength]).toThrow(/must return a Uint32Array of sampler.length \(2\)/);
  });
});

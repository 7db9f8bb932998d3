// MNIST kept as bytes: the same values, batches and labels as the float32 loader, at a quarter of the memory.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, test } from 'vitest';
import { ByteImageDataset, DataLoader, TensorDataset, loadMnist, loadMnistBytes } from '../src/index.js';
import { expectSameBits } from './helpers.js';

describe('ByteImageDataset', () => {
  test('MNIST test split: every batch equals the float32 path bit for bit, in the same shuffled order', () => {
    const bytes = loadMnistBytes({ split: 'test' });
    const floats = loadMnist({ split: 'test' });
    expect(bytes.length).toBe(10000);
    expect(bytes.xShape).toEqual([784]);
    expect(bytes.images.byteLength).toBe(10000 * 784);
    const a = new DataLoader(bytes, { batchSize: 1000, shuffle: true, seed: 5 });
    const b = new DataLoader(new TensorDataset(floats.x, floats.y), { batchSize: 1000, shuffle: true, seed: 5 });
    const bb = [...b];
    const batches = [...a];
    expect(batches.length).toBe(bb.length);
    batches.forEach((batch, i) => {
      expectSameBits(batch.x.data(), bb[i]!.x.data(), `batch ${i} x`);
      expectSameBits(batch.y.data(), bb[i]!.y.data(), `batch ${i} y`);
    });
    expectSameBits(bytes.get(7).x, floats.x.index(7).data(), 'image 7');
  });

  test('the in-place division runs on the backend in use, with the same values on each', async () => {
    const { setBackend, listBackends } = await import('@nabla/core');
    const bytes = loadMnistBytes({ split: 'test' });
    const batches = listBackends().filter((b) => b.available && b.name !== 'reference').map((b) => {
      setBackend(b.name);
      return [...new DataLoader(bytes, { batchSize: 2500, shuffle: true, seed: 1 })].map((batch) => batch.x.data());
    });
    expect(batches.length).toBeGreaterThan(0);
    for (const [b, other] of batches.slice(1).entries()) {
      expect(other.length).toBe(batches[0]!.length);
      other.forEach((x, i) => expectSameBits(x, batches[0]![i]!, `backend ${b + 1}, batch ${i}`));
    }
  });

  test('raw pixels with normalize: false', () => {
    const raw = loadMnistBytes({ split: 'test', normalize: false });
    expect(Math.max(...raw.get(0).x)).toBe(255);
  });

  test('bad arguments are clear errors', () => {
    expect(() => new ByteImageDataset(new Uint8Array(10), new Float32Array(3), [4])).toThrow(/10 bytes do not hold 3 images of \[4\]/);
    expect(() => new ByteImageDataset(new Uint8Array(4), new Float32Array(1), [4], 0)).toThrow(/divisor must be a positive finite number/);
    expect(() => loadMnistBytes({ split: 'valid' as 'test' })).toThrow(/split must be 'train' or 'test'/);
    expect(() => new ByteImageDataset(new Uint8Array(4), new Float32Array(1), [4]).get(1)).toThrow(RangeError);
  });
});

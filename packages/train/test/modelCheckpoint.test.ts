import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualSeed } from '@nabla/core';
import { Linear } from '@nabla/layers';
import { SGD } from '@nabla/optimizers';
import { ModelCheckpoint, fit, load } from '../src/index.js';
import { PlainSgd, TinyLinear, blobs, meanCrossEntropy } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ModelCheckpoint', () => {
  it('saves the model and the optimizer state after every epoch', async () => {
    manualSeed(3);
    const model = new Linear(2, 2);
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const checkpoint = new ModelCheckpoint({ path: join(dir, 'every-{epoch}.safetensors') });
    await fit(model, blobs(2, 20, 10), { loss: meanCrossEntropy, optimizer, epochs: 2, progress: false, callbacks: [checkpoint] });
    expect(checkpoint.saved).toEqual([join(dir, 'every-1.safetensors'), join(dir, 'every-2.safetensors')]);
    const last = await load(checkpoint.saved[1]!);
    expect(Array.from(last.model.get('weight')!.data())).toEqual(Array.from(model.weight.data()));
    expect(last.optimizer?.kind).toBe('SGD');
    expect(last.metadata.epoch).toBe('2');
  });

  it('data-parallel: only the main process writes, and every process waits for the file', async () => {
    for (const isMain of [true, false]) {
      manualSeed(3);
      const model = new Linear(2, 2);
      const path = join(dir, `parallel-${isMain}.safetensors`);
      const events: string[] = [];
      const parallel = {
        rank: isMain ? 0 : 1, worldSize: 2, isMain,
        allSum: (v: Float64Array) => { for (let i = 0; i < v.length; i++) v[i]! *= 2; },
        barrier: () => { events.push(`barrier, file ${existsSync(path) ? 'written' : 'absent'}`); },
      };
      await fit(model, blobs(2, 20, 10), {
        loss: meanCrossEntropy, optimizer: new SGD(model.parameters(), { lr: 0.1 }), progress: false, parallel,
        callbacks: [new ModelCheckpoint({ path })],
      });
      expect(events).toEqual([`barrier, file ${isMain ? 'written' : 'absent'}`]);
    }
  });

  it('with saveBestOnly, keeps the best epoch', async () => {
    manualSeed(4);
    const model = new Linear(2, 2);
    // Gradient ascent: the loss grows every epoch, so only the first epoch is ever the best.
    const optimizer = new PlainSgd(model.parameters(), -0.05);
    let afterFirst: number[] = [];
    const checkpoint = new ModelCheckpoint({ path: join(dir, 'best.safetensors'), monitor: 'loss', saveBestOnly: true });
    await fit(model, blobs(2, 20, 10), {
      loss: meanCrossEntropy, optimizer, epochs: 3, progress: false,
      callbacks: [checkpoint, { onEpochEnd: (log) => { if (log.epoch === 0) afterFirst = Array.from(model.weight.data()); } }],
    });
    expect(checkpoint.saved).toHaveLength(1);
    expect(checkpoint.lastSavedEpoch).toBe(0);
    const best = await load(join(dir, 'best.safetensors'));
    expect(Array.from(best.model.get('weight')!.data())).toEqual(afterFirst);
    expect(best.optimizer).toBeNull(); // a plain object optimizer has no state dict to save
  });

  it('explains what it needs', async () => {
    expect(() => new ModelCheckpoint({ path: '' })).toThrow(/path must be a non-empty string/);
    const model = new TinyLinear(2, 2); // no stateDict
    await expect(fit(model, blobs(2, 4, 4), {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.1), progress: false,
      callbacks: [new ModelCheckpoint({ path: join(dir, 'x.safetensors') })],
    })).rejects.toThrow(/needs stateDict\(\) and loadStateDict\(\)/);
  });
});

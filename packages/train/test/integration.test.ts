// The training loop over the real packages: a Sequential of @nabla/layers, CrossEntropyLoss, Adam, a
// DataLoader over a slice of the real MNIST, and the scheduler and EarlyStopping callbacks.

import { describe, expect, it } from 'vitest';
import '@nabla/backend-js';
import { manualSeed } from '@nabla/core';
import { DataLoader, TensorDataset, loadMnist } from '@nabla/data';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam, StepLR } from '@nabla/optimizers';
import { ConfusionMatrix, EarlyStopping, evaluate, fit, predict } from '../src/index.js';

describe('fit with the real packages', () => {
  it('learns a slice of MNIST', async () => {
    const train = loadMnist({ split: 'train' });
    const test = loadMnist({ split: 'test' });
    const slice = (d: typeof train, n: number) => new TensorDataset(d.x.slice(0, 0, n), d.y.slice(0, 0, n));
    manualSeed(1);
    const model = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
    const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
    const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    const loss = new CrossEntropyLoss();
    const history = await fit(model, new DataLoader(slice(train, 1200), { batchSize: 64, shuffle: true, seed: 3 }), {
      loss, optimizer, scheduler, epochs: 3, metrics: ['accuracy', 'top3'], progress: false,
      validation: new DataLoader(slice(test, 500), { batchSize: 250 }),
      callbacks: [new EarlyStopping({ monitor: 'val_accuracy', patience: 5 })],
    });
    expect(history.epochs.map((e) => e.lr)).toEqual([2e-3, 1e-3, 5e-4]);
    expect(history.epochs[2]!.valMetrics!.accuracy).toBeGreaterThan(0.8);
    expect(history.epochs[2]!.metrics.top3).toBeGreaterThan(history.epochs[2]!.metrics.accuracy!);

    const x = test.x.slice(0, 0, 500);
    const y = test.y.slice(0, 0, 500);
    const out = predict(model, x, { batchSize: 128 });
    const cm = new ConfusionMatrix(10);
    cm.update(out, y);
    const diagonal = cm.toArray().reduce((a, row, i) => a + row[i]!, 0);
    const result = await evaluate(model, new DataLoader(slice(test, 500), { batchSize: 100 }), { loss, metrics: ['accuracy'] });
    expect(diagonal / 500).toBeCloseTo(result.metrics.accuracy!, 10);
    expect(result.loss).toBeCloseTo(history.epochs[2]!.valLoss!, 5);
  });
});

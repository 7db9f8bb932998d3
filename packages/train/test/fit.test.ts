import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '@nabla/core';
import { type BatchLogs, EarlyStopping, accuracy, evaluate, fit, predict } from '../src/index.js';
import { Adam } from '@nabla/optimizers';
import { PlainSgd, TinyLinear, blobs, captureStream, meanCrossEntropy } from './helpers.js';

describe('fit', () => {
  it('learns separable blobs and records per-epoch and per-step history', async () => {
    const data = blobs(3, 64, 32);
    const model = new TinyLinear(2, 3);
    const history = await fit(model, data, {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.5), epochs: 4,
      metrics: ['accuracy', 'top2'], progress: false,
    });
    expect(history.epochs).toHaveLength(4);
    const steps = data.length * 4;
    expect(history.stepLoss.length).toBe(steps);
    expect(history.stepMetrics.accuracy!.length).toBe(steps);
    expect(history.stepMetrics.top2!.length).toBe(steps);
    const first = history.epochs[0]!;
    const last = history.epochs[3]!;
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.metrics.accuracy).toBeGreaterThan(0.95);
    expect(last.metrics.top2).toBeGreaterThanOrEqual(last.metrics.accuracy!);
    expect(last.samples).toBe(192);
    expect(last.steps).toBe(data.length);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    expect(last.lr).toBe(0.5);
    expect(history.series('loss')).toEqual(history.epochs.map((e) => e.loss));
    // The epoch loss is the sample-weighted mean of the step losses.
    const epochSteps = history.stepLoss.values().subarray(3 * data.length);
    const weights = data.map((b) => b.x.shape[0]!);
    const weighted = epochSteps.reduce((a, v, i) => a + v * weights[i]!, 0) / 192;
    expect(last.loss).toBeCloseTo(weighted, 6);
    expect(JSON.parse(JSON.stringify(history)).steps.loss).toHaveLength(steps);
  });

  it('zeroes gradients in place and reuses their buffers by default; setToNone: true drops them', async () => {
    for (const setToNone of [undefined, true]) {
      const model = new TinyLinear(2, 3);
      const grads: (Tensor | null)[] = [];
      const asked: unknown[] = [];
      const optimizer = new Adam(model.parameters(), { lr: 0.05 });
      const zeroGrad = optimizer.zeroGrad.bind(optimizer);
      optimizer.zeroGrad = (options) => { asked.push(options); zeroGrad(options); };
      await fit(model, blobs(3, 32, 16), {
        loss: meanCrossEntropy, optimizer, epochs: 2, progress: false, setToNone,
        callbacks: [{ onBatchEnd: () => { grads.push(model.w.grad); } }],
      });
      expect(asked.every((o) => JSON.stringify(o) === JSON.stringify({ setToNone: setToNone ?? false }))).toBe(true);
      const distinct = new Set(grads).size;
      expect(distinct).toBe(setToNone ? grads.length : 1);
    }
  });

  it('a parameter frozen during fit stays put, though Adam still has momentum for it', async () => {
    const model = new TinyLinear(2, 3);
    let frozen: number[] = [];
    await fit(model, blobs(3, 32, 16), {
      loss: meanCrossEntropy, optimizer: new Adam(model.parameters(), { lr: 0.05 }), epochs: 3, progress: false,
      callbacks: [{
        onEpochEnd: (log) => {
          if (log.epoch !== 0) return;
          model.b.requiresGrad_(false);
          frozen = Array.from(model.b.data());
        },
      }],
    });
    expect(Array.from(model.b.data())).toEqual(frozen);
    expect(model.b.grad).toBeNull();
  });

  it('reads the loss with item() exactly once per step', async () => {
    const data = blobs(2, 20, 10);
    const model = new TinyLinear(2, 2);
    let reads = 0;
    const countingLoss = (pred: Tensor, target: Tensor): Tensor => {
      const t = meanCrossEntropy(pred, target);
      t.item = (): number => {
        reads++;
        return Tensor.prototype.item.call(t);
      };
      return t;
    };
    await fit(model, data, { loss: countingLoss, optimizer: new PlainSgd(model.parameters(), 0.1), epochs: 2, progress: false });
    expect(reads).toBe(2 * data.length);
  });

  it('validates every epoch, steps the scheduler with val_loss, and calls callbacks in order', async () => {
    const train = blobs(2, 40, 16, 1);
    const val = blobs(2, 20, 16, 2);
    const model = new TinyLinear(2, 2);
    const events: string[] = [];
    const schedulerArgs: (number | undefined)[] = [];
    const modes: string[] = [];
    const globalSteps: number[] = [];
    let lastSamples = 0;
    const history = await fit(model, train, {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.2), epochs: 2, validation: val,
      metrics: ['accuracy'], progress: false,
      scheduler: { step: (m?: number) => void schedulerArgs.push(m) },
      callbacks: [{
        onTrainBegin: () => void events.push('trainBegin'),
        onEpochBegin: (e) => { events.push(`epochBegin ${e}`); modes.push(model.mode); },
        onBatchEnd: (logs: BatchLogs) => { globalSteps.push(logs.globalStep); lastSamples = logs.samples; if (logs.step === 0) events.push(`batch ${logs.epoch}:0`); },
        onEpochEnd: (log) => void events.push(`epochEnd ${log.epoch}`),
        onTrainEnd: () => void events.push('trainEnd'),
      }],
    });
    expect(events).toEqual(['trainBegin', 'epochBegin 0', 'batch 0:0', 'epochEnd 0', 'epochBegin 1', 'batch 1:0', 'epochEnd 1', 'trainEnd']);
    expect(modes).toEqual(['train', 'train']);
    expect(model.mode).toBe('train'); // validation puts back the mode it found
    const last = history.epochs[1]!;
    expect(last.valLoss).toBeGreaterThan(0);
    expect(last.valMetrics!.accuracy).toBeGreaterThan(0.9);
    expect(schedulerArgs).toEqual(history.epochs.map((e) => e.valLoss));
    expect(history.series('val_accuracy')).toEqual(history.epochs.map((e) => e.valMetrics!.accuracy));
    expect(globalSteps).toEqual(Array.from({ length: 2 * train.length }, (_, i) => i));
    expect(lastSamples).toBe(80);
  });

  it('stops when a callback asks, and marks the history', async () => {
    const model = new TinyLinear(2, 2);
    const history = await fit(model, blobs(2, 20, 10), {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.1), epochs: 5, progress: false,
      callbacks: [{ onEpochEnd: (log, ctx) => { if (log.epoch === 1) ctx.stopTraining = true; } }],
    });
    expect(history.epochs).toHaveLength(2);
    expect(history.stoppedEarly).toBe(true);
  });

  it('explains bad arguments', async () => {
    const model = new TinyLinear(2, 2);
    const data = blobs(2, 4, 4);
    const optimizer = new PlainSgd(model.parameters(), 0.1);
    await expect(fit(model, data, { loss: meanCrossEntropy, optimizer, epochs: 0 })).rejects.toThrow(/epochs must be a positive integer, got 0/);
    await expect(fit(model, data, { optimizer } as never)).rejects.toThrow(/options.loss must be/);
    await expect(fit(model, data, { loss: meanCrossEntropy } as never)).rejects.toThrow(/optimizer must have zeroGrad\(\) and step\(\)/);
    await expect(fit(model, 42 as never, { loss: meanCrossEntropy, optimizer })).rejects.toThrow(/training data must be a DataLoader/);
    await expect(fit({} as never, data, { loss: meanCrossEntropy, optimizer })).rejects.toThrow(/model must have forward/);
    await expect(fit(model, [], { loss: meanCrossEntropy, optimizer, progress: false })).rejects.toThrow(/produced no batches/);
    await expect(fit(model, [{ x: 1 }] as never, { loss: meanCrossEntropy, optimizer, progress: false })).rejects.toThrow(/batch 0 is not an \{x, y\} pair/);
    await expect(fit(model, data, { loss: meanCrossEntropy, optimizer, metrics: ['acc', 'accuracy'] })).rejects.toThrow(/listed twice/);
  });

  it('accepts an async iterable with a length', async () => {
    const batches = blobs(2, 16, 8);
    const source = {
      length: batches.length,
      async *[Symbol.asyncIterator]() { yield* batches; },
    };
    const model = new TinyLinear(2, 2);
    const history = await fit(model, source, { loss: { forward: meanCrossEntropy }, optimizer: new PlainSgd(model.parameters(), 0.1), progress: false });
    expect(history.epochs[0]!.steps).toBe(batches.length);
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement and restores the best weights', async () => {
    const model = new TinyLinear(2, 2);
    // Gradient ascent: the loss gets worse every epoch, so epoch 0 stays the best.
    const optimizer = new PlainSgd(model.parameters(), -0.05);
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 2, restoreBestWeights: true });
    let afterEpoch0: Float32Array | null = null;
    const history = await fit(model, blobs(2, 20, 10), {
      loss: meanCrossEntropy, optimizer, epochs: 10, progress: false,
      callbacks: [stopper, { onEpochEnd: (log) => { if (log.epoch === 0) afterEpoch0 = Float32Array.from(model.w.data()); } }],
    });
    expect(history.epochs).toHaveLength(3);
    expect(stopper.stoppedEpoch).toBe(2);
    expect(stopper.bestEpoch).toBe(0);
    expect(stopper.best).toBe(history.epochs[0]!.loss);
    expect(Array.from(model.w.data())).toEqual(Array.from(afterEpoch0!));
  });

  it('maximises accuracy-like keys and names missing keys', async () => {
    const model = new TinyLinear(2, 2);
    const stopper = new EarlyStopping({ monitor: 'accuracy', patience: 0, minDelta: 0.5 });
    const history = await fit(model, blobs(2, 20, 10), {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.1), epochs: 5, metrics: ['accuracy'], progress: false, callbacks: [stopper],
    });
    // Accuracy cannot rise by more than 0.5 after the first epoch sets the best.
    expect(history.epochs).toHaveLength(2);
    const missing = new EarlyStopping(); // val_loss, but no validation data
    await expect(fit(model, blobs(2, 4, 4), {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.1), progress: false, callbacks: [missing],
    })).rejects.toThrow(/EarlyStopping: monitor "val_loss" needs validation data, and fit has none/);
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/patience must be a non-negative integer/);
  });
});

describe('progress', () => {
  it('prints one plain line per epoch when the stream is not a TTY', async () => {
    const out = captureStream(false);
    const model = new TinyLinear(2, 2);
    await fit(model, blobs(2, 20, 10), {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.1), epochs: 2, metrics: ['accuracy'],
      progress: { stream: out.stream, label: 'js' },
    });
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[js\] epoch 1\/2 {2}loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}\d+ samples\/s {2}\d+\.\d s$/);
    expect(out.text().includes('\u001b')).toBe(false); // no control characters in logs
  });

  it('draws a bar with step, loss, accuracy, rate and ETA when asked for one', async () => {
    const out = captureStream(false);
    const model = new TinyLinear(2, 2);
    await fit(model, blobs(2, 20, 10), {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.1), epochs: 1, metrics: ['accuracy'],
      progress: { stream: out.stream, mode: 'bar' },
    });
    expect(out.text()).toMatch(/epoch 1\/1 \[.*\] 4\/4 \| loss \d\.\d{4} \| acc \d\.\d{4} \| \d+ samples\/s \| ETA/);
    expect(out.text()).toMatch(/epoch 1\/1 {2}loss/);
  });
});

describe('evaluate and predict', () => {
  it('evaluate gives the sample-weighted loss and metrics in eval mode', async () => {
    const data = blobs(2, 15, 8);
    const model = new TinyLinear(2, 2);
    const modes: string[] = [];
    const forward = model.forward.bind(model);
    model.forward = (x) => { modes.push(model.mode); return forward(x); };
    const result = await evaluate(model, data, { loss: meanCrossEntropy, metrics: ['accuracy'] });
    expect(new Set(modes)).toEqual(new Set(['eval']));
    expect(model.mode).toBe('train'); // put back
    expect(result.samples).toBe(30);
    const x = tensor(Float32Array.from(data.flatMap((b) => Array.from(b.x.data()))), [30, 2]);
    const y = tensor(Float32Array.from(data.flatMap((b) => Array.from(b.y.data()))), [30]);
    const full = model.forward(x);
    expect(result.loss).toBeCloseTo(meanCrossEntropy(full, y).item(), 5);
    expect(result.metrics.accuracy).toBeCloseTo(accuracy(full, y), 10);
    expect(Number.isNaN((await evaluate(model, data)).loss)).toBe(true);
  });

  it('predict runs batch by batch without gradients and matches one big forward', () => {
    const model = new TinyLinear(2, 3);
    const x = tensor(Float32Array.from({ length: 2 * 11 }, (_, i) => Math.sin(i)), [11, 2]);
    const out = predict(model, x, { batchSize: 4 });
    expect(out.shape).toEqual([11, 3]);
    expect(out.requiresGrad).toBe(false);
    const direct = model.forward(x).data();
    Array.from(out.data()).forEach((v, i) => expect(v).toBeCloseTo(direct[i]!, 6));
    expect(() => predict(model, x, { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => predict(model, 3 as never)).toThrow(/x must be a tensor/);
  });
});

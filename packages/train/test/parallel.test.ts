// fit's parallel option, with a stand-in for a process group: allSum adds a second process identical to
// this one (every value doubles), so averaged logs equal this process's and sample counts double.
import { describe, expect, it } from 'vitest';
import { evaluate, fit, type ParallelContext } from '../src/index.js';
import { PlainSgd, TinyLinear, blobs, captureStream, meanCrossEntropy } from './helpers.js';

function twin(isMain: boolean): ParallelContext & { sums: number; barriers: number } {
  return {
    rank: isMain ? 0 : 1, worldSize: 2, isMain, sums: 0, barriers: 0,
    allSum(values: Float64Array) {
      this.sums++;
      for (let i = 0; i < values.length; i++) values[i]! *= 2;
    },
    barrier() {
      this.barriers++;
    },
  };
}

describe('fit with parallel', () => {
  it('averages the epoch logs over the processes and counts every process\'s samples', async () => {
    const data = blobs(3, 32, 16);
    const run = async (parallel?: ParallelContext) => {
      const model = new TinyLinear(2, 3);
      return fit(model, data, {
        loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.5), epochs: 2,
        metrics: ['accuracy'], progress: false, validation: data, ...(parallel ? { parallel } : {}),
      });
    };
    const alone = await run();
    const group = twin(true);
    const together = await run(group);
    expect(group.sums).toBe(4); // training and validation logs, for each of 2 epochs
    const [a, t] = [alone.epochs[1]!, together.epochs[1]!];
    expect(t.loss).toBe(a.loss);
    expect(t.metrics.accuracy).toBe(a.metrics.accuracy);
    expect(t.valLoss).toBe(a.valLoss);
    expect(t.samples).toBe(2 * a.samples);
  });

  it('shows progress on the main process only, and stops all processes together at the end of an epoch', async () => {
    const data = blobs(3, 32, 16);
    for (const isMain of [true, false]) {
      const out = captureStream();
      const model = new TinyLinear(2, 3);
      const history = await fit(model, data, {
        loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.5), epochs: 3,
        progress: { stream: out.stream, mode: 'line' }, parallel: twin(isMain),
        callbacks: [{ onBatchEnd: (_logs, ctx) => { ctx.stopTraining = true; } }],
      });
      expect(out.text().includes('epoch 1/3')).toBe(isMain);
      expect(history.epochs).toHaveLength(1);
      expect(history.epochs[0]!.steps).toBe(data.length);
    }
  });

  it('evaluate with parallel gives the sample-weighted mean over the processes', async () => {
    const data = blobs(3, 32, 16);
    const model = new TinyLinear(2, 3);
    const alone = await evaluate(model, data, { loss: meanCrossEntropy, metrics: ['accuracy'] });
    // The other process evaluated 10 samples at loss 1 and accuracy 0.5.
    const other: ParallelContext = {
      rank: 0, worldSize: 2, isMain: true, barrier() {},
      allSum(values: Float64Array) {
        values[0]! += 10;
        values[2]! += 10 * 1;
        values[3]! += 10 * 0.5;
      },
    };
    const together = await evaluate(model, data, { loss: meanCrossEntropy, metrics: ['accuracy'], parallel: other });
    const total = alone.samples + 10;
    expect(together.samples).toBe(total);
    expect(together.loss).toBeCloseTo((alone.loss * alone.samples + 10) / total, 12);
    expect(together.metrics.accuracy).toBeCloseTo((alone.metrics.accuracy! * alone.samples + 5) / total, 12);
    await expect(evaluate(model, data, { parallel: {} as never })).rejects.toThrow(/evaluate: parallel must have/);
  });

  it('refuses a parallel option without allSum and barrier', async () => {
    const model = new TinyLinear(2, 3);
    await expect(fit(model, blobs(2, 4, 4), {
      loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.5), parallel: { isMain: true } as never,
    })).rejects.toThrow(/parallel must have isMain, allSum\(values\) and barrier\(\)/);
  });
});

describe('fit with a model that carries its process group', () => {
  it('takes the group as parallel when none is given: progress on the main process only, logs averaged', async () => {
    const data = blobs(3, 32, 16);
    for (const isMain of [true, false]) {
      const out = captureStream();
      const model = Object.assign(new TinyLinear(2, 3), { group: twin(isMain) });
      const history = await fit(model, data, {
        loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.5), epochs: 1,
        progress: { stream: out.stream, mode: 'line' },
      });
      expect(model.group.sums).toBe(1);
      expect(out.text().includes('epoch 1/1')).toBe(isMain);
      expect(history.epochs[0]!.samples).toBe(2 * 32 * 3);
    }
  });

  it('an explicit parallel wins, and evaluate takes no default (it may run on one process only)', async () => {
    const data = blobs(3, 32, 16);
    const model = Object.assign(new TinyLinear(2, 3), { group: twin(true) });
    const other = twin(true);
    await fit(model, data, { loss: meanCrossEntropy, optimizer: new PlainSgd(model.parameters(), 0.5), progress: false, parallel: other });
    expect([model.group.sums, other.sums]).toEqual([0, 1]);
    await evaluate(model, data, { loss: meanCrossEntropy });
    expect(model.group.sums).toBe(0);
  });
});

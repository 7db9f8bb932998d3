// evaluate, predict and fit's validation put back the mode of every module they found, so a manual loop that
// evaluates after each epoch trains the next one with Dropout on and BatchNorm learning; and a diverging run
// is announced (once) or stopped by TerminateOnNaN. On every backend.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { manualSeed, randn, setBackend, softmaxCrossEntropy, type Tensor } from '@nabla/core';
import { backendsUnderTest } from '@nabla/backend-tests';
import { BatchNorm1d, Dropout, Linear, ReLU, Sequential } from '@nabla/layers';
import { SGD } from '@nabla/optimizers';
import { TerminateOnNaN, evaluate, fit, predict } from '../src/index.js';
import { blobs } from './helpers.js';

const loss = (pred: Tensor, y: Tensor): Tensor => softmaxCrossEntropy(pred, y).mean();

function model(): { net: Sequential; bn: BatchNorm1d; drop: Dropout } {
  manualSeed(3);
  const bn = new BatchNorm1d(8);
  const drop = new Dropout(0.5);
  return { net: new Sequential(new Linear(2, 8), bn, new ReLU(), drop, new Linear(8, 3)), bn, drop };
}

afterEach(() => vi.restoreAllMocks());

describe.each(backendsUnderTest())('modes and non-finite losses on %s', (backend) => {
  it('evaluate and predict run in eval mode and put back every module\'s mode, mixed ones included', async () => {
    setBackend(backend);
    const { net, bn, drop } = model();
    const seen: boolean[] = [];
    bn.registerForwardHook((m) => void seen.push(m.training));
    const data = blobs(3, 8, 8);
    await evaluate(net, data, { loss });
    expect(seen.every((t) => !t)).toBe(true);
    expect([net.training, bn.training, drop.training]).toEqual([true, true, true]);
    drop.eval();
    predict(net, randn(5, 2));
    expect([net.training, bn.training, drop.training]).toEqual([true, true, false]);
    net.eval();
    await evaluate(net, data);
    expect([net.training, bn.training, drop.training]).toEqual([false, false, false]);
  });

  it('a manual loop that evaluates each epoch trains the next epoch in training mode', async () => {
    setBackend(backend);
    const { net, bn } = model();
    const data = blobs(3, 8, 8);
    const optimizer = new SGD(net.parameters(), { lr: 0.1 });
    await fit(net, data, { loss, optimizer, epochs: 1, progress: false });
    await evaluate(net, data, { loss });
    const tracked = bn.numBatchesTracked!.item();
    await fit(net, data, { loss, optimizer, epochs: 1, progress: false, validation: data });
    expect(bn.numBatchesTracked!.item()).toBe(tracked + data.length); // BatchNorm kept learning
    expect(net.training).toBe(true);
  });

  it('fit warns once when the loss stops being finite, and TerminateOnNaN stops at that batch', async () => {
    setBackend(backend);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { net } = model();
    const data = blobs(3, 16, 8);
    const diverging = { loss, optimizer: new SGD(net.parameters(), { lr: 1e30 }), epochs: 3, progress: false };
    const history = await fit(net, data, diverging);
    expect(history.epochs.some((e) => !Number.isFinite(e.loss))).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/fit: the loss is (NaN|Infinity) at epoch \d+, step \d+: the learning rate may be too high.*TerminateOnNaN/);

    const fresh = model().net;
    const stop = new TerminateOnNaN();
    const stopped = await fit(fresh, data, { ...diverging, optimizer: new SGD(fresh.parameters(), { lr: 1e30 }), callbacks: [stop] });
    expect(stop.stoppedAt).not.toBeNull();
    expect(Number.isFinite(stop.stoppedAt!.loss)).toBe(false);
    expect(stopped.stepLoss.length).toBe(stop.stoppedAt!.epoch * data.length + stop.stoppedAt!.step + 1);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1]![0])).toMatch(/TerminateOnNaN stops training here/);
  });
});

import { describe, expect, it } from 'vitest';
import '@nabla/backend-js';
import { tensor } from '@nabla/core';
import {
  Accuracy, ConfusionMatrix, MeanAbsoluteError, MeanSquaredError, TopKAccuracy, accuracy, confusionMatrix,
  meanAbsoluteError, meanSquaredError, resolveMetric, topKAccuracy,
} from '../src/index.js';

const logits = tensor([
  [0.1, 0.7, 0.2], // predicts 1
  [0.9, 0.05, 0.05], // predicts 0
  [0.2, 0.3, 0.5], // predicts 2
  [0.4, 0.35, 0.25], // predicts 0
]);

describe('accuracy', () => {
  it('compares the argmax of each row with class indices', () => {
    expect(accuracy(logits, tensor([1, 0, 1, 2]))).toBe(0.5);
    expect(accuracy(logits, tensor([1, 0, 2, 0]))).toBe(1);
  });

  it('accepts one-hot targets', () => {
    const oneHot = tensor([[0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(accuracy(logits, oneHot)).toBe(0.5);
  });

  it('thresholds one score per sample', () => {
    const probs = tensor([[0.9], [0.2], [0.6], [0.4]]);
    expect(accuracy(probs, tensor([1, 0, 0, 0]))).toBe(0.75);
    // Logits with threshold 0, targets -1/+1 (hinge style).
    expect(accuracy(tensor([2, -1, 0.5]), tensor([1, -1, -1]), { threshold: 0 })).toBeCloseTo(2 / 3);
  });

  it('reads views: transposed (strided) and sliced (offset) tensors', () => {
    const transposed = tensor([[0.1, 0.9, 0.2, 0.4], [0.7, 0.05, 0.3, 0.35], [0.2, 0.05, 0.5, 0.25]]).T;
    expect(transposed.isContiguous).toBe(false);
    expect(accuracy(transposed, tensor([1, 0, 1, 2]))).toBe(0.5);
    const sliced = logits.slice(0, 2, 4);
    expect(sliced.offset).toBe(6);
    expect(accuracy(sliced, tensor([2, 0, 9]).slice(0, 0, 2))).toBe(1);
    expect(meanAbsoluteError(tensor([5, 1, 2]).slice(0, 1, 3), tensor([0, 1, 4]).slice(0, 1, 3))).toBe(1);
  });

  it('rejects targets that do not fit the predictions', () => {
    expect(() => accuracy(logits, tensor([1, 0, 1]))).toThrow(/targets of shape \[3\].*predictions of shape \[4, 3\]/);
    expect(() => accuracy(logits, tensor([1, 0, 5, 0]))).toThrow(/target 2 is 5, expected a class index in 0..2/);
    expect(() => accuracy(logits, tensor([1, 0, 0.5, 0]))).toThrow(/class index/);
  });
});

describe('topKAccuracy', () => {
  it('counts the target among the k best scores', () => {
    const y = tensor([2, 1, 0, 2]);
    expect(topKAccuracy(logits, y, 1)).toBe(0);
    // ranks of the target: row0 class2 = 2nd, row1 class1 = 2nd (tie with 2: ties count for the target), row2 class0 = 3rd, row3 class2 = 3rd
    expect(topKAccuracy(logits, y, 2)).toBe(0.5);
    expect(topKAccuracy(logits, y, 3)).toBe(1);
  });

  it('rejects a bad k and one-column predictions', () => {
    expect(() => topKAccuracy(logits, tensor([0, 0, 0, 0]), 0)).toThrow(/k must be a positive integer/);
    expect(() => topKAccuracy(tensor([[0.3], [0.6]]), tensor([0, 1]), 1)).toThrow(/\[batch, classes\]/);
  });
});

describe('regression errors', () => {
  it('computes MAE and MSE over every value', () => {
    const p = tensor([[1, 2], [3, 4]]);
    const t = tensor([[1, 0], [4, 4]]);
    expect(meanAbsoluteError(p, t)).toBe(3 / 4);
    expect(meanSquaredError(p, t)).toBe(5 / 4);
  });

  it('accepts [n] against [n, 1] but rejects different sizes', () => {
    expect(meanSquaredError(tensor([1, 2]), tensor([[1], [4]]))).toBe(2);
    expect(() => meanAbsoluteError(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/same number of values/);
  });
});

describe('confusion matrix', () => {
  it('counts (true, predicted) pairs', () => {
    expect(confusionMatrix(logits, tensor([1, 0, 1, 2]))).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [1, 0, 0],
    ]);
  });

  it('accumulates over batches and gives per-class recall', () => {
    const cm = new ConfusionMatrix(2);
    cm.update(tensor([0.9, 0.1]), tensor([1, 1]));
    cm.update(tensor([0.2, 0.7]), tensor([0, 0]));
    // (true 1, pred 1), (true 1, pred 0), (true 0, pred 0), (true 0, pred 1)
    expect(cm.toArray()).toEqual([[1, 1], [1, 1]]);
    expect(cm.recall()).toEqual([0.5, 0.5]);
    cm.reset();
    expect(cm.toArray()).toEqual([[0, 0], [0, 0]]);
    expect(() => new ConfusionMatrix(1)).toThrow(/classes must be an integer >= 2/);
    expect(() => cm.update(logits, tensor([0, 0, 0, 0]))).toThrow(/built for 2 classes/);
  });
});

describe('streaming metrics', () => {
  it('weight each batch by its size, and return the batch value from update', () => {
    const acc = new Accuracy();
    expect(acc.result()).toBeNaN();
    expect(acc.update(logits, tensor([1, 0, 2, 0]))).toBe(1);
    expect(acc.update(tensor([[0, 1], [1, 0]]), tensor([0, 0]))).toBe(0.5);
    expect(acc.result()).toBeCloseTo(5 / 6);
    acc.reset();
    expect(acc.result()).toBeNaN();

    const mae = new MeanAbsoluteError();
    mae.update(tensor([1]), tensor([0]));
    mae.update(tensor([1, 1, 1]), tensor([1, 1, 1]));
    expect(mae.result()).toBe(0.25);
    const mse = new MeanSquaredError();
    mse.update(tensor([3]), tensor([1]));
    expect(mse.result()).toBe(4);
  });

  it('resolve by name', () => {
    expect(resolveMetric('accuracy')).toBeInstanceOf(Accuracy);
    expect(resolveMetric('acc').name).toBe('accuracy');
    const top = resolveMetric('top5');
    expect(top).toBeInstanceOf(TopKAccuracy);
    expect(top.name).toBe('top5');
    expect(resolveMetric('mae').name).toBe('mae');
    expect(resolveMetric('mse').name).toBe('mse');
    expect(() => resolveMetric('f1')).toThrow(/unknown metric "f1"/);
  });
});

describe('metrics name arguments that are not tensors', () => {
  it('accuracy, topKAccuracy, MAE, MSE and the confusion matrix', () => {
    const t = tensor([[0.2, 0.8]]);
    expect(() => accuracy([[1, 0]] as never, tensor([0]))).toThrow(TypeError);
    expect(() => accuracy([[1, 0]] as never, tensor([0]))).toThrow(/accuracy: predictions must be a Tensor, got an array of length 1/);
    expect(() => topKAccuracy(t, [1] as never, 1)).toThrow(/topKAccuracy: targets must be a Tensor/);
    expect(() => meanAbsoluteError(t, null as never)).toThrow(/meanAbsoluteError: targets must be a Tensor, got null/);
    expect(() => meanSquaredError(new Float32Array(2) as never, t)).toThrow(/meanSquaredError: predictions must be a Tensor, got a Float32Array/);
    expect(() => confusionMatrix(t, 'a' as never)).toThrow(/confusionMatrix: targets must be a Tensor/);
  });
});

// Extreme but valid inputs give finite losses and gradients, with the values PyTorch gives.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { setBackend, tensor, type Tensor } from '@nabla/core';
import { backendsUnderTest } from '@nabla/backend-tests';
import { bceLoss, bceWithLogitsLoss, categoricalCrossEntropyLoss, crossEntropyLoss, logLoss } from '../src/index.js';

function allFinite(t: Tensor): boolean {
  return t.data().every((v) => Number.isFinite(v));
}

for (const backend of backendsUnderTest()) {
  describe(`${backend}: numerical stability`, () => {
    it('BCE with p = 0 and p = 1: logs clamped at -100, finite gradient', () => {
      setBackend(backend);
      const p = tensor([0, 1, 0, 1], undefined, { requiresGrad: true });
      const y = tensor([1, 0, 0, 1]);
      const loss = bceLoss(p, y, { reduction: 'none' });
      expect(Array.from(loss.data(), (v) => v + 0)).toEqual([100, 100, 0, 0]);
      loss.sum().backward();
      expect(allFinite(p.grad!)).toBe(true);
      expect(p.grad!.data()[0]).toBeLessThan(0); // raising p towards the target lowers the loss
      expect(logLoss(p.detach(), y).item()).toBe(50);
    });

    it('BCE with logits at ±100', () => {
      setBackend(backend);
      const x = tensor([100, -100, 100, -100], undefined, { requiresGrad: true });
      const y = tensor([0, 1, 1, 0]);
      const loss = bceWithLogitsLoss(x, y, { reduction: 'none' });
      const [a, b, c, d] = Array.from(loss.data());
      expect([a, b]).toEqual([100, 100]);
      // log(1 + exp(-100)) is about 3.8e-44: a float32 denormal, kept rather than rounded to 0.
      for (const tiny of [c!, d!]) expect(tiny >= 0 && tiny < 1e-40).toBe(true);
      loss.sum().backward();
      const g = Array.from(x.grad!.data());
      expect(g.slice(0, 3)).toEqual([1, -1, 0]);
      expect(g[3]! >= 0 && g[3]! < 1e-40).toBe(true); // sigmoid(-100)
    });

    it('BCE with logits keeps small losses accurate (log1p, not log(1 + e))', () => {
      setBackend(backend);
      const loss = bceWithLogitsLoss(tensor([-20, 30]), tensor([0, 1]), { reduction: 'none' });
      expect(loss.data()[0]).toBeCloseTo(Math.log1p(Math.exp(-20)), 15);
      expect(loss.data()[0]! / Math.log1p(Math.exp(-20))).toBeCloseTo(1, 5);
      expect(loss.data()[1]! / Math.log1p(Math.exp(-30))).toBeCloseTo(1, 5);
    });

    it('cross-entropy with logits of 1e4', () => {
      setBackend(backend);
      const logits = tensor([[1e4, 0, -1e4], [0, 1e4, 1e4]], undefined, { requiresGrad: true });
      const loss = crossEntropyLoss(logits, [2, 1], { reduction: 'none' });
      expect(Array.from(loss.data())).toEqual([2e4, Math.fround(Math.log(2))]);
      loss.sum().backward();
      expect(allFinite(logits.grad!)).toBe(true);
      const smoothed = crossEntropyLoss(logits.detach(), [2, 1], { labelSmoothing: 0.1, weight: tensor([1, 2, 3]) });
      expect(Number.isFinite(smoothed.item())).toBe(true);
    });

    it('categorical cross-entropy with a zero probability on the target class', () => {
      setBackend(backend);
      const p = tensor([[0, 1], [0.5, 0.5]], undefined, { requiresGrad: true });
      const loss = categoricalCrossEntropyLoss(p, tensor([[1, 0], [0, 1]]), { reduction: 'none' });
      expect(loss.data()[0]).toBe(100);
      loss.sum().backward();
      expect(allFinite(p.grad!)).toBe(true);
    });
  });
}

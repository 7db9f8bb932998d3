// Cross-entropy with targets shaped like the logits (one-hot or soft rows), which PyTorch >= 1.10 takes as
// class probabilities. Expected values are torch.nn.functional.cross_entropy's (PyTorch 1.13) on the same input.
import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { ShapeError, tensor, zeros } from '@nabla/core';
import { CrossEntropyLoss, categoricalCrossEntropyLoss, crossEntropyLoss } from '../src/index.js';

const logits = [[1, 2, 3], [1, 0, -1]];
const probs = [[0, 0, 1], [0.2, 0.8, 0]];
const weight = tensor([1, 2, 0.5]);

describe('crossEntropyLoss with class-probability targets', () => {
  it("matches PyTorch's values for every reduction, with label smoothing and class weights", () => {
    const cases: [Parameters<typeof crossEntropyLoss>[2], number[]][] = [
      [{}, [0.8076059222221375]],
      [{ reduction: 'sum' }, [1.615211844444275]],
      [{ reduction: 'none' }, [0.40760594606399536, 1.2076058387756348]],
      [{ labelSmoothing: 0.1 }, [0.8676058650016785]],
      [{ weight }, [1.2687468528747559]],
      [{ weight, labelSmoothing: 0.2, reduction: 'none' }, [0.5248171091079712, 2.1620607376098633]],
      [{ weight, labelSmoothing: 0.2 }, [1.343438982963562]],
    ];
    for (const [options, expected] of cases) {
      const got = Array.from(crossEntropyLoss(tensor(logits), probs, options).data());
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
  });

  it('one-hot rows give the same loss and gradient as the class indices', () => {
    const a = tensor(logits, undefined, { requiresGrad: true });
    const b = tensor(logits, undefined, { requiresGrad: true });
    const byIndex = new CrossEntropyLoss()(a, [2, 1]);
    const byOneHot = new CrossEntropyLoss()(b, [[0, 0, 1], [0, 1, 0]]);
    expect(byOneHot.item()).toBeCloseTo(byIndex.item(), 6);
    byIndex.backward();
    byOneHot.backward();
    Array.from(b.grad!.data()).forEach((v, i) => expect(v).toBeCloseTo(a.grad!.data()[i]!, 6));
  });

  it('targets outside [0, 1] and columns of indices are errors that say what was expected', () => {
    expect(() => crossEntropyLoss(tensor(logits), [[0, 0, 2], [0, 1, 0]])).toThrow(/crossEntropyLoss: targets element 2 is 2, expected a class probability in \[0, 1\]/);
    expect(() => crossEntropyLoss(tensor(logits), [[2], [1]])).toThrow(ShapeError);
    expect(() => crossEntropyLoss(tensor(logits), [[2], [1]])).toThrow(/a column of indices becomes \[batch\] with \.reshape\(-1\)/);
    expect(() => crossEntropyLoss(zeros([0, 3]), zeros([0, 3]))).toThrow(/reduction 'mean' of an empty batch/);
  });

  it('categorical cross-entropy given class indices says to one-hot them or use crossEntropyLoss', () => {
    expect(() => categoricalCrossEntropyLoss(tensor([[0.2, 0.8], [0.5, 0.5]]), [0, 1]))
      .toThrow(/categoricalCrossEntropyLoss: targets have shape \[2\], one value per row; this loss takes one-hot rows \[2, 2\]: pass oneHot/);
  });
});

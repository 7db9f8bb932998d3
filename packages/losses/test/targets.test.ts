// Targets may be anything tensor() takes, as in PyTorch where class indices are often int64: typed arrays
// (Int32Array, BigInt64Array, Uint8Array...) work like arrays; what is not numbers is named in the message.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { setBackend, tensor } from '@nabla/core';
import { backendsUnderTest } from '@nabla/backend-tests';
import { CrossEntropyLoss, bceLoss, crossEntropyLoss, mseLoss } from '../src/index.js';

describe.each(backendsUnderTest())('targets as typed arrays on %s', (backend) => {
  const logits = tensor([[1, 2, 0.5], [0.1, 0.2, 3]]);

  it('crossEntropyLoss takes Int32Array, BigInt64Array and Uint8Array class indices', () => {
    setBackend(backend);
    const expected = crossEntropyLoss(logits, [0, 2]).item();
    expect(crossEntropyLoss(logits, new Int32Array([0, 2])).item()).toBe(expected);
    expect(crossEntropyLoss(logits, BigInt64Array.of(0n, 2n)).item()).toBe(expected);
    expect(crossEntropyLoss(logits, new Uint8Array([0, 2])).item()).toBe(expected);
    expect(new CrossEntropyLoss()(logits, new Float64Array([0, 2])).item()).toBe(expected);
    expect(mseLoss(tensor([1, 2]), new Float64Array([1, 4])).item()).toBe(2);
    expect(bceLoss(tensor([0.5]), new Uint8Array([1])).item()).toBeCloseTo(Math.log(2), 6);
  });

  it('names what is not a target or not a prediction', () => {
    setBackend(backend);
    expect(() => crossEntropyLoss(logits, 'ab' as never)).toThrow(TypeError);
    expect(() => crossEntropyLoss(logits, 'ab' as never))
      .toThrow(/crossEntropyLoss: targets must be a Tensor, an array of numbers or a typed array, got a string \("ab"\)/);
    expect(() => crossEntropyLoss(logits, new Int32Array([0, 3]))).toThrow(/target 1 is 3, expected a class index in 0\.\.2/);
    expect(() => crossEntropyLoss([[1, 2]] as never, [0])).toThrow(/crossEntropyLoss: logits must be a Tensor, got an array of length 1 \(make one with tensor/);
    expect(() => mseLoss(new Float32Array(2) as never, [1, 2])).toThrow(/mseLoss: prediction must be a Tensor, got a Float32Array of length 2/);
  });
});

// Tensors print as PyTorch prints them (the expected strings are torch 2.x's output for the same values).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Tensor, record, setPrintOptions, tensor } from '../src/index.js';

function t(values: number[], shape: number[]): Tensor {
  return new Tensor(Float32Array.from(values), shape);
}

describe('printing tensors', () => {
  it('4 decimals, aligned, negative numbers padded', () => {
    expect(String(t([0.1, -2, 3.14159, 10], [2, 2]))).toBe('tensor([[ 0.1000, -2.0000],\n        [ 3.1416, 10.0000]])');
  });

  it('integers as "1.", scalars without brackets, empty tensors with their size', () => {
    expect(String(t([1, 2, 3], [3]))).toBe('tensor([1., 2., 3.])');
    expect(String(t([0, 0], [2]))).toBe('tensor([0., 0.])');
    expect(String(t([2.5], []))).toBe('tensor(2.5000)');
    expect(String(t([], [0]))).toBe('tensor([])');
    expect(String(t([], [0, 3]))).toBe('tensor([], size=[0, 3])');
  });

  it('scientific notation when the magnitudes span more than 1000x, nan and inf', () => {
    expect(String(t([1e-5, 1, 100], [3]))).toBe('tensor([1.0000e-05, 1.0000e+00, 1.0000e+02])');
    expect(String(t([NaN, 1.5, -Infinity], [3]))).toBe('tensor([   nan, 1.5000,   -inf])');
  });

  it('summarises more than 1000 elements with "..." and the first and last 3 along each axis', () => {
    const big = t(Array.from({ length: 2000 }, (_, i) => i + 1000), [2000]);
    expect(String(big)).toBe('tensor([1000., 1001., 1002.,  ..., 2997., 2998., 2999.])');
    // 0..1999 spans more than 1000x, so PyTorch switches to scientific notation for it.
    const spread = t(Array.from({ length: 2000 }, (_, i) => i), [2000]);
    expect(String(spread)).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
    );
    const grid = t(Array.from({ length: 100 * 20 }, (_, i) => i % 7), [100, 20]);
    expect(String(grid)).toBe([
      'tensor([[0., 1., 2.,  ..., 3., 4., 5.],',
      '        [6., 0., 1.,  ..., 2., 3., 4.],',
      '        [5., 6., 0.,  ..., 1., 2., 3.],',
      '        ...,',
      '        [1., 2., 3.,  ..., 4., 5., 6.],',
      '        [0., 1., 2.,  ..., 3., 4., 5.],',
      '        [6., 0., 1.,  ..., 2., 3., 4.]])',
    ].join('\n'));
  });

  it('wraps long rows at 80 characters and separates blocks of 3-d tensors with a blank line', () => {
    const row = t(Array.from({ length: 12 }, (_, i) => i + 0.5), [12]);
    expect(String(row)).toBe(
      'tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n' +
      '         8.5000,  9.5000, 10.5000, 11.5000])',
    );
    expect(String(t([1, 2, 3, 4], [2, 1, 2]))).toBe('tensor([[[1., 2.]],\n\n        [[3., 4.]]])');
  });

  it('names requiresGrad on leaves and the gradient function on results', () => {
    const leaf = tensor([1, 2], undefined, { requiresGrad: true });
    expect(String(leaf)).toBe('tensor([1., 2.], requiresGrad=true)');
    const out = record(t([3], [1]), 'linear', [leaf], (g) => [g]);
    expect(String(out)).toBe('tensor([3.], gradFn=<LinearBackward>)');
  });

  it('console.log (util.inspect) shows the same text, not the fields', () => {
    const x = t([1, 2], [2]);
    expect(inspect(x)).toBe('tensor([1., 2.])');
    expect(inspect({ x })).toBe('{ x: tensor([1., 2.]) }');
  });

  it('setPrintOptions changes precision and returns the previous options', () => {
    const previous = setPrintOptions({ precision: 2 });
    try {
      expect(String(t([0.125, 1], [2]))).toBe('tensor([0.13, 1.00])');
    } finally {
      setPrintOptions(previous);
    }
    expect(() => setPrintOptions({ precision: -1 })).toThrow(/precision must be a non-negative integer/);
    // Past what toFixed takes, refused when set rather than when printing; a refused call changes nothing.
    expect(() => setPrintOptions({ threshold: 5, precision: 1e9 })).toThrow(/setPrintOptions: precision must be at most 100, got 1000000000/);
    expect(() => setPrintOptions({ edgeItems: '3' as never })).toThrow(/edgeItems must be a non-negative integer, got "3"/);
    expect(setPrintOptions({}).threshold).toBe(1000);
  });
});

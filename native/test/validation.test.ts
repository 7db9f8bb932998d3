// The boundary: every entry point rejects bad arguments with a TypeError or RangeError that names the
// function and the argument, before touching memory; the wrapper rejects unknown ops and shape mismatches.
import { ShapeError } from '@nabla/core';
import { describe, expect, it } from 'vitest';

import { addon, backend } from './helpers.js';

const f32 = (n: number): Float32Array => new Float32Array(n);
const meta = (...v: number[]): Float64Array => Float64Array.from(v);
const ADD = addon.binaryOps.indexOf('add');

function detached(n: number): Float32Array {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

describe('argument validation', () => {
  it('names the view, its shape and strides when an input is too short', () => {
    expect(() => addon.binary(ADD, meta(3, 2, 3, 4, 0, 12, 4, 1, 0, 12, 4, 1), f32(24), f32(20), f32(24)))
      .toThrow(new RangeError(
        "native.binary: argument 'b' needs 24 elements from offset 0 with shape [2,3,4] and strides [12,4,1], has 20"));
  });

  it('rejects negative reach, short outputs, bad ranks and non-integers', () => {
    expect(() => addon.unary(0, meta(1, 3, 1, -1), f32(5), f32(3))).toThrow(/reaches index -1/);
    expect(() => addon.unary(0, meta(1, 3, 0, 1), f32(3), f32(2))).toThrow(/argument 'out' needs 3 elements, has 2/);
    expect(() => addon.unary(0, meta(65), f32(3), f32(3))).toThrow(/rank \(meta ndim\) must be an integer in \[0, 64\]/);
    expect(() => addon.unary(0, meta(1, 2.5, 0, 1), f32(3), f32(3))).toThrow(RangeError);
    expect(() => addon.unary(0, meta(1, NaN, 0, 1), f32(3), f32(3))).toThrow(/shape\[0\]/);
    expect(() => addon.unary(0, meta(1, 3, 0), f32(3), f32(3))).toThrow(/has 3 numbers, needs 4/);
    expect(() => addon.unary(0, meta(2, 2 ** 40, 2 ** 40, 0, 2 ** 40, 1), f32(3), f32(3))).toThrow(RangeError);
    expect(() => addon.unary(0, meta(1, 2, 0, 2 ** 62), f32(3), f32(3))).toThrow(RangeError);
    // Broadcast views could describe more elements than memory holds; the output count overflowing 64 bits.
    expect(() => addon.reduce(0, meta(2, 2 ** 41, 2, 0, 0, 1, 1, 0), f32(2), f32(2))).toThrow(/at most 2\^40 per op/);
    expect(() => addon.reduce(0, meta(3, 2 ** 40, 2 ** 40, 0, 0, 1, 1, 1, 1, 2), f32(1), f32(4))).toThrow(/overflows/);
  });

  it('rejects wrong types with TypeError naming the argument', () => {
    expect(() => addon.unary(0, meta(1, 1, 0, 1), new Float64Array(1) as unknown as Float32Array, f32(1)))
      .toThrow(new TypeError("native.unary: argument 'x' must be a Float32Array, got Float64Array"));
    expect(() => addon.unary(0, [1, 1, 0, 1] as unknown as Float64Array, f32(1), f32(1)))
      .toThrow(new TypeError("native.unary: argument 'meta' must be a Float64Array, got Array"));
    expect(() => addon.fill(f32(3), 'x' as unknown as number, 0, 1)).toThrow(TypeError);
    expect(() => (addon.gemm as unknown as () => void)()).toThrow(new TypeError('native.gemm: expected 4 arguments, got 0'));
  });

  it('rejects unknown op codes', () => {
    expect(() => addon.unary(5, meta(0, 0, 0), f32(1), f32(1))).toThrow(/argument 'op' must be an op code \(0=neg/);
    expect(() => addon.activation(-1, 0, f32(1), f32(1))).toThrow(RangeError);
  });

  it('rejects detached buffers with TypeError', () => {
    expect(() => addon.fill(detached(4), 0, 0, 1)).toThrow(/detached/);
    expect(() => addon.unary(0, meta(1, 1, 0, 1), detached(1), f32(1))).toThrow(TypeError);
    expect(() => addon.fill(f32(4), 0, 0, 0)).not.toThrow();
  });

  it('rejects outputs that partly overlap an input, allows exact in place', () => {
    const buf = f32(10);
    expect(() => addon.unary(0, meta(1, 5, 1, 1), buf, buf)).toThrow(/shares memory with 'out'/);
    expect(() => addon.unary(0, meta(1, 5, 0, 1), buf, buf)).not.toThrow();
    expect(() => addon.reduce(0, meta(1, 5, 0, 1, 1, 0), buf, buf)).toThrow(/share memory/);
    const big = f32(100);
    const g = meta(0, 0, 3, 3, 3, 1, 0, 3, 0, 3, 0, 0, 3);
    expect(() => addon.gemm(g, big, f32(9), big.subarray(5))).toThrow(/argument 'c' and 'a' share memory/);
    expect(() => addon.activation(0, 0, big.subarray(0, 10), big.subarray(1, 11))).toThrow(/share memory/);
  });

  it('checks gemm leading dimensions and extents', () => {
    const g = (lda: number, aLen: number): void =>
      addon.gemm(meta(0, 0, 2, 2, 3, 1, 0, lda, 0, 2, 0, 0, 2), f32(aLen), f32(6), f32(4));
    expect(() => g(2, 6)).toThrow(/leading dimension 2 is less than its 3 columns/);
    expect(() => g(4, 6)).toThrow(/argument 'a' needs 7 elements from offset 0 for a 2x3 matrix/);
    expect(() => g(4, 7)).not.toThrow();
    expect(() => addon.gemm(meta(2, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1), f32(1), f32(1), f32(1))).toThrow(/transA/);
  });

  it('checks fused-kernel sizes, class indices and optimizer options', () => {
    expect(() => addon.crossEntropy(f32(6), Float32Array.of(0, 3), 2, 3, f32(6), f32(2)))
      .toThrow(/'targets'\[1\] = 3\.0+ is not a class index in \[0, 3\)/);
    expect(() => addon.crossEntropy(f32(6), Float32Array.of(0, NaN), 2, 3, f32(6), f32(2))).toThrow(RangeError);
    expect(() => addon.prelu(f32(7), f32(1), 2, f32(7))).toThrow(/not a multiple of features = 2/);
    expect(() => addon.prelu(f32(6), f32(2), 3, f32(6))).toThrow(/'a' must have 1 or features = 3/);
    expect(() => addon.batchNorm(meta(4, 3, 1e-5), f32(11), null, null, f32(12), f32(3), f32(3)))
      .toThrow(/'x' needs 12 elements \(rows × features\), has 11/);
    expect(() => addon.linear(meta(2 ** 40, 2 ** 40, 2, 0, 0), f32(1), f32(1), null, f32(1), null)).toThrow(/overflow/);
    // Zero features leave rows unbounded by any array: nothing to do, and no loop over 2^53 empty rows.
    addon.batchNorm(meta(2 ** 53, 0, 1e-5), f32(0), null, null, f32(0), f32(0), f32(0));
    addon.batchNormBackward(meta(2 ** 53, 0), f32(0), null, f32(0), f32(0), f32(0), f32(0), null, null);
    const hyper = meta(0.1, 0.9, 0, 0, 0, 1);
    expect(() => addon.sgdStep(hyper, f32(3), f32(3), null)).toThrow(/'momentumBuf' must be a Float32Array when momentum != 0/);
    expect(() => addon.sgdStep(hyper, f32(3), f32(3), f32(2))).toThrow(/'momentumBuf' must have 3 elements/);
    const p = f32(3);
    expect(() => addon.sgdStep(hyper, p, f32(3), p)).toThrow(/share memory/);
    expect(() => addon.adamStep(meta(0.1, 0.9, 0.999, 1e-8, 0, 0, 0, 0), f32(3), f32(3), f32(3), f32(3), null))
      .toThrow(/step must be an integer in \[1,/);
    expect(() => addon.adagradStep(meta(NaN, 0, 0), f32(3), f32(3), f32(3))).toThrow(/hyper\[0\] must be a finite number/);
  });

  it('checks the loader kernel: types, index ranges, divisor and overlap', () => {
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const rows = Uint32Array.from([2, 0, 1]);
    const out = f32(6);
    addon.gatherBytes(src, 2, rows, 0, 3, 2, out);
    expect([...out]).toEqual([2.5, 3, 0.5, 1, 1.5, 2]);
    expect(() => addon.gatherBytes(f32(6) as unknown as Uint8Array, 2, rows, 0, 3, 2, out)).toThrow(/'src' must be a Uint8Array, got Float32Array/);
    expect(() => addon.gatherBytes(src, 2, Int32Array.from([0]) as unknown as Uint32Array, 0, 1, 2, out)).toThrow(/'rows' must be a Uint32Array/);
    expect(() => addon.gatherBytes(src, 2, Uint32Array.from([3]), 0, 1, 2, out)).toThrow(/rows\[0\] = 3 is out of range for 'src' of 3 rows of 2 bytes/);
    expect(() => addon.gatherBytes(src, 2, rows, 2, 2, 2, out)).toThrow(/rows\[start \.\. start \+ count\) = \[2, 4\) is outside 'rows'/);
    expect(() => addon.gatherBytes(src, 2, rows, 0, 3, 2, f32(5))).toThrow(/'out' needs 6 elements/);
    expect(() => addon.gatherBytes(src, 0, rows, 0, 3, 2, out)).toThrow(/'rowLength' must be at least 1/);
    for (const d of [0, -1, NaN, Infinity, 1e39]) {
      expect(() => addon.gatherBytes(src, 2, rows, 0, 3, d, out)).toThrow(/'divisor' must be a positive number/);
    }
    const shared = new ArrayBuffer(64);
    expect(() => addon.gatherBytes(new Uint8Array(shared, 0, 8), 2, Uint32Array.from([0]), 0, 1, 2, new Float32Array(shared, 4, 2)))
      .toThrow(/'out' shares memory with 'src'/);
    expect(() => addon.gatherBytes(src, 2, new Uint32Array(shared, 0, 1), 0, 1, 2, new Float32Array(shared, 0, 2)))
      .toThrow(/'out' shares memory with 'rows'/);
  });

  it('checks the float-row gather: types, index ranges and overlap', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const rows = Uint32Array.from([2, 0, 1]);
    const out = f32(6);
    addon.gatherRows(src, 2, rows, 0, 3, out);
    expect([...out]).toEqual([5, 6, 1, 2, 3, 4]);
    expect(() => addon.gatherRows(Uint8Array.from([1]) as unknown as Float32Array, 1, rows, 0, 1, out)).toThrow(/'src' must be a Float32Array/);
    expect(() => addon.gatherRows(src, 2, Int32Array.from([0]) as unknown as Uint32Array, 0, 1, out)).toThrow(/'rows' must be a Uint32Array/);
    expect(() => addon.gatherRows(src, 2, Uint32Array.from([3]), 0, 1, out)).toThrow(/rows\[0\] = 3 is out of range for 'src' of 3 rows of 2 values/);
    expect(() => addon.gatherRows(src, 2, rows, 2, 2, out)).toThrow(/rows\[start \.\. start \+ count\) = \[2, 4\) is outside 'rows'/);
    expect(() => addon.gatherRows(src, 2, rows, 0, 3, f32(5))).toThrow(/'out' needs 6 elements/);
    expect(() => addon.gatherRows(src, 0, rows, 0, 3, out)).toThrow(/'rowLength' must be at least 1/);
    const shared = new ArrayBuffer(64);
    expect(() => addon.gatherRows(new Float32Array(shared, 0, 4), 2, Uint32Array.from([0]), 0, 1, new Float32Array(shared, 4, 2)))
      .toThrow(/'out' shares memory with 'src'/);
    expect(() => addon.gatherRows(src, 2, new Uint32Array(shared, 4, 1), 0, 1, new Float32Array(shared, 0, 2)))
      .toThrow(/'out' shares memory with 'rows'/);
  });

  it('checks the runtime settings', () => {
    expect(() => addon.setNumThreads(0)).toThrow(RangeError);
    expect(() => addon.setNumThreads(1.5)).toThrow(RangeError);
    expect(() => addon.setIsa('sse9')).toThrow(/'portable', 'avx2' or 'avx512'/);
    const before = addon.getNumThreads();
    addon.setNumThreads(1);
    expect(addon.getNumThreads()).toBe(1);
    addon.setNumThreads(before);
  });

  it('the wrapper rejects unknown ops and mismatched shapes', () => {
    const v = { storage: f32(6), shape: [2, 3], strides: [3, 1], offset: 0 };
    expect(() => backend.unary('cube' as 'neg', v, f32(6))).toThrow(/native.unary: unknown op 'cube'/);
    expect(() => backend.binary('add', v, { ...v, shape: [3, 2] }, f32(6))).toThrow(ShapeError);
    expect(() => backend.copy({ ...v, strides: [1] }, f32(6))).toThrow(/has 1 strides for shape \[2, 3\]/);
    expect(() => backend.activation!('gelu' as 'relu', 0, f32(1), f32(1))).toThrow(TypeError);
  });

  it('small arrays staged off-heap by the wrapper keep the semantics of the direct call', () => {
    const v = (storage: Float32Array, shape: number[], strides: number[], offset = 0) => ({ storage, shape, strides, offset });
    // In place on a 4-element array.
    const x = Float32Array.of(1, 2, 3, 4);
    backend.binary('mul', v(x, [4], [1]), v(x, [4], [1]), x);
    expect([...x]).toEqual([1, 4, 9, 16]);
    // An output longer than the result keeps its tail.
    const out = new Float32Array(8).fill(-1);
    backend.unary('neg', v(x, [2, 2], [2, 1]), out);
    expect([...out]).toEqual([-1, -4, -9, -16, -1, -1, -1, -1]);
    backend.fill(out, 7, 6, 2);
    expect([...out]).toEqual([-1, -4, -9, -16, -1, -1, 7, 7]);
    // Bounds are still checked against the caller's array length, types and detachment as before.
    expect(() => backend.unary('neg', v(x, [5], [1]), out)).toThrow(/argument 'x' needs 5 elements from offset 0/);
    expect(() => backend.unary('neg', v(new Float64Array(4) as unknown as Float32Array, [4], [1]), out)).toThrow(TypeError);
    const gone = Float32Array.of(1, 2);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expect(() => backend.copy(v(gone, [2], [1]), out)).toThrow(/detached/);
  });
});

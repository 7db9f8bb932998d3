import { describe, expect, it } from 'vitest';
import type { UnaryOp } from '@nabla/core';
import { upload, wk } from './helpers.js';
import type { WasmGemmArgs } from '../src/index.js';

const v = (storage: ReturnType<typeof upload>, shape: number[], strides: number[], offset = 0) => ({ storage, shape, strides, offset });

describe('bad arguments throw before anything reaches wasm', () => {
  const s = upload(new Float32Array(12));
  const out = wk.alloc(12);

  it('views reaching outside their storage', () => {
    expect(() => wk.unary('neg', v(s, [4, 4], [4, 1]), out)).toThrow(RangeError);
    expect(() => wk.unary('neg', v(s, [3, 4], [4, 1], 1), out)).toThrow(/reaches elements 1..12 but its storage holds 12/);
    expect(() => wk.unary('neg', v(s, [3, 4], [-4, 1]), out)).toThrow(RangeError);
    expect(() => wk.unary('neg', v(s, [3, 4], [4]), out)).toThrow(/but 1 strides/);
    expect(() => wk.unary('neg', v(s, [3, -4], [4, 1]), out)).toThrow(/bad shape/);
    expect(() => wk.unary('neg', v(s, [3, 4], [4, 1.5]), out)).toThrow(/bad stride/);
    expect(() => wk.unary('neg', v(s, [2], [1], -1), out)).toThrow(/offset/);
  });

  it('outputs too small, unknown ops, foreign or released storages', () => {
    expect(() => wk.unary('neg', v(s, [3, 4], [4, 1]), wk.alloc(11))).toThrow(/out has 11 elements, expected at least 12/);
    expect(() => wk.unary('nope' as UnaryOp, v(s, [3], [1]), out)).toThrow(TypeError);
    expect(() => wk.binary('add', v(s, [3], [1]), v(s, [4], [1]), out)).toThrow(/b has shape \[4\], expected \[3\]/);
    expect(() => wk.unary('neg', v(new Float32Array(3) as never, [3], [1]), out)).toThrow(/must be a WasmStorage, got Float32Array/);
    const dead = wk.alloc(3);
    wk.release(dead);
    expect(() => wk.copy(v(dead, [3], [1]), out)).toThrow(/released/);
    expect(() => wk.fill(out, 1, 10, 3)).toThrow(/exceeds/);
    expect(() => wk.reduce('sum', v(s, [3, 4], [4, 1]), [1, 0], out)).toThrow(/sorted, distinct/);
    expect(() => wk.argmax(v(s, [3, 4], [4, 1]), 2, out)).toThrow(/axis 2 is out of range/);
    expect(() => wk.read(s, 10, 3)).toThrow(RangeError);
    expect(() => wk.write(s, 11, [1, 2])).toThrow(RangeError);
  });

  it('gemm: dimensions, leading dimensions, bounds and scalars', () => {
    const a = upload(new Float32Array(6)), c = wk.alloc(4);
    const base: WasmGemmArgs = {
      transA: false, transB: false, m: 2, n: 2, k: 3, alpha: 1, a, aOffset: 0, lda: 3, b: a, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2,
    };
    expect(() => wk.gemm(base)).not.toThrow();
    expect(() => wk.gemm({ ...base, m: -1 })).toThrow(/m must be a non-negative integer/);
    expect(() => wk.gemm({ ...base, lda: 2 })).toThrow(/lda=2 is less than the 3 columns of A/);
    expect(() => wk.gemm({ ...base, aOffset: 1 })).toThrow(/A \(2×3 as stored, offset 1, ld 3\) needs 7 elements, storage has 6/);
    expect(() => wk.gemm({ ...base, cOffset: 1 })).toThrow(/C/);
    expect(() => wk.gemm({ ...base, alpha: NaN })).toThrow(/alpha must be a finite number/);
    expect(() => wk.gemm({ ...base, c: new Float32Array(4) as never })).toThrow(TypeError);
  });

  it('fused kernels: lengths and options', () => {
    const x = upload(new Float32Array(6));
    expect(() => wk.activation('relu', 0, x, wk.alloc(5))).toThrow(/y has 5 elements/);
    expect(() => wk.activation('gelu' as never, 0, x, x)).toThrow(/unknown activation 'gelu'/);
    expect(() => wk.prelu(x, upload([1, 2]), 4, x)).toThrow(/not a multiple of features=4/);
    expect(() => wk.linear(x, x, null, 2, 3, 3, 'relu', 0, wk.alloc(5), null)).toThrow(/w has 6 elements, expected at least 9/);
    expect(() => wk.batchNorm(x, null, null, 0, 2, 1e-5, x, x, x)).toThrow(/at least one row/);
    expect(() => wk.adamStep(x, x, x, x, null, { lr: 1, beta1: 0.9, beta2: 0.9, eps: 1, weightDecay: 0, decoupled: false, amsgrad: true, step: 1 })).toThrow(/amsgrad needs/);
    expect(() => wk.sgdStep(x, wk.alloc(2), null, { lr: 1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true })).toThrow(/grad has 2 elements/);
  });
});

describe('storages', () => {
  it('cannot be forged', () => {
    const real = wk.alloc(1);
    const Ctor = real.constructor as new (...args: unknown[]) => unknown;
    expect(() => new Ctor(Symbol('x'), wk.memory, 0, 1 << 20)).toThrow(/come from WasmKernels.alloc/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  backendInfo, getBackend, hostMemory, setBackend, type FusedKernels, type NamedKernels, type Primitives,
} from '@nabla/core';
import { JsBackend } from '../src/index.js';

const PRIMITIVES: (keyof Primitives)[] = ['unary', 'binary', 'where', 'reduce', 'argmax', 'gemm', 'copy', 'fill'];
const FUSED: (keyof FusedKernels)[] = [
  'activation', 'activationBackward', 'prelu', 'preluBackward', 'linear', 'crossEntropy', 'crossEntropyBackward',
  'batchNorm', 'batchNormBackward',
];
const NAMED: (keyof NamedKernels)[] = ['sgdStep', 'adamStep', 'rmspropStep', 'adagradStep', 'gatherBytes', 'gatherRows'];

describe('@nabla/backend-js', () => {
  it("registers itself as 'js' on import", () => {
    const backend = setBackend('js');
    expect(backend).toBeInstanceOf(JsBackend);
    expect(getBackend().name).toBe('js');
    expect(backendInfo('js')).toMatchObject({ name: 'js', available: true });
  });

  it('implements every primitive, every optional fused kernel and every named kernel, in host memory', () => {
    const backend = new JsBackend();
    for (const name of [...PRIMITIVES, ...FUSED]) expect(typeof backend[name], name).toBe('function');
    for (const name of NAMED) expect(typeof backend.kernels[name], name).toBe('function');
    expect(backend.memory).toBe(hostMemory);
  });

  it('runs a matmul through the registered instance', () => {
    const c = new Float32Array(4);
    getBackend().gemm({
      transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1,
      a: new Float32Array([1, 2, 3, 4]), aOffset: 0, lda: 2, b: new Float32Array([5, 6, 7, 8]), bOffset: 0, ldb: 2,
      beta: 0, c, cOffset: 0, ldc: 2,
    });
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });
});

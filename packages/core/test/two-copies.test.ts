// Two copies of @nabla/core in one process (two bundles, two node_modules): they share the registry, host
// memory and the autograd state, and each copy's ops take the other's tensors.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as A from '../src/index.js';

type Core = typeof A;
let B: Core;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nabla-core-copy-'));
  cpSync(new URL('../src', import.meta.url), dir, { recursive: true });
  B = (await import(join(dir, 'index.ts'))) as Core;
  A.registerBackend('two-copies', hostBackend, -5);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A backend over host memory with the two primitives these tests need. */
function hostBackend(): A.Backend {
  const at = (v: A.View<Float32Array>, i: number): number => {
    let o = v.offset;
    let r = i;
    for (let d = v.shape.length - 1; d >= 0; d--) {
      o += (r % v.shape[d]!) * v.strides[d]!;
      r = Math.floor(r / v.shape[d]!);
    }
    return v.storage[o]!;
  };
  const unused = (): never => { throw new Error('not used by these tests'); };
  return {
    name: 'two-copies', memory: A.hostMemory, unary: unused, where: unused, reduce: unused, argmax: unused, gemm: unused, copy: unused,
    binary(op, a, b, out): void {
      for (let i = 0; i < out.length; i++) out[i] = op === 'mul' ? at(a, i) * at(b, i) : at(a, i) + at(b, i);
    },
    fill(s, v, o, n): void { s.fill(v, o, o + n); },
  };
}

describe('two copies of core', () => {
  it('are really two module instances with one registry', () => {
    expect(B.Tensor).not.toBe(A.Tensor);
    A.setBackend('two-copies');
    expect(B.getBackend().name).toBe('two-copies');
  });

  it('take each other\'s tensors', () => {
    A.setBackend('two-copies');
    const a = A.tensor([1, 2]);
    const b = B.tensor([3, 4]);
    expect(b instanceof A.Tensor && a instanceof B.Tensor).toBe(true);
    expect(A.mul(a, b).toArray()).toEqual([3, 8]);
    expect(B.add(a, b).toArray()).toEqual([4, 6]);
    expect(a.mul(b).toArray()).toEqual([3, 8]);
  });

  it('share the gradient mode: noGrad through one copy stops recording in the other', () => {
    A.setBackend('two-copies');
    const x = B.tensor([1, 2], undefined, { requiresGrad: true });
    expect(A.noGrad(() => x.mul(x)).requiresGrad).toBe(false);
    expect(B.noGrad(() => A.mul(x, x)).requiresGrad).toBe(false);
    const previous = A.setGradEnabled(false);
    expect(B.isGradEnabled()).toBe(false);
    A.setGradEnabled(previous);
  });

  it('run backward across both copies, and refuse a second pass through a freed graph in either', () => {
    A.setBackend('two-copies');
    const x = A.tensor([1, 2], undefined, { requiresGrad: true });
    const seen: number[] = [];
    B.registerPostAccumulateGradHook(x, () => seen.push(1));
    const y = B.mul(A.mul(x, x), 1);
    y.backward(A.tensor([1, 1]));
    expect(x.grad!.toArray()).toEqual([2, 4]);
    expect(seen).toEqual([1]);
    expect(() => y.backward(A.tensor([1, 1]))).toThrow(/second time/);
  });
});

// A reference backend for the conformance suite: the primitives only (so core's default compositions are
// what runs), written as plainly as possible with float64 arithmetic. It is the oracle the other backends
// are compared against, not something to train with.

import { hostMemory, type Backend, type BinaryOp, type GemmArgs, type ReduceOp, type UnaryOp, type View } from '@nabla/core';

/** Calls fn(flatIndex, storageIndex) for every element of the view, in row-major order. */
function forEachIndex(v: View, fn: (i: number, at: number) => void): void {
  const rank = v.shape.length;
  let size = 1;
  for (const d of v.shape) size *= d;
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let at = v.offset;
    for (let d = 0; d < rank; d++) at += index[d]! * v.strides[d]!;
    if (!(at >= 0 && at < v.storage.length)) throw outside(at, v.storage);
    fn(i, at);
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < v.shape[d]!) break;
      index[d] = 0;
    }
  }
}

/** Plain as it is, the oracle still refuses to read outside an array (as the real backends' checks do). */
function outside(at: number, storage: Float32Array): RangeError {
  const detached = storage.length === 0 && storage.buffer.byteLength === 0 ? ' (its buffer was detached)' : '';
  return new RangeError(`reference: element ${at} is outside a storage of ${storage.length}${detached}`);
}

function read(v: View): Float64Array {
  let size = 1;
  for (const d of v.shape) size *= d;
  const out = new Float64Array(size);
  forEachIndex(v, (i, at) => (out[i] = v.storage[at]!));
  return out;
}

/** Each unary primitive in float64: the reference that backends' own tests may reuse. */
export const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, abs: Math.abs,
};

/** Each binary primitive in float64 (comparisons give 1 or 0; max/min propagate NaN). */
export const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  pow: (a, b) => a ** b,
  eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b), lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b), gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b),
};

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  readonly memory = hostMemory;

  unary(op: UnaryOp, x: View, out: Float32Array): void {
    const f = unaryFns[op];
    read(x).forEach((v, i) => (out[i] = f(v)));
  }

  binary(op: BinaryOp, a: View, b: View, out: Float32Array): void {
    const f = binaryFns[op];
    const av = read(a);
    const bv = read(b);
    for (let i = 0; i < av.length; i++) out[i] = f(av[i]!, bv[i]!);
  }

  where(cond: View, a: View, b: View, out: Float32Array): void {
    const c = read(cond);
    const av = read(a);
    const bv = read(b);
    for (let i = 0; i < c.length; i++) out[i] = c[i] !== 0 ? av[i]! : bv[i]!;
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], out: Float32Array): void {
    const init = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
    const acc = new Float64Array(out.length).fill(init);
    const keptStrides = new Array<number>(x.shape.length);
    let s = 1;
    for (let d = x.shape.length - 1; d >= 0; d--) {
      keptStrides[d] = axes.includes(d) ? 0 : s;
      if (!axes.includes(d)) s *= x.shape[d]!;
    }
    const values = read(x);
    const index = new Array<number>(x.shape.length).fill(0);
    for (let i = 0; i < values.length; i++) {
      let o = 0;
      for (let d = 0; d < index.length; d++) o += index[d]! * keptStrides[d]!;
      const v = values[i]!;
      acc[o] = op === 'sum' ? acc[o]! + v : op === 'max' ? (v > acc[o]! || Number.isNaN(v) ? v : acc[o]!) : (v < acc[o]! || Number.isNaN(v) ? v : acc[o]!);
      for (let d = index.length - 1; d >= 0; d--) {
        if (++index[d]! < x.shape[d]!) break;
        index[d] = 0;
      }
    }
    out.set(acc);
  }

  argmax(x: View, axis: number, out: Float32Array): void {
    const n = x.shape[axis]!;
    const best = new Float64Array(out.length).fill(-Infinity);
    const found = new Float64Array(out.length).fill(-1);
    const values = read(x);
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    for (let i = 0; i < values.length; i++) {
      const k = Math.floor(i / inner) % n;
      const o = Math.floor(i / (inner * n)) * inner + (i % inner);
      const v = values[i]!;
      if (found[o] === -1 || v > best[o]! || (Number.isNaN(v) && !Number.isNaN(best[o]!))) {
        best[o] = v;
        found[o] = k;
      }
    }
    out.set(found);
  }

  gemm(g: GemmArgs): void {
    for (let i = 0; i < g.m; i++) {
      for (let j = 0; j < g.n; j++) {
        let acc = 0;
        for (let p = 0; p < g.k; p++) {
          const ai = g.aOffset + (g.transA ? p * g.lda + i : i * g.lda + p);
          const bi = g.bOffset + (g.transB ? j * g.ldb + p : p * g.ldb + j);
          if (!(ai < g.a.length)) throw outside(ai, g.a);
          if (!(bi < g.b.length)) throw outside(bi, g.b);
          const a = g.a[ai]!;
          const b = g.b[bi]!;
          acc += a * b;
        }
        const c = g.cOffset + i * g.ldc + j;
        g.c[c] = g.alpha * acc + (g.beta === 0 ? 0 : g.beta * g.c[c]!);
      }
    }
  }

  copy(x: View, out: Float32Array, outOffset = 0): void {
    forEachIndex(x, (i, at) => (out[outOffset + i] = x.storage[at]!));
  }

  fill(out: Float32Array, value: number, offset: number, length: number): void {
    out.fill(value, offset, offset + length);
  }
}

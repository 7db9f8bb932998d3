// The native Backend: a thin layer that turns views and options into the addon's flat arguments.
//
// Nothing here allocates per call: shapes, strides, offsets and scalars are written into one scratch
// Float64Array that every call reuses (calls are synchronous, so they never overlap), and op names map
// to codes through lookup tables built once from the names the binary exports. Arrays go to the addon as
// they are (zero copy), except arrays of at most 16 elements in the strided primitives (see SMALL).

import { ShapeError, fmtShape, hostMemory } from '@nabla/core';
import type {
  Activation, AdagradStepArgs, AdamStepArgs, Backend, BackendInfo, BinaryOp, GemmArgs, ReduceOp,
  RmspropStepArgs, SgdStepArgs, UnaryOp, View,
} from '@nabla/core';

import type { NativeAddon } from './addon.js';

function codeTable(names: readonly string[]): Record<string, number> {
  const table: Record<string, number> = Object.create(null) as Record<string, number>;
  names.forEach((name, code) => { table[name] = code; });
  return table;
}

function lookup(table: Record<string, number>, name: string, fn: string, what: string): number {
  const code = table[name];
  if (code === undefined) {
    throw new TypeError(`native.${fn}: unknown ${what} '${String(name)}' (known: ${Object.keys(table).join(', ')})`);
  }
  return code;
}

/**
 * V8 keeps typed arrays of up to 64 bytes inside its own heap. The first time Node-API is asked for the
 * data of one, V8 moves it out (an allocation and a copy, about 300 ns, plus GC work later), which costs
 * more than a tiny op itself; core allocates a fresh output per op. So the strided primitives pass arrays
 * of 1..SMALL elements through pre-allocated off-heap arrays of the same length (copying 16 floats costs a
 * few ns); larger arrays, which V8 allocates off-heap from the start, always go through as they are.
 */
const SMALL = 16;

/** Off-heap Float32Arrays of every length 0..SMALL for one argument position. */
function stagingSlots(): Float32Array[] {
  return Array.from({ length: SMALL + 1 }, (_, n) => new Float32Array(new ArrayBuffer(4 * n)));
}

function copyInto(to: Float32Array, from: Float32Array): void {
  for (let i = 0; i < from.length; i++) to[i] = from[i]!;
}

export function createNativeBackend(addon: NativeAddon, path = '(in memory)'): Backend {
  const unaryCodes = codeTable(addon.unaryOps);
  const binaryCodes = codeTable(addon.binaryOps);
  const reduceCodes = codeTable(addon.reduceOps);
  const actCodes = codeTable(addon.activations);
  const maxDims = addon.maxDims;
  // [ndim, shape, 3 × (offset, strides), naxes, axes] at most.
  const meta = new Float64Array(2 + maxDims + 3 * (1 + maxDims) + maxDims);

  const slots = [stagingSlots(), stagingSlots(), stagingSlots(), stagingSlots()];

  /** `a` itself, or (when small, see SMALL) a same-length off-heap copy of it in argument position `slot`. */
  function stage(a: Float32Array, slot: number): Float32Array {
    const n = a.length;
    if (n === 0 || n > SMALL || !(a instanceof Float32Array)) return a;
    const s = slots[slot]![n]!;
    copyInto(s, a);
    return s;
  }

  /** After the call: copies a staged output back into the caller's array. */
  function unstage(out: Float32Array, staged: Float32Array): void {
    if (staged !== out) copyInto(out, staged);
  }

  /** Writes ndim and shape; returns where the first view goes. */
  function packShape(fn: string, shape: readonly number[]): number {
    const n = shape.length;
    if (n > maxDims) throw new RangeError(`native.${fn}: rank ${n} exceeds the native limit of ${maxDims}`);
    meta[0] = n;
    for (let i = 0; i < n; i++) meta[1 + i] = shape[i]!;
    return 1 + n;
  }

  /** Writes a view's offset and strides at `at` (its shape must equal `shape`); returns the next slot. */
  function packView(fn: string, name: string, at: number, v: View, shape: readonly number[]): number {
    const n = shape.length;
    const vs = v.shape;
    if (vs !== shape) {
      let same = vs.length === n;
      for (let i = 0; same && i < n; i++) same = vs[i] === shape[i];
      if (!same) throw new ShapeError(`native.${fn}: '${name}' has shape ${fmtShape(vs)}, expected ${fmtShape(shape)}`);
    }
    const strides = v.strides;
    if (strides.length !== n) {
      throw new ShapeError(`native.${fn}: '${name}' has ${strides.length} strides for shape ${fmtShape(shape)}`);
    }
    meta[at] = v.offset;
    for (let i = 0; i < n; i++) meta[at + 1 + i] = strides[i]!;
    return at + 1 + n;
  }

  const impl = {
    name: 'native',

    unary(op: UnaryOp, x: View, out: Float32Array): void {
      const code = lookup(unaryCodes, op, 'unary', 'op');
      packView('unary', 'x', packShape('unary', x.shape), x, x.shape);
      const o = stage(out, 3);
      addon.unary(code, meta, stage(x.storage, 0), o);
      unstage(out, o);
    },

    binary(op: BinaryOp, a: View, b: View, out: Float32Array): void {
      const code = lookup(binaryCodes, op, 'binary', 'op');
      const shape = a.shape;
      packView('binary', 'b', packView('binary', 'a', packShape('binary', shape), a, shape), b, shape);
      const o = stage(out, 3);
      addon.binary(code, meta, stage(a.storage, 0), stage(b.storage, 1), o);
      unstage(out, o);
    },

    where(cond: View, a: View, b: View, out: Float32Array): void {
      const shape = cond.shape;
      let at = packView('where', 'cond', packShape('where', shape), cond, shape);
      at = packView('where', 'a', at, a, shape);
      packView('where', 'b', at, b, shape);
      const o = stage(out, 3);
      addon.where(meta, stage(cond.storage, 0), stage(a.storage, 1), stage(b.storage, 2), o);
      unstage(out, o);
    },

    reduce(op: ReduceOp, x: View, axes: readonly number[], out: Float32Array): void {
      const code = lookup(reduceCodes, op, 'reduce', 'op');
      let at = packView('reduce', 'x', packShape('reduce', x.shape), x, x.shape);
      if (axes.length > maxDims) throw new RangeError(`native.reduce: ${axes.length} axes exceed rank ${x.shape.length}`);
      meta[at++] = axes.length;
      for (let i = 0; i < axes.length; i++) meta[at + i] = axes[i]!;
      const o = stage(out, 3);
      addon.reduce(code, meta, stage(x.storage, 0), o);
      unstage(out, o);
    },

    argmax(x: View, axis: number, out: Float32Array): void {
      const at = packView('argmax', 'x', packShape('argmax', x.shape), x, x.shape);
      meta[at] = axis;
      const o = stage(out, 3);
      addon.argmax(meta, stage(x.storage, 0), o);
      unstage(out, o);
    },

    gemm(g: GemmArgs): void {
      meta[0] = g.transA ? 1 : 0;
      meta[1] = g.transB ? 1 : 0;
      meta[2] = g.m;
      meta[3] = g.n;
      meta[4] = g.k;
      meta[5] = g.alpha;
      meta[6] = g.aOffset;
      meta[7] = g.lda;
      meta[8] = g.bOffset;
      meta[9] = g.ldb;
      meta[10] = g.beta;
      meta[11] = g.cOffset;
      meta[12] = g.ldc;
      addon.gemm(meta, g.a, g.b, g.c);
    },

    copy(x: View, into: Float32Array, outOffset = 0): void {
      if (!Number.isSafeInteger(outOffset) || outOffset < 0 || outOffset > into.length) {
        throw new RangeError(`native.copy: outOffset must be an integer in [0, ${into.length}], got ${String(outOffset)}`);
      }
      let size = 1;
      for (const d of x.shape) size *= d;
      const out = outOffset === 0 && into.length === size ? into : into.subarray(outOffset, outOffset + size);
      packView('copy', 'x', packShape('copy', x.shape), x, x.shape);
      const o = stage(out, 3);
      addon.copy(meta, stage(x.storage, 0), o);
      unstage(out, o);
    },

    fill(out: Float32Array, value: number, offset: number, length: number): void {
      const o = stage(out, 3);
      addon.fill(o, value, offset, length);
      unstage(out, o);
    },

    activation(act: Activation, alpha: number, x: Float32Array, y: Float32Array): void {
      addon.activation(lookup(actCodes, act, 'activation', 'activation'), alpha, x, y);
    },

    activationBackward(act: Activation, alpha: number, x: Float32Array, y: Float32Array, dy: Float32Array,
      dx: Float32Array): void {
      addon.activationBackward(lookup(actCodes, act, 'activationBackward', 'activation'), alpha, x, y, dy, dx);
    },

    prelu(x: Float32Array, a: Float32Array, features: number, y: Float32Array): void {
      addon.prelu(x, a, features, y);
    },

    preluBackward(x: Float32Array, a: Float32Array, features: number, dy: Float32Array, dx: Float32Array,
      da: Float32Array): void {
      addon.preluBackward(x, a, features, dy, dx, da);
    },

    linear(x: Float32Array, w: Float32Array, b: Float32Array | null, batch: number, inF: number, outF: number,
      act: Activation, alpha: number, y: Float32Array, preact: Float32Array | null): void {
      meta[0] = batch;
      meta[1] = inF;
      meta[2] = outF;
      meta[3] = lookup(actCodes, act, 'linear', 'activation');
      meta[4] = alpha;
      addon.linear(meta, x, w, b, y, preact);
    },

    gatherBytes(src: Uint8Array, rowLength: number, rows: Uint32Array, start: number, count: number, divisor: number,
      out: Float32Array): void {
      addon.gatherBytes(src, rowLength, rows, start, count, divisor, out);
    },

    gatherRows(src: Float32Array, rowLength: number, rows: Uint32Array, start: number, count: number, out: Float32Array): void {
      addon.gatherRows(src, rowLength, rows, start, count, out);
    },

    crossEntropy(logits: Float32Array, targets: Float32Array, rows: number, classes: number,
      logProbs: Float32Array, loss: Float32Array): void {
      addon.crossEntropy(logits, targets, rows, classes, logProbs, loss);
    },

    crossEntropyBackward(logProbs: Float32Array, targets: Float32Array, gradLoss: Float32Array, rows: number,
      classes: number, dlogits: Float32Array): void {
      addon.crossEntropyBackward(logProbs, targets, gradLoss, rows, classes, dlogits);
    },

    batchNorm(x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, rows: number,
      features: number, eps: number, y: Float32Array, mean: Float32Array, invStd: Float32Array): void {
      meta[0] = rows;
      meta[1] = features;
      meta[2] = eps;
      addon.batchNorm(meta, x, gamma, beta, y, mean, invStd);
    },

    batchNormBackward(x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
      dy: Float32Array, rows: number, features: number, dx: Float32Array, dgamma: Float32Array | null,
      dbeta: Float32Array | null): void {
      meta[0] = rows;
      meta[1] = features;
      addon.batchNormBackward(meta, x, gamma, mean, invStd, dy, dx, dgamma, dbeta);
    },

    sgdStep(param: Float32Array, grad: Float32Array, momentumBuf: Float32Array | null, o: SgdStepArgs): void {
      meta[0] = o.lr;
      meta[1] = o.momentum;
      meta[2] = o.dampening;
      meta[3] = o.nesterov ? 1 : 0;
      meta[4] = o.weightDecay;
      meta[5] = o.firstStep ? 1 : 0;
      addon.sgdStep(meta, param, grad, momentumBuf);
    },

    adamStep(param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array,
      maxExpAvgSq: Float32Array | null, o: AdamStepArgs): void {
      meta[0] = o.lr;
      meta[1] = o.beta1;
      meta[2] = o.beta2;
      meta[3] = o.eps;
      meta[4] = o.weightDecay;
      meta[5] = o.decoupled ? 1 : 0;
      meta[6] = o.amsgrad ? 1 : 0;
      meta[7] = o.step;
      addon.adamStep(meta, param, grad, expAvg, expAvgSq, maxExpAvgSq);
    },

    rmspropStep(param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuf: Float32Array | null,
      gradAvg: Float32Array | null, o: RmspropStepArgs): void {
      meta[0] = o.lr;
      meta[1] = o.alpha;
      meta[2] = o.eps;
      meta[3] = o.weightDecay;
      meta[4] = o.momentum;
      meta[5] = o.centered ? 1 : 0;
      addon.rmspropStep(meta, param, grad, squareAvg, momentumBuf, gradAvg);
    },

    adagradStep(param: Float32Array, grad: Float32Array, stateSum: Float32Array, o: AdagradStepArgs): void {
      meta[0] = o.clr;
      meta[1] = o.eps;
      meta[2] = o.weightDecay;
      addon.adagradStep(meta, param, grad, stateSum);
    },

    setNumThreads(n: number): void {
      addon.setNumThreads(n);
    },

    getNumThreads(): number {
      return addon.getNumThreads();
    },

    info(): BackendInfo {
      const i = addon.info();
      return {
        name: 'native',
        available: true,
        details: { isa: i.isa, bestIsa: i.bestIsa, kernels: i.kernels, threads: i.threads, malloc: i.malloc, path },
      };
    },
  };
  // The named kernels go in their own record (their default compositions live in their packages).
  const { gatherBytes, gatherRows, sgdStep, adamStep, rmspropStep, adagradStep, ...primitivesAndFused } = impl;
  const backend: Backend = {
    ...primitivesAndFused,
    memory: hostMemory,
    kernels: { gatherBytes, gatherRows, sgdStep, adamStep, rmspropStep, adagradStep },
  };
  return backend;
}

// WasmKernels: one instance of the module with its own linear memory and allocator, and a method per
// kernel, mirroring core's Primitives and FusedKernels with WasmStorage in place of Float32Array (an output
// storage is written from element 0, as core's output arrays are).

import type {
  Activation, AdagradStepArgs, AdamStepArgs, BinaryOp, ReduceOp, RmspropStepArgs, SgdStepArgs, UnaryOp,
} from '@nabla/core';
import * as act from './activations.js';
import { batchNorm, batchNormBackward } from './batchNorm.js';
import { gatherBytes } from './bytes.js';
import type { WasmView } from './check.js';
import type { Context } from './context.js';
import { crossEntropy, crossEntropyBackward } from './crossEntropy.js';
import * as ew from './elementwise.js';
import { gemm, type WasmGemmArgs } from './gemm.js';
import { loadAsync, loadSync, type Loaded, type LoadOptions, type NablaExports, type Variant } from './loader.js';
import { WasmMemory, type MemoryStats, type WasmStorage } from './memory.js';
import * as opt from './optimizers.js';
import { argmax, reduce } from './reduce.js';

type Storage = WasmStorage;

export class WasmKernels {
  /** 'simd128', or 'relaxed-simd' when loaded with `relaxed: true` on an engine that supports it. */
  readonly variant: Variant;
  readonly memory: WasmMemory;
  private readonly ctx: Context;
  private readonly wasm: NablaExports;

  private constructor(loaded: Loaded) {
    this.variant = loaded.variant;
    this.wasm = loaded.exports;
    this.memory = new WasmMemory(this.wasm.memory, this.wasm.__heap_base.value as number);
    this.ctx = { wasm: this.wasm, mem: this.memory, plan: this.wasm.plan_ptr() / 4 };
  }

  /** Loads synchronously (Node.js, or any host when `options.source` is given). */
  static load(options?: LoadOptions): WasmKernels {
    return new WasmKernels(loadSync(options));
  }

  /** Loads asynchronously: the way to load in a browser. */
  static async init(options?: LoadOptions): Promise<WasmKernels> {
    return new WasmKernels(await loadAsync(options));
  }

  // Memory

  /** A storage of `length` float32 elements in linear memory (contents unspecified). */
  alloc(length: number): Storage {
    return this.memory.alloc(length);
  }

  /** Frees a storage's block now; otherwise it is freed when the storage is garbage-collected. */
  release(storage: Storage): void {
    this.memory.checkLive(storage, 'release', 'storage'); // a spilled block is freed where it is
    this.memory.release(storage);
  }

  /** A copy of `n` elements of a storage, from element `offset`. */
  read(storage: Storage, offset = 0, n?: number): Float32Array {
    this.memory.check(storage, 'read', 'storage');
    return this.memory.read(storage, offset, n ?? Math.max(0, storage.length - offset));
  }

  /** Copies `src` into a storage from element `offset`. */
  write(storage: Storage, offset: number, src: Float32Array | readonly number[]): void {
    this.memory.write(storage, offset, src);
  }

  stats(): MemoryStats {
    return this.memory.stats();
  }

  // Primitives

  unary(op: UnaryOp, x: WasmView, out: Storage): void {
    ew.unary(this.ctx, op, x, out);
  }

  binary(op: BinaryOp, a: WasmView, b: WasmView, out: Storage): void {
    ew.binary(this.ctx, op, a, b, out);
  }

  where(cond: WasmView, a: WasmView, b: WasmView, out: Storage): void {
    ew.where(this.ctx, cond, a, b, out);
  }

  reduce(op: ReduceOp, x: WasmView, axes: readonly number[], out: Storage): void {
    reduce(this.ctx, op, x, axes, out);
  }

  argmax(x: WasmView, axis: number, out: Storage): void {
    argmax(this.ctx, x, axis, out);
  }

  gemm(args: WasmGemmArgs): void {
    gemm(this.ctx, args);
  }

  /** Contiguous copy of a strided view into out[outOffset .. outOffset + size). */
  copy(x: WasmView, out: Storage, outOffset = 0): void {
    ew.copy(this.ctx, x, out, outOffset);
  }

  fill(out: Storage, value: number, offset: number, length: number): void {
    ew.fill(this.ctx, out, value, offset, length);
  }

  // Fused kernels

  activation(a: Activation, alpha: number, x: Storage, y: Storage): void {
    act.activation(this.ctx, a, alpha, x, y);
  }

  activationBackward(a: Activation, alpha: number, x: Storage, y: Storage, dy: Storage, dx: Storage): void {
    act.activationBackward(this.ctx, a, alpha, x, y, dy, dx);
  }

  prelu(x: Storage, a: Storage, features: number, y: Storage): void {
    act.prelu(this.ctx, x, a, features, y);
  }

  preluBackward(x: Storage, a: Storage, features: number, dy: Storage, dx: Storage, da: Storage): void {
    act.preluBackward(this.ctx, x, a, features, dy, dx, da);
  }

  linear(
    x: Storage, w: Storage, b: Storage | null, batch: number, inF: number, outF: number, a: Activation, alpha: number,
    y: Storage, preact: Storage | null,
  ): void {
    act.linear(this.ctx, x, w, b, batch, inF, outF, a, alpha, y, preact);
  }

  crossEntropy(logits: Storage, targets: Storage, rows: number, classes: number, logProbs: Storage, loss: Storage): void {
    crossEntropy(this.ctx, logits, targets, rows, classes, logProbs, loss);
  }

  crossEntropyBackward(
    logProbs: Storage, targets: Storage, gradLoss: Storage, rows: number, classes: number, dlogits: Storage,
  ): void {
    crossEntropyBackward(this.ctx, logProbs, targets, gradLoss, rows, classes, dlogits);
  }

  batchNorm(
    x: Storage, gamma: Storage | null, beta: Storage | null, rows: number, features: number, eps: number, y: Storage,
    mean: Storage, invStd: Storage,
  ): void {
    batchNorm(this.ctx, x, gamma, beta, rows, features, eps, y, mean, invStd);
  }

  batchNormBackward(
    x: Storage, gamma: Storage | null, mean: Storage, invStd: Storage, dy: Storage, rows: number, features: number,
    dx: Storage, dgamma: Storage | null, dbeta: Storage | null,
  ): void {
    batchNormBackward(this.ctx, x, gamma, mean, invStd, dy, rows, features, dx, dgamma, dbeta);
  }

  gatherBytes(
    src: Uint8Array, rowLength: number, rows: Uint32Array, start: number, count: number, divisor: number, out: Storage,
  ): void {
    gatherBytes(this.ctx, src, rowLength, rows, start, count, divisor, out);
  }

  sgdStep(param: Storage, grad: Storage, momentumBuf: Storage | null, args: SgdStepArgs): void {
    opt.sgdStep(this.ctx, param, grad, momentumBuf, args);
  }

  adamStep(
    param: Storage, grad: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null, args: AdamStepArgs,
  ): void {
    opt.adamStep(this.ctx, param, grad, expAvg, expAvgSq, maxExpAvgSq, args);
  }

  rmspropStep(
    param: Storage, grad: Storage, squareAvg: Storage, momentumBuf: Storage | null, gradAvg: Storage | null,
    args: RmspropStepArgs,
  ): void {
    opt.rmspropStep(this.ctx, param, grad, squareAvg, momentumBuf, gradAvg, args);
  }

  adagradStep(param: Storage, grad: Storage, stateSum: Storage, args: AdagradStepArgs): void {
    opt.adagradStep(this.ctx, param, grad, stateSum, args);
  }
}

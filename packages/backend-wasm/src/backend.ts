// The wasm backend: nabla's Backend over one WasmKernels instance. Its tensors live in that instance's
// linear memory, and its `memory` is the instance's allocator itself, so every storage it hands out names
// this backend's memory (core compares memories by identity to decide whether a tensor must move).

import type {
  Activation, AdagradStepArgs, AdamStepArgs, Backend, BackendInfo, BinaryOp, GemmArgs, NamedKernels, ReduceOp,
  RmspropStepArgs, SgdStepArgs, UnaryOp, View,
} from '@nabla/core';
import { WasmKernels } from './kernels.js';
import type { LoadOptions } from './loader.js';
import type { WasmMemory, WasmStorage } from './memory.js';

type S = WasmStorage;

/** The optimizer steps run in wasm; gatherBytes is left to @nabla/data, which calls it for host memory only. */
export type WasmNamedKernels = Pick<NamedKernels<S>, 'sgdStep' | 'adamStep' | 'rmspropStep' | 'adagradStep'>;

export class WasmBackend implements Backend<S> {
  readonly name = 'wasm';
  readonly memory: WasmMemory;
  readonly kernels: WasmNamedKernels;

  constructor(readonly wasm: WasmKernels) {
    this.memory = wasm.memory;
    this.kernels = {
      sgdStep: (param, grad, momentumBuf, args: SgdStepArgs) => wasm.sgdStep(param, grad, momentumBuf, args),
      adamStep: (param, grad, expAvg, expAvgSq, maxExpAvgSq, args: AdamStepArgs) =>
        wasm.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, args),
      rmspropStep: (param, grad, squareAvg, momentumBuf, gradAvg, args: RmspropStepArgs) =>
        wasm.rmspropStep(param, grad, squareAvg, momentumBuf, gradAvg, args),
      adagradStep: (param, grad, stateSum, args: AdagradStepArgs) => wasm.adagradStep(param, grad, stateSum, args),
    };
  }

  /** A backend over a module loaded synchronously (Node.js, or any host given `options.source`). */
  static load(options?: LoadOptions): WasmBackend {
    return new WasmBackend(WasmKernels.load(options));
  }

  /** A backend over a module loaded asynchronously (the way in a browser). */
  static async init(options?: LoadOptions): Promise<WasmBackend> {
    return new WasmBackend(await WasmKernels.init(options));
  }

  info(): BackendInfo {
    const { inUse, cached, heapSize, spills } = this.memory.stats();
    return {
      name: this.name,
      available: true,
      details: { variant: this.wasm.variant, threads: 1, memoryInUse: inUse, memoryCached: cached, heapSize, spills },
    };
  }

  getNumThreads(): number {
    return 1;
  }

  // Primitives

  unary(op: UnaryOp, x: View<S>, out: S): void {
    this.wasm.unary(op, x, out);
  }

  binary(op: BinaryOp, a: View<S>, b: View<S>, out: S): void {
    this.wasm.binary(op, a, b, out);
  }

  where(cond: View<S>, a: View<S>, b: View<S>, out: S): void {
    this.wasm.where(cond, a, b, out);
  }

  reduce(op: ReduceOp, x: View<S>, axes: readonly number[], out: S): void {
    this.wasm.reduce(op, x, axes, out);
  }

  argmax(x: View<S>, axis: number, out: S): void {
    this.wasm.argmax(x, axis, out);
  }

  gemm(args: GemmArgs<S>): void {
    this.wasm.gemm(args);
  }

  copy(x: View<S>, out: S, outOffset = 0): void {
    this.wasm.copy(x, out, outOffset);
  }

  fill(out: S, value: number, offset: number, length: number): void {
    this.wasm.fill(out, value, offset, length);
  }

  // Fused kernels

  activation(act: Activation, alpha: number, x: S, y: S): void {
    this.wasm.activation(act, alpha, x, y);
  }

  activationBackward(act: Activation, alpha: number, x: S, y: S, dy: S, dx: S): void {
    this.wasm.activationBackward(act, alpha, x, y, dy, dx);
  }

  prelu(x: S, a: S, features: number, y: S): void {
    this.wasm.prelu(x, a, features, y);
  }

  preluBackward(x: S, a: S, features: number, dy: S, dx: S, da: S): void {
    this.wasm.preluBackward(x, a, features, dy, dx, da);
  }

  linear(
    x: S, w: S, b: S | null, batch: number, inF: number, outF: number, act: Activation, alpha: number,
    y: S, preact: S | null,
  ): void {
    this.wasm.linear(x, w, b, batch, inF, outF, act, alpha, y, preact);
  }

  crossEntropy(logits: S, targets: S, rows: number, classes: number, logProbs: S, loss: S): void {
    this.wasm.crossEntropy(logits, targets, rows, classes, logProbs, loss);
  }

  crossEntropyBackward(logProbs: S, targets: S, gradLoss: S, rows: number, classes: number, dlogits: S): void {
    this.wasm.crossEntropyBackward(logProbs, targets, gradLoss, rows, classes, dlogits);
  }

  batchNorm(
    x: S, gamma: S | null, beta: S | null, rows: number, features: number, eps: number, y: S, mean: S, invStd: S,
  ): void {
    this.wasm.batchNorm(x, gamma, beta, rows, features, eps, y, mean, invStd);
  }

  batchNormBackward(
    x: S, gamma: S | null, mean: S, invStd: S, dy: S, rows: number, features: number,
    dx: S, dgamma: S | null, dbeta: S | null,
  ): void {
    this.wasm.batchNormBackward(x, gamma, mean, invStd, dy, rows, features, dx, dgamma, dbeta);
  }
}

// Small stand-ins for a model, a loss and an optimizer, written over @nabla/core only, so the training
// loop is tested on its own. Data: two or three Gaussian blobs, separable enough to reach high accuracy.

import '@nabla/backend-js';
import { Generator, Tensor, linear, randn, softmaxCrossEntropy, tensor, zeros } from '@nabla/core';
import type { Batch, OptimizerLike, TrainableModel } from '../src/index.js';

/** Linear classifier [features] -> [classes] logits. */
export class TinyLinear implements TrainableModel {
  readonly w: Tensor;
  readonly b: Tensor;
  mode: 'train' | 'eval' = 'train';

  /** Read by evaluate and predict to put the mode back (as a Module's). */
  get training(): boolean {
    return this.mode === 'train';
  }

  constructor(features: number, classes: number, seed = 1) {
    this.w = randn([classes, features], { std: 0.1, generator: new Generator(seed) }).requiresGrad_();
    this.b = zeros([classes]).requiresGrad_();
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.w, this.b);
  }

  parameters(): Tensor[] {
    return [this.w, this.b];
  }

  train(mode = true): void {
    this.mode = mode ? 'train' : 'eval';
  }

  eval(): void {
    this.mode = 'eval';
  }
}

/** Plain SGD, in place. A negative lr climbs the loss (used to make a run get worse on purpose). */
export class PlainSgd implements OptimizerLike {
  readonly paramGroups: { lr: number }[];

  constructor(private readonly params: Tensor[], lr: number) {
    this.paramGroups = [{ lr }];
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  step(): void {
    const lr = this.paramGroups[0]!.lr;
    for (const p of this.params) {
      if (!p.grad) continue;
      const data = p.data();
      const g = p.grad.data();
      for (let i = 0; i < data.length; i++) data[i]! -= lr * g[i]!;
    }
  }
}

export const meanCrossEntropy = (pred: Tensor, target: Tensor): Tensor => softmaxCrossEntropy(pred, target).mean();

/** `perClass` points around each of `classes` centres in `features` dimensions, in batches. */
export function blobs(classes: number, perClass: number, batchSize: number, seed = 7, features = 2): Batch[] {
  const g = new Generator(seed);
  const n = classes * perClass;
  const x = new Float32Array(n * features);
  const y = new Float32Array(n);
  // Interleave classes so every batch holds all of them.
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let f = 0; f < features; f++) {
      const centre = f === c % features ? (c < features ? 3 : -3) : 0;
      x[i * features + f] = centre + 0.5 * g.normal();
    }
  }
  const batches: Batch[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    batches.push({ x: tensor(x.slice(s * features, e * features), [e - s, features]), y: tensor(y.slice(s, e), [e - s]) });
  }
  return batches;
}

/** A writable stream stand-in that keeps what is written. */
export function captureStream(isTTY = false): { stream: NodeJS.WritableStream & { isTTY: boolean }; text: () => string } {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns: 120,
    write(chunk: string | Uint8Array): boolean {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    },
    cursorTo(): boolean { return true; },
    clearLine(): boolean { return true; },
    moveCursor(): boolean { return true; },
    on(): unknown { return stream; },
    once(): unknown { return stream; },
    removeListener(): unknown { return stream; },
  };
  return { stream: stream as unknown as NodeJS.WritableStream & { isTTY: boolean }, text: () => chunks.join('') };
}

// The shapes fit/evaluate/predict need from a model, a loss, an optimizer, a scheduler and a data source.
// They are structural on purpose: any Module of @nabla/layers, loss of @nabla/losses, optimizer or
// scheduler of @nabla/optimizers and DataLoader of @nabla/data fits, and so does a hand-written object.

import type { Tensor } from '@nabla/core';

export interface TrainableModel {
  forward(x: Tensor): Tensor;
  parameters(): Iterable<Tensor>;
  /** Switches to training mode (dropout on, batch statistics in BatchNorm). */
  train?(mode?: boolean): unknown;
  /** Switches to inference mode. */
  eval?(): unknown;
  /**
   * True in training mode. evaluate and predict read it (or every module's, through modules()) to put the
   * mode back when they end.
   */
  readonly training?: boolean;
  stateDict?(): Map<string, Tensor>;
  loadStateDict?(state: Map<string, Tensor>): unknown;
}

/** A loss object with forward(pred, target), or a plain function of the same shape. */
export type LossLike = { forward(pred: Tensor, target: Tensor): Tensor } | ((pred: Tensor, target: Tensor) => Tensor);

export interface OptimizerLike {
  /** fit passes { setToNone } (see FitOptions.setToNone). */
  zeroGrad(options?: { setToNone?: boolean }): void;
  step(): void;
  /** Read to log the learning rate per epoch, when the optimizer has groups. */
  readonly paramGroups?: readonly { lr: number }[];
}

/** A learning-rate scheduler. fit calls step once per epoch, with the monitored loss (for reduce-on-plateau). */
export interface SchedulerLike {
  step(metric?: number): void;
}

export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** Batches to train or evaluate on: a DataLoader, an array of batches, any (async) iterable. */
export type BatchSource = (Iterable<Batch> | AsyncIterable<Batch>) & { readonly length?: number };

export function callLoss(loss: LossLike, pred: Tensor, target: Tensor): Tensor {
  return typeof loss === 'function' ? loss(pred, target) : loss.forward(pred, target);
}

/**
 * How fit cooperates with copies of itself in other processes, for data-parallel training (@nabla/distributed's
 * ProcessGroup fits). Every process runs fit on its own share of the data; the epoch logs are then combined
 * so every process sees the same values.
 */
export interface ParallelContext {
  readonly rank: number;
  readonly worldSize: number;
  /** True on the one process that prints progress and writes checkpoints. */
  readonly isMain: boolean;
  /** Replaces each value by its sum over every process, in place. */
  allSum(values: Float64Array): void;
  /** Returns once every process has called it. */
  barrier(): void;
}

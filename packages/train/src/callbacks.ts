// Callbacks in the manner of Keras and TensorFlow.js: objects with optional hooks that fit calls at the
// start and end of training, of each epoch, and after each batch. A hook may set `ctx.stopTraining`.
// onBatchEnd is synchronous on purpose (it runs on the hot path); the other hooks may return a promise.

import { ValueError, type Tensor } from '@nabla/core';
import type { EpochLog, History } from './history.js';
import { valueOf } from './history.js';
import type { OptimizerLike, ParallelContext, TrainableModel } from './types.js';
import { checkOptions } from './options.js';

export interface TrainContext {
  readonly model: TrainableModel;
  readonly optimizer: OptimizerLike;
  readonly epochs: number;
  /** Batches per epoch when the data source tells its length. */
  readonly stepsPerEpoch: number | undefined;
  readonly history: History;
  /** Set when fit runs data-parallel (FitOptions.parallel). */
  readonly parallel?: ParallelContext;
  /** Whether fit evaluates validation data after each epoch (fit sets it; the val_ keys exist only then). */
  readonly hasValidation?: boolean;
  /**
   * Set to true to stop training at the end of the current batch. With `parallel`, the processes must stop
   * together: a request made during an epoch takes effect at its end, when any process asked.
   */
  stopTraining: boolean;
}

/** Passed to onBatchEnd. The same object is updated in place every step: copy what you keep. */
export interface BatchLogs {
  epoch: number;
  /** 0-based step within the epoch. */
  step: number;
  /** 0-based step since training began. */
  globalStep: number;
  batchSize: number;
  /** This batch's loss. */
  loss: number;
  /** Mean loss over the epoch's samples so far. */
  meanLoss: number;
  /** Each metric over the epoch so far. */
  metrics: Record<string, number>;
  /** Samples so far in this epoch, and their rate. */
  samples: number;
  samplesPerSecond: number;
  /** Seconds since the epoch began. */
  elapsed: number;
}

export interface Callback {
  onTrainBegin?(ctx: TrainContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainContext): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, ctx: TrainContext): void;
  onEpochEnd?(log: EpochLog, ctx: TrainContext): void | Promise<void>;
  onTrainEnd?(history: History, ctx: TrainContext): void | Promise<void>;
}

export type Mode = 'min' | 'max' | 'auto';

/** 'auto' means max for accuracy-like keys and min for losses and errors. */
export function resolveMode(mode: Mode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc|top\d/.test(monitor) ? 'max' : 'min';
}

/** Reads the monitored value of an epoch, with a clear error when the key is not logged. */
export function monitoredValue(where: string, log: EpochLog, monitor: string): number {
  const v = valueOf(log, monitor);
  if (v === undefined) {
    const keys = ['loss', ...Object.keys(log.metrics)];
    if (log.valLoss !== undefined) keys.push('val_loss', ...Object.keys(log.valMetrics ?? {}).map((k) => `val_${k}`));
    throw new ValueError(`${where}: monitor ${JSON.stringify(monitor)} is not logged; available: ${keys.join(', ')}` +
      (monitor.startsWith('val_') ? ' (pass validation data to fit to get val_ keys)' : ''));
  }
  return v;
}

/**
 * A val_ key is logged only when fit has validation data: say so before the first epoch rather than after it
 * (an epoch of MNIST is a minute). Without a context (a callback driven by hand) nothing is known yet.
 */
export function checkMonitorLogged(where: string, monitor: string, ctx: TrainContext | undefined): void {
  if (ctx?.hasValidation === undefined) return;
  if (!ctx.hasValidation && monitor.startsWith('val_')) {
    throw new ValueError(`${where}: monitor ${JSON.stringify(monitor)} needs validation data, and fit has none: ` +
      `pass validation to fit, or monitor '${monitor.slice(4)}'`);
  }
  const names = ['loss', ...Object.keys(ctx.history.stepMetrics)];
  const available = ctx.hasValidation ? [...names, ...names.map((n) => `val_${n}`)] : names;
  if (!available.includes(monitor)) {
    throw new ValueError(`${where}: monitor ${JSON.stringify(monitor)} is not logged; available: ${available.join(', ')}` +
      (monitor.includes('acc') && !names.includes('accuracy') ? " (pass metrics: ['accuracy'] to fit)" : ''));
  }
}

/** Tracks the best value of a monitored key. */
export class BestTracker {
  best: number;
  readonly direction: 'min' | 'max';

  constructor(mode: Mode, monitor: string, private readonly minDelta = 0) {
    if (!(minDelta >= 0)) throw new ValueError(`minDelta must be >= 0, got ${minDelta}`);
    this.direction = resolveMode(mode, monitor);
    this.best = this.direction === 'min' ? Infinity : -Infinity;
  }

  /** True (and records it) when value improves on the best by more than minDelta. NaN never improves. */
  improves(value: number): boolean {
    const better = this.direction === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (better) this.best = value;
    return better;
  }
}

export interface EarlyStoppingOptions {
  /** Key to watch: 'val_loss' (default), 'loss', 'accuracy', 'val_accuracy'... */
  monitor?: string;
  mode?: Mode;
  /** Epochs without improvement to wait before stopping. Default 0. */
  patience?: number;
  /** The least change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (or at the end). Default false. */
  restoreBestWeights?: boolean;
}

/** Stops training when the monitored value has not improved for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  /** The epoch training stopped at, or -1. */
  stoppedEpoch = -1;
  bestEpoch = -1;
  private tracker: BestTracker;
  private wait = 0;
  private bestWeights: Float32Array[] | null = null;

  constructor(private readonly options: EarlyStoppingOptions = {}) {
    this.options = checkOptions('EarlyStopping', options, ['monitor', 'mode', 'patience', 'minDelta', 'restoreBestWeights'], {
      baseline: 'not supported; stop on patience and minDelta',
    });
    this.monitor = this.options.monitor ?? 'val_loss';
    this.patience = this.options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new ValueError(`EarlyStopping: patience must be a non-negative integer, got ${this.patience}`);
    }
    this.tracker = new BestTracker(this.options.mode ?? 'auto', this.monitor, this.options.minDelta ?? 0);
  }

  get best(): number {
    return this.tracker.best;
  }

  onTrainBegin(ctx?: TrainContext): void {
    checkMonitorLogged('EarlyStopping', this.monitor, ctx);
    this.tracker = new BestTracker(this.options.mode ?? 'auto', this.monitor, this.options.minDelta ?? 0);
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
    this.bestWeights = null;
  }

  onEpochEnd(log: EpochLog, ctx: TrainContext): void {
    const value = monitoredValue('EarlyStopping', log, this.monitor);
    if (this.tracker.improves(value)) {
      this.wait = 0;
      this.bestEpoch = log.epoch;
      if (this.options.restoreBestWeights) this.bestWeights = snapshot(ctx.model);
      return;
    }
    this.wait++;
    // Keras's rule: stop once `patience` epochs in a row brought no improvement (patience 0: at the first).
    if (this.wait >= this.patience) {
      this.stoppedEpoch = log.epoch;
      ctx.stopTraining = true;
    }
  }

  onTrainEnd(_history: History, ctx: TrainContext): void {
    if (this.options.restoreBestWeights && this.bestWeights && this.bestEpoch !== ctx.history.epochs.length - 1) {
      restore(ctx.model, this.bestWeights);
    }
  }
}

/** The tensors that define a model's state: stateDict() (parameters and buffers) when it has one. */
function stateTensors(model: TrainableModel): Tensor[] {
  return model.stateDict ? [...model.stateDict().values()] : [...model.parameters()];
}

function snapshot(model: TrainableModel): Float32Array[] {
  return stateTensors(model).map((t) => Float32Array.from(t.data()));
}

/** Writes saved values back into the model's own tensors (in place, so optimizers keep their references). */
function restore(model: TrainableModel, saved: readonly Float32Array[]): void {
  const tensors = stateTensors(model);
  if (tensors.length !== saved.length) {
    throw new ValueError(`EarlyStopping: the model now has ${tensors.length} state tensors, ${saved.length} were saved`);
  }
  tensors.forEach((t, i) => {
    if (!t.isContiguous) throw new ValueError(`EarlyStopping: state tensor ${i} is not contiguous; cannot restore in place`);
    t.data().set(saved[i]!);
  });
}

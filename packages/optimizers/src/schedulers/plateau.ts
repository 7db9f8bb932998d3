// ReduceLROnPlateau (torch.optim.lr_scheduler.ReduceLROnPlateau): multiplies the lr by `factor` when a
// metric has not improved for more than `patience` steps, then waits `cooldown` steps before counting again.

import { Tensor, ValueError } from '@nabla/core';
import { checkInteger, checkKnownKeys, checkNumber } from '../options.js';
import { loadSchedulerState, schedulerState, type SchedulableOptimizer, type Scheduler } from './scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): lower is better (a loss); 'max': higher is better (an accuracy). */
  mode?: 'min' | 'max';
  /** Multiply the lr by this, in [0, 1) (default 0.1). */
  factor?: number;
  /** Steps without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** How much better counts as better (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): better than best * (1 ∓ threshold); 'abs': better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again (default 0). */
  cooldown?: number;
  /** Lower bound of the lr: one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

const KEYS = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'];

export class ReduceLROnPlateau implements Scheduler {
  readonly optimizer: SchedulableOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** The best metric so far (Infinity in 'min' mode, -Infinity in 'max' mode before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const where = 'ReduceLROnPlateau';
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw new ValueError(`${where}: expected an optimizer, got ${String(optimizer)}`);
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`${where}: options must be an object such as { mode: 'max', patience: 5 }, got ${typeof options === 'string' ? `'${options}'` : String(options)}`);
    }
    checkKnownKeys(where, options, KEYS);
    this.optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') throw new ValueError(`${where}: mode must be 'min' or 'max', got '${String(this.mode)}'`);
    this.factor = checkNumber(where, 'factor', options.factor ?? 0.1, 0, 1);
    this.patience = checkInteger(where, 'patience', options.patience ?? 10, 0);
    this.threshold = checkNumber(where, 'threshold', options.threshold ?? 1e-4, 0);
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new ValueError(`${where}: thresholdMode must be 'rel' or 'abs', got '${String(this.thresholdMode)}'`);
    }
    this.cooldown = checkInteger(where, 'cooldown', options.cooldown ?? 0, 0);
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) throw new ValueError(`${where}: minLr has ${minLr.length} values for ${groups} param groups`);
      this.minLrs = minLr.map((v, i) => checkNumber(where, `minLr[${i}]`, v, 0));
    } else {
      this.minLrs = new Array<number>(groups).fill(checkNumber(where, 'minLr', minLr, 0));
    }
    this.eps = checkNumber(where, 'eps', options.eps ?? 1e-8, 0);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * Records the metric of the epoch just finished and reduces the lr if it has stalled. A NaN metric counts
   * as no improvement (as in PyTorch).
   */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number') throw new ValueError(`ReduceLROnPlateau.step: metric must be a number or a one-element Tensor, got ${typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduce();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return schedulerState(this);
  }

  loadStateDict(state: Record<string, unknown>): void {
    loadSchedulerState(this, 'ReduceLROnPlateau', state);
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  private reduce(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const newLr = Math.max(group.lr * this.factor, this.minLrs[i]!);
      if (group.lr - newLr > this.eps) group.lr = newLr;
    });
  }
}

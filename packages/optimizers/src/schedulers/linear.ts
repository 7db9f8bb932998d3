// LinearLR (torch.optim.lr_scheduler.LinearLR): scales the lr linearly from startFactor * base to
// endFactor * base over totalIters steps, then keeps it. With startFactor < 1 and endFactor 1 it is a
// linear warm-up (chain it with another schedule through SequentialLR).

import { ValueError } from '@nabla/core';
import { checkInteger, checkKnownKeys, checkNumber } from '../options.js';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

export interface LinearLROptions {
  /** Factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from epoch totalIters on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps to go from startFactor to endFactor (default 5). */
  totalIters?: number;
  lastEpoch?: number;
}

export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: SchedulableOptimizer, options: LinearLROptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`LinearLR: options must be an object such as { startFactor: 0.1, totalIters: 5 }, got ${String(options)}`);
    }
    checkKnownKeys('LinearLR', options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    super('LinearLR', optimizer, options.lastEpoch ?? -1);
    this.startFactor = checkNumber('LinearLR', 'startFactor', options.startFactor ?? 1 / 3, 0);
    this.endFactor = checkNumber('LinearLR', 'endFactor', options.endFactor ?? 1, 0);
    this.totalIters = checkInteger('LinearLR', 'totalIters', options.totalIters ?? 5, 1);
    if (this.startFactor === 0 || this.startFactor > 1) {
      throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${this.startFactor}`);
    }
    if (this.endFactor > 1) throw new ValueError(`LinearLR: endFactor must be in [0, 1], got ${this.endFactor}`);
    this.initialStep();
  }

  protected recursiveLr(): number[] {
    const lrs = this.currentLrs();
    const t = this.lastEpoch;
    if (t === 0) return lrs.map((lr) => lr * this.startFactor);
    if (t > this.totalIters) return lrs;
    const delta = this.endFactor - this.startFactor;
    return lrs.map((lr) => lr * (1 + delta / (this.totalIters * this.startFactor + (t - 1) * delta)));
  }

  closedFormLr(base: number, epoch: number): number {
    const progress = Math.min(this.totalIters, epoch) / this.totalIters;
    return base * (this.startFactor + (this.endFactor - this.startFactor) * progress);
  }
}

// Multiplicative decays: StepLR, MultiStepLR and ExponentialLR (torch.optim.lr_scheduler).

import { ValueError } from '@nabla/core';
import { checkInteger, checkNumber, schedulerOptions } from '../options.js';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

export interface StepLROptions {
  /** Multiply the lr by gamma every stepSize epochs. */
  stepSize: number;
  /** Default 0.1. */
  gamma?: number;
  /** Resume at this epoch (default -1: start). */
  lastEpoch?: number;
}

/** lr = base * gamma ^ floor(epoch / stepSize). */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  /** `new StepLR(opt, 10)` is `{ stepSize: 10 }`, as PyTorch's positional step_size. */
  constructor(optimizer: SchedulableOptimizer, stepSizeOrOptions: StepLROptions | number) {
    const options = schedulerOptions<StepLROptions>('StepLR', stepSizeOrOptions, 'stepSize', ['stepSize', 'gamma', 'lastEpoch']);
    super('StepLR', optimizer, options.lastEpoch ?? -1);
    this.stepSize = checkInteger('StepLR', 'stepSize', options.stepSize, 1);
    this.gamma = checkNumber('StepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.initialStep();
  }

  protected recursiveLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  closedFormLr(base: number, epoch: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

export interface MultiStepLROptions {
  /** Epochs at which the lr is multiplied by gamma (a repeated epoch multiplies once per repeat). */
  milestones: number[];
  /** Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

/** lr = base * gamma ^ (number of milestones <= epoch). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  /** `new MultiStepLR(opt, [30, 80])` is `{ milestones: [30, 80] }`, as PyTorch's positional milestones. */
  constructor(optimizer: SchedulableOptimizer, milestonesOrOptions: MultiStepLROptions | number[]) {
    const options = schedulerOptions<MultiStepLROptions>('MultiStepLR', milestonesOrOptions, 'milestones', ['milestones', 'gamma', 'lastEpoch']);
    super('MultiStepLR', optimizer, options.lastEpoch ?? -1);
    if (!Array.isArray(options.milestones)) {
      throw new ValueError(`MultiStepLR: milestones must be an array of epochs, got ${String(options.milestones)}`);
    }
    this.milestones = options.milestones.map((m, i) => checkInteger('MultiStepLR', `milestones[${i}]`, m, 0)).sort((a, b) => a - b);
    this.gamma = checkNumber('MultiStepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.initialStep();
  }

  protected recursiveLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.currentLrs();
    return hits === 0 ? lrs : lrs.map((lr) => lr * this.gamma ** hits);
  }

  closedFormLr(base: number, epoch: number): number {
    return base * this.gamma ** this.milestones.filter((m) => m <= epoch).length;
  }
}

export interface ExponentialLROptions {
  /** Multiply the lr by gamma every epoch. */
  gamma: number;
  lastEpoch?: number;
}

/** lr = base * gamma ^ epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  /** `new ExponentialLR(opt, 0.9)` is `{ gamma: 0.9 }`, as PyTorch's positional gamma. */
  constructor(optimizer: SchedulableOptimizer, gammaOrOptions: ExponentialLROptions | number) {
    const options = schedulerOptions<ExponentialLROptions>('ExponentialLR', gammaOrOptions, 'gamma', ['gamma', 'lastEpoch']);
    super('ExponentialLR', optimizer, options.lastEpoch ?? -1);
    this.gamma = checkNumber('ExponentialLR', 'gamma', options.gamma, 0);
    this.initialStep();
  }

  protected recursiveLr(): number[] {
    const lrs = this.currentLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  closedFormLr(base: number, epoch: number): number {
    return base * this.gamma ** epoch;
  }
}

// CosineAnnealingLR (torch.optim.lr_scheduler.CosineAnnealingLR): the lr follows half a cosine from the
// base lr down to etaMin over tMax epochs, then back up (period 2 tMax). Stepping uses PyTorch's recursive
// form, which equals the closed form etaMin + (base - etaMin)(1 + cos(pi t / tMax)) / 2 when the lr is
// changed by nothing else.

import { checkInteger, checkNumber, schedulerOptions } from '../options.js';
import { LRScheduler, type SchedulableOptimizer } from './scheduler.js';

export interface CosineAnnealingLROptions {
  /** Epochs from the base lr to etaMin. */
  tMax: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
  lastEpoch?: number;
}

export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  private stepCount = 0;

  /** `new CosineAnnealingLR(opt, 100)` is `{ tMax: 100 }`, as PyTorch's positional T_max. */
  constructor(optimizer: SchedulableOptimizer, tMaxOrOptions: CosineAnnealingLROptions | number) {
    const options = schedulerOptions<CosineAnnealingLROptions>('CosineAnnealingLR', tMaxOrOptions, 'tMax', ['tMax', 'etaMin', 'lastEpoch']);
    super('CosineAnnealingLR', optimizer, options.lastEpoch ?? -1);
    this.tMax = checkInteger('CosineAnnealingLR', 'tMax', options.tMax, 1);
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 0);
    this.initialStep();
  }

  override initialStep(): void {
    this.stepCount = 0;
    super.initialStep();
  }

  override step(): void {
    this.stepCount += 1;
    super.step();
  }

  protected recursiveLr(): number[] {
    const t = this.lastEpoch;
    const T = this.tMax;
    const eta = this.etaMin;
    const lrs = this.currentLrs();
    if (t === 0) return lrs;
    // Resuming at lastEpoch > 0: nothing to recurse from, so use the closed form once.
    if (this.stepCount === 1) return this.baseLrs.map((base) => this.closedFormLr(base, t));
    // At the bottom of the cosine the recursive ratio below divides by zero; PyTorch adds the rise instead.
    if ((t - 1 - T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (lr - eta) + eta);
  }

  closedFormLr(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

// SequentialLR (torch.optim.lr_scheduler.SequentialLR): runs one scheduler until the first milestone, the
// next until the second, and so on; each later scheduler restarts from its epoch 0 at its milestone.
// The usual use is a warm-up: SequentialLR(opt, [LinearLR(...), CosineAnnealingLR(...)], [warmupSteps]).

import { ValueError } from '@nabla/core';
import { checkInteger } from '../options.js';
import { LRScheduler, loadSchedulerState, schedulerState, type SchedulableOptimizer, type Scheduler } from './scheduler.js';

export class SequentialLR implements Scheduler {
  readonly optimizer: SchedulableOptimizer;
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];
  lastEpoch: number;
  private lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, schedulers: LRScheduler[], milestones: number[]) {
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new ValueError('SequentialLR: expected at least one scheduler');
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) {
        throw new ValueError(`SequentialLR: schedulers[${i}] is not an epoch scheduler (ReduceLROnPlateau cannot be chained)`);
      }
      if (s.optimizer !== optimizer) {
        throw new ValueError(`SequentialLR: schedulers[${i}] was made for a different optimizer than the one given`);
      }
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `SequentialLR: expected ${schedulers.length - 1} milestone(s) for ${schedulers.length} schedulers, got ${JSON.stringify(milestones)}`,
      );
    }
    milestones.forEach((m, i) => {
      checkInteger('SequentialLR', `milestones[${i}]`, m, 1);
      if (i > 0 && m <= milestones[i - 1]!) throw new ValueError(`SequentialLR: milestones must increase, got ${JSON.stringify(milestones)}`);
    });
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = 0;
    // Creating each scheduler stepped it and changed the lr: undo that, then start only the first one.
    for (const group of optimizer.paramGroups) group.lr = group.initialLr ?? group.lr;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  step(): void {
    this.lastEpoch += 1;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx]! <= this.lastEpoch) idx++;
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.stepTo(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return { ...schedulerState(this), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(state: Record<string, unknown>): void {
    const { schedulers, ...own } = state;
    if (!Array.isArray(schedulers) || schedulers.length !== this.schedulers.length) {
      throw new ValueError(`SequentialLR.loadStateDict: expected the states of ${this.schedulers.length} schedulers`);
    }
    loadSchedulerState(this, 'SequentialLR', own);
    this.schedulers.forEach((s, i) => s.loadStateDict(schedulers[i] as Record<string, unknown>));
  }
}

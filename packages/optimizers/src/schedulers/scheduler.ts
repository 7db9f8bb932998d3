// The base of the epoch-based learning-rate schedulers (torch.optim.lr_scheduler.LRScheduler). Like
// PyTorch, a scheduler remembers each group's starting lr as `initialLr` on the group, steps once when it
// is created (epoch 0), and on every step() computes the new lr from the current one (the recursive form,
// which lets several schedulers act on one optimizer). Each also has its closed form, used by SequentialLR.

import { ValueError } from '@nabla/core';

/** What a scheduler needs of an optimizer: groups whose lr it may set. */
export interface SchedulableOptimizer {
  readonly paramGroups: Array<{ lr: number; initialLr?: number }>;
}

/** Every scheduler: advance it, and read the lr of each group after the last step. */
export interface Scheduler {
  getLastLr(): number[];
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
}

/** Fields that are not state: the optimizer (saved separately) and sub-schedulers (saved by SequentialLR). */
const NOT_STATE = new Set(['optimizer', 'schedulers']);

/** A JSON-ready copy of a scheduler's own fields (numbers, arrays, strings). */
export function schedulerState(self: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(self)) if (!NOT_STATE.has(k) && typeof v !== 'function') out[k] = structuredClone(v);
  return out;
}

/** Restores fields saved by schedulerState, refusing keys the scheduler does not have. */
export function loadSchedulerState(self: object, kind: string, state: Record<string, unknown>): void {
  if (state === null || typeof state !== 'object') throw new ValueError(`${kind}.loadStateDict: expected an object, got ${String(state)}`);
  const own = self as Record<string, unknown>;
  for (const [k, v] of Object.entries(state)) {
    if (NOT_STATE.has(k) || !(k in own) || typeof own[k] === 'function') {
      throw new ValueError(`${kind}.loadStateDict: unknown field '${k}'`);
    }
    if (typeof v !== typeof own[k] || Array.isArray(v) !== Array.isArray(own[k])) {
      throw new ValueError(`${kind}.loadStateDict: field '${k}' should be ${Array.isArray(own[k]) ? 'an array' : typeof own[k]}, got ${JSON.stringify(v)}`);
    }
  }
  for (const [k, v] of Object.entries(state)) own[k] = structuredClone(v);
}

export abstract class LRScheduler implements Scheduler {
  readonly optimizer: SchedulableOptimizer;
  /** The lr of each group when scheduling started (its `initialLr`). */
  baseLrs: number[];
  /** The number of the last step(): 0 right after construction. */
  lastEpoch: number;
  protected lastLr: number[] = [];

  /**
   * Subclasses validate their options, then call `this.initialStep()` last in their constructor.
   * `lastEpoch` other than -1 resumes a schedule: every group must then already have `initialLr`.
   */
  protected constructor(kind: string, optimizer: SchedulableOptimizer, lastEpoch: number) {
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) {
      throw new ValueError(`${kind}: expected an optimizer (something with paramGroups), got ${String(optimizer)}`);
    }
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new ValueError(`${kind}: lastEpoch must be an integer >= -1, got ${lastEpoch}`);
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined) {
        throw new ValueError(`${kind}: resuming at lastEpoch ${lastEpoch} needs initialLr in param group ${i}; it is set when a scheduler starts at lastEpoch -1`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /**
   * The step a scheduler takes when created: it sets the lr for epoch lastEpoch + 1 (0 when starting).
   * SequentialLR calls it again to restart its first scheduler.
   */
  initialStep(): void {
    this.step();
  }

  /** Advances one epoch (or iteration) and sets each group's lr. Call after optimizer.step(). */
  step(): void {
    this.lastEpoch += 1;
    this.apply(this.recursiveLr());
  }

  /** Jumps to `epoch` and sets the closed-form lr there (how SequentialLR restarts a scheduler). */
  stepTo(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new ValueError(`stepTo: epoch must be a non-negative integer, got ${epoch}`);
    this.lastEpoch = epoch;
    this.apply(this.baseLrs.map((base) => this.closedFormLr(base, epoch)));
  }

  /** The lr of each group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return schedulerState(this);
  }

  loadStateDict(state: Record<string, unknown>): void {
    loadSchedulerState(this, this.constructor.name, state);
  }

  /** PyTorch's get_lr(): the lr of each group at this.lastEpoch, from the groups' current lr. */
  protected abstract recursiveLr(): number[];

  /** The lr at `epoch` of a group that started at `base`. */
  abstract closedFormLr(base: number, epoch: number): number;

  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  private apply(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = lrs[i]!; });
    this.lastLr = lrs;
  }
}

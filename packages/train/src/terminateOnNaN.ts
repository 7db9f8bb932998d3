// A loss that turns NaN or infinite (a learning rate that diverges, NaN in the data) makes every later step
// useless. fit says so once per run; the TerminateOnNaN callback (Keras's) stops training at that batch.

import type { BatchLogs, Callback, TrainContext } from './callbacks.js';

/** Stops training at the first batch whose loss is NaN or infinite. */
export class TerminateOnNaN implements Callback {
  /** Where training stopped, or null while the loss stayed finite. */
  stoppedAt: { epoch: number; step: number; loss: number } | null = null;

  onTrainBegin(): void {
    this.stoppedAt = null;
  }

  onBatchEnd(logs: BatchLogs, ctx: TrainContext): void {
    if (Number.isFinite(logs.loss)) return;
    this.stoppedAt = { epoch: logs.epoch, step: logs.step, loss: logs.loss };
    ctx.stopTraining = true;
  }
}

/** fit's warning: emitted once per run, at the first loss that is not finite. */
export class NonFiniteLossWarning {
  private warned = false;
  private readonly stops: boolean;

  constructor(callbacks: readonly Callback[]) {
    this.stops = callbacks.some((cb) => cb instanceof TerminateOnNaN);
  }

  check(loss: number, epoch: number, step: number): void {
    if (this.warned || Number.isFinite(loss)) return;
    this.warned = true;
    process.emitWarning(
      `fit: the loss is ${loss} at epoch ${epoch}, step ${step}: the learning rate may be too high, or the data ` +
      `holds NaN or Infinity. ${this.stops ? 'TerminateOnNaN stops training here.' :
        'Training goes on, and every later loss will be NaN; pass new TerminateOnNaN() in callbacks to stop instead.'}`,
      { type: 'NablaWarning', code: 'NABLA_NONFINITE_LOSS' },
    );
  }
}

// What fit returns: one log per epoch and one value per step for the loss and every metric.
// Per-step values go into Float64Arrays that grow by doubling, so recording a step allocates nothing
// (beyond the rare regrowth) in the training loop.

/** A growable list of numbers backed by a Float64Array. */
export class Series {
  private buffer: Float64Array;
  private count = 0;

  constructor(capacity = 256) {
    this.buffer = new Float64Array(Math.max(1, capacity));
  }

  push(value: number): void {
    if (this.count === this.buffer.length) {
      const bigger = new Float64Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.count++] = value;
  }

  get length(): number {
    return this.count;
  }

  /** The recorded values (a view; copy it to keep it across later pushes). */
  values(): Float64Array {
    return this.buffer.subarray(0, this.count);
  }

  toArray(): number[] {
    return Array.from(this.values());
  }
}

export interface EpochLog {
  /** 0-based. */
  epoch: number;
  /** Mean training loss over the epoch's samples. */
  loss: number;
  /** Training metrics over the epoch, by name. */
  metrics: Record<string, number>;
  valLoss?: number;
  valMetrics?: Record<string, number>;
  /** Learning rate of the first parameter group during the epoch, when the optimizer tells. */
  lr?: number;
  /** Wall time of the training steps (validation excluded). */
  seconds: number;
  samples: number;
  samplesPerSecond: number;
  steps: number;
}

export class History {
  readonly epochs: EpochLog[] = [];
  /** Loss of every training step, in order. */
  readonly stepLoss: Series;
  /** Every metric's value on each step's batch, by name. */
  readonly stepMetrics: Record<string, Series> = {};
  /** True when a callback stopped training before the last epoch. */
  stoppedEarly = false;

  constructor(metricNames: readonly string[], expectedSteps = 256) {
    this.stepLoss = new Series(expectedSteps);
    for (const name of metricNames) this.stepMetrics[name] = new Series(expectedSteps);
  }

  /** One epoch's value of a key: 'loss', 'val_loss', a metric name or 'val_' + a metric name. */
  series(key: string): number[] {
    return this.epochs.map((e) => valueOf(e, key) ?? NaN);
  }

  /** Training samples per second over all epochs. */
  get samplesPerSecond(): number {
    const samples = this.epochs.reduce((a, e) => a + e.samples, 0);
    const seconds = this.epochs.reduce((a, e) => a + e.seconds, 0);
    return seconds > 0 ? samples / seconds : NaN;
  }

  toJSON(): object {
    const steps: Record<string, number[]> = { loss: this.stepLoss.toArray() };
    for (const [name, s] of Object.entries(this.stepMetrics)) steps[name] = s.toArray();
    return { epochs: this.epochs, steps, stoppedEarly: this.stoppedEarly };
  }
}

/** Looks up 'loss', 'val_loss', 'accuracy', 'val_accuracy'... in an epoch log. */
export function valueOf(log: EpochLog, key: string): number | undefined {
  if (key === 'loss') return log.loss;
  if (key === 'val_loss') return log.valLoss;
  if (key.startsWith('val_')) return log.valMetrics?.[key.slice(4)];
  return log.metrics[key];
}

// Training progress on screen. In a terminal: a cli-progress bar per epoch with the step, running loss,
// running accuracy, samples/s and ETA. When the output is not a terminal (CI logs, pipes, files) a bar
// would spray control characters, so the same facts come as one plain line per epoch instead.

import cliProgress from 'cli-progress';
import type { BatchLogs, Callback, TrainContext } from './callbacks.js';
import type { EpochLog } from './history.js';
import { checkOptions } from './options.js';

export interface ProgressOptions {
  /** 'auto' (default): a bar when the stream is a TTY, else one line per epoch. */
  mode?: 'auto' | 'bar' | 'line';
  /** Default process.stdout. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Printed before each line, e.g. the backend's name. */
  label?: string;
}

/** How often the bar is redrawn; the training loop is not slowed by formatting on every step. */
const REDRAW_MS = 100;

function fmt(v: number | undefined, digits = 4): string {
  return v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits);
}

/** The plain summary of one epoch, as printed in line mode and after each bar. */
export function formatEpochLine(log: EpochLog, epochs: number, label = ''): string {
  const parts = [`${label ? `[${label}] ` : ''}epoch ${log.epoch + 1}/${epochs}`, `loss ${fmt(log.loss)}`];
  for (const [name, v] of Object.entries(log.metrics)) parts.push(`${name} ${fmt(v)}`);
  if (log.valLoss !== undefined) parts.push(`val_loss ${fmt(log.valLoss)}`);
  for (const [name, v] of Object.entries(log.valMetrics ?? {})) parts.push(`val_${name} ${fmt(v)}`);
  parts.push(`${Math.round(log.samplesPerSecond)} samples/s`, `${log.seconds.toFixed(1)} s`);
  return parts.join('  ');
}

export class ProgressBar implements Callback {
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly useBar: boolean;
  private bar: cliProgress.SingleBar | null = null;
  private lastDraw = 0;
  private epochs = 0;

  constructor(private readonly options: ProgressOptions = {}) {
    this.options = checkOptions('ProgressBar', options, ['mode', 'stream', 'label']);
    options = this.options;
    this.stream = options.stream ?? process.stdout;
    const mode = options.mode ?? 'auto';
    this.useBar = mode === 'bar' || (mode === 'auto' && this.stream.isTTY === true);
  }

  onTrainBegin(ctx: TrainContext): void {
    this.epochs = ctx.epochs;
  }

  onEpochBegin(epoch: number, ctx: TrainContext): void {
    if (!this.useBar || ctx.stepsPerEpoch === undefined) return;
    const label = this.options.label ? `[${this.options.label}] ` : '';
    this.bar = new cliProgress.SingleBar({
      stream: this.stream,
      format: `${label}epoch ${epoch + 1}/${this.epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | ` +
        '{rate} samples/s | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: null,
      clearOnComplete: true,
      // A bar asked for explicitly on a non-TTY stream still draws (tests, log files).
      noTTYOutput: this.stream.isTTY !== true,
    });
    this.bar.start(ctx.stepsPerEpoch, 0, { loss: '-', acc: '-', rate: '-' });
    this.lastDraw = 0;
  }

  onBatchEnd(logs: BatchLogs, ctx: TrainContext): void {
    if (!this.bar) return;
    const now = performance.now();
    const last = ctx.stepsPerEpoch !== undefined && logs.step + 1 >= ctx.stepsPerEpoch;
    if (now - this.lastDraw < REDRAW_MS && !last) return;
    this.lastDraw = now;
    const acc = logs.metrics.accuracy;
    this.bar.update(logs.step + 1, {
      loss: fmt(logs.meanLoss),
      acc: acc === undefined ? '-' : fmt(acc),
      rate: Math.round(logs.samplesPerSecond),
    });
  }

  onEpochEnd(log: EpochLog): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
    this.stream.write(`${formatEpochLine(log, this.epochs, this.options.label)}\n`);
  }

  onTrainEnd(): void {
    this.stop();
  }

  /** True while a bar is drawn (between the start of an epoch and its end). */
  get active(): boolean {
    return this.bar !== null;
  }

  /** Stops the bar (and its redraw timer) where it is; fit calls it when training ends with an error. */
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

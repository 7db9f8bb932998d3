// ModelCheckpoint: saves the model (and its optimizer's state) to a safetensors checkpoint after each epoch,
// or only when the monitored value improves, through save() of checkpoint.ts.

import { ValueError } from '@nabla/core';
import { BestTracker, checkMonitorLogged, monitoredValue, type Callback, type Mode, type TrainContext } from './callbacks.js';
import { save, type StatefulModel, type StatefulOptimizer } from './checkpoint.js';
import { checkOptions } from './options.js';
import { checkPathTemplate, formatPath } from './checkpointPath.js';
import type { EpochLog } from './history.js';

export interface ModelCheckpointOptions {
  /**
   * Where to write. "{epoch}" becomes the 1-based epoch number, e.g. "ckpt/epoch-{epoch}.safetensors"; as in
   * Keras, "{epoch:02d}" pads it and a logged value may be named: "ckpt/{epoch:03d}-{val_loss:.4f}.safetensors".
   */
  path: string;
  /** Key to watch for saveBestOnly: 'val_loss' (default), 'loss', 'val_accuracy'... */
  monitor?: string;
  mode?: Mode;
  /** Write only when the monitored value improves on the best so far. Default false (every epoch). */
  saveBestOnly?: boolean;
  /** Also save the optimizer's state (to resume training). Default true. */
  saveOptimizer?: boolean;
}

function isStatefulModel(m: unknown): m is StatefulModel {
  const s = m as Partial<StatefulModel> | null;
  return typeof s?.stateDict === 'function' && typeof s.loadStateDict === 'function';
}

function isStatefulOptimizer(o: unknown): o is StatefulOptimizer {
  const s = o as Partial<StatefulOptimizer> | null;
  return typeof s?.kind === 'string' && typeof s.stateDict === 'function' && typeof s.loadStateDict === 'function';
}

export class ModelCheckpoint implements Callback {
  readonly monitor: string;
  /** Paths written, in order. */
  readonly saved: string[] = [];
  /** Epoch (0-based) of the last file written, or -1. */
  lastSavedEpoch = -1;
  private tracker: BestTracker;

  constructor(private readonly options: ModelCheckpointOptions) {
    if (!options || typeof options.path !== 'string' || options.path.length === 0) {
      throw new ValueError('ModelCheckpoint: options.path must be a non-empty string');
    }
    checkOptions('ModelCheckpoint', options, ['path', 'monitor', 'mode', 'saveBestOnly', 'saveOptimizer'], {
      filepath: "Keras' filepath is path here",
      saveWeightsOnly: 'checkpoints hold the weights; saveOptimizer: false leaves out the optimizer state',
      save_weights_only: 'checkpoints hold the weights; saveOptimizer: false leaves out the optimizer state',
    });
    checkPathTemplate('ModelCheckpoint', options.path);
    this.monitor = options.monitor ?? 'val_loss';
    this.tracker = new BestTracker(options.mode ?? 'auto', this.monitor);
  }

  onTrainBegin(ctx: TrainContext): void {
    if (!isStatefulModel(ctx.model)) {
      throw new ValueError('ModelCheckpoint: the model needs stateDict() and loadStateDict() (a Module of @nabla/layers)');
    }
    if (this.options.saveBestOnly) checkMonitorLogged('ModelCheckpoint', this.monitor, ctx);
    this.tracker = new BestTracker(this.options.mode ?? 'auto', this.monitor);
  }

  async onEpochEnd(log: EpochLog, ctx: TrainContext): Promise<void> {
    if (this.options.saveBestOnly && !this.tracker.improves(monitoredValue('ModelCheckpoint', log, this.monitor))) return;
    const path = formatPath('ModelCheckpoint', this.options.path, log);
    const withOptimizer = (this.options.saveOptimizer ?? true) && isStatefulOptimizer(ctx.optimizer);
    // Data-parallel: the replicas are identical, so one process writes, and the others wait until the
    // file is complete, so any of them may load it next.
    if (ctx.parallel?.isMain ?? true) {
      await save(path, ctx.model as StatefulModel, {
        optimizer: withOptimizer ? (ctx.optimizer as unknown as StatefulOptimizer) : undefined,
        metadata: { epoch: String(log.epoch + 1), loss: String(log.loss), ...(log.valLoss !== undefined ? { val_loss: String(log.valLoss) } : {}) },
      });
    }
    ctx.parallel?.barrier();
    this.saved.push(path);
    this.lastSavedEpoch = log.epoch;
  }
}

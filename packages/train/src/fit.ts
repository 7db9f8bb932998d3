// fit, evaluate and predict: the training loop of Keras / TensorFlow.js over nabla's modules.
//
// The hot path of a step is zeroGrad, forward, loss, backward, step, then ONE .item() to read the loss.
// Everything else per step reuses memory: metrics read the output tensor's memory, per-step values go into
// growable Float64Arrays, and the logs object passed to onBatchEnd is the same object every step.

import { NablaError, Tensor, ValueError, concat, describeValue, setGradEnabled, slice } from '@nabla/core';
import { type BatchLogs, type Callback, type TrainContext } from './callbacks.js';
import { History, type EpochLog } from './history.js';
import { resolveMetric, type Metric, type MetricSpec } from './metrics.js';
import { ProgressBar, type ProgressOptions } from './progress.js';
import { saveModes } from './modes.js';
import { NonFiniteLossWarning } from './terminateOnNaN.js';
import { KERAS_FIT_HINTS, checkOptions } from './options.js';
import { withContext } from './errorContext.js';
import {
  FIT_KEYS, checkBatch, checkCallbacks, checkLoss, checkModel, checkOptimizerHoldsModel, checkScalarLoss, checkSource,
  droppedEverything, scalarLoss,
} from './fitChecks.js';
import {
  callLoss, type BatchSource, type LossLike, type OptimizerLike, type ParallelContext, type SchedulerLike, type TrainableModel,
} from './types.js';

export interface FitOptions {
  loss: LossLike;
  optimizer: OptimizerLike;
  /** Default 1. */
  epochs?: number;
  /** Evaluated after every epoch: gives val_loss and val_<metric> in the logs. */
  validation?: BatchSource;
  metrics?: readonly MetricSpec[];
  /** Stepped once per epoch, after validation, with val_loss (or the training loss without validation). */
  scheduler?: SchedulerLike;
  callbacks?: readonly Callback[];
  /** A progress bar (or one line per epoch when not a TTY). Default true; false for silence. */
  progress?: boolean | ProgressOptions;
  /**
   * Passed to optimizer.zeroGrad before each step. Default false: gradients are zeroed in place and their
   * buffers reused every step (faster: no allocation, and a Linear layer's GEMM adds straight into them).
   * As with PyTorch's zero_grad(set_to_none=False), a parameter that requires grad but is not used in a
   * step is then stepped with a zero gradient (its momentum carries on); true drops gradients instead, so
   * such parameters are skipped.
   */
  setToNone?: boolean;
  /**
   * Data-parallel training (a ProcessGroup of @nabla/distributed): every process runs fit on its own share of
   * the data, with a model that averages gradients (DistributedDataParallel). The epoch's loss and metrics
   * (and validation's) are then averaged over all processes' samples, so every process logs, schedules and
   * stops alike; samples and samples/s count all processes. Only the main process shows progress, and
   * ModelCheckpoint writes from it alone. Default: the `group` of a model that has one (DistributedDataParallel).
   */
  parallel?: ParallelContext;
}

function resolveMetrics(specs: readonly MetricSpec[] | undefined): Metric[] {
  if (specs !== undefined && !Array.isArray(specs)) {
    throw new ValueError(`metrics must be an array such as ['accuracy'], got ${describeValue(specs)}`);
  }
  const metrics = (specs ?? []).map(resolveMetric);
  const names = new Set<string>();
  for (const m of metrics) {
    if (names.has(m.name)) throw new ValueError(`fit: metric ${JSON.stringify(m.name)} is listed twice`);
    names.add(m.name);
  }
  return metrics;
}

function metricResults(metrics: readonly Metric[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics) out[m.name] = m.result();
  return out;
}

/** Trains `model` on `data` for `options.epochs` epochs and returns the history. */
export async function fit(model: TrainableModel, data: BatchSource, options: FitOptions): Promise<History> {
  checkModel('fit', model);
  checkSource('fit', 'training data', data);
  if (!options || typeof options !== 'object') throw new ValueError('fit: options {loss, optimizer, ...} are required');
  checkOptions('fit', options, FIT_KEYS, KERAS_FIT_HINTS);
  const { loss, optimizer } = options;
  checkLoss('fit', loss, true);
  if (typeof optimizer?.step !== 'function' || typeof optimizer.zeroGrad !== 'function') {
    throw new ValueError('fit: options.optimizer must have zeroGrad() and step()');
  }
  checkOptimizerHoldsModel(model, optimizer);
  if (options.scheduler !== undefined && typeof options.scheduler?.step !== 'function') {
    throw new ValueError('fit: options.scheduler must have step(metric?) (a scheduler of @nabla/optimizers)');
  }
  const progressOption: unknown = options.progress;
  if (progressOption !== undefined && typeof progressOption !== 'boolean' && (progressOption === null || typeof progressOption !== 'object')) {
    throw new ValueError(`fit: progress must be true, false or progress options, got ${String(progressOption)}`);
  }
  const epochs = options.epochs ?? 1;
  if (options.setToNone !== undefined && typeof options.setToNone !== 'boolean') {
    throw new ValueError(`fit: setToNone must be true or false, got ${String(options.setToNone)}`);
  }
  const zeroGradOptions = { setToNone: options.setToNone ?? false };
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new ValueError(`fit: epochs must be a positive integer, got ${typeof epochs === 'number' ? epochs : describeValue(epochs)}`);
  }
  if (options.validation !== undefined) checkSource('fit', 'validation data', options.validation);

  const metrics = resolveMetrics(options.metrics);
  const stepsPerEpoch = typeof data.length === 'number' ? data.length : undefined;
  const history = new History(metrics.map((m) => m.name), (stepsPerEpoch ?? 256) * epochs);
  const parallel = checkParallel(options.parallel ?? groupOf(model));
  const callbacks: Callback[] = checkCallbacks(options.callbacks);
  if (options.progress !== false && (parallel?.isMain ?? true)) {
    callbacks.push(new ProgressBar(typeof options.progress === 'object' ? options.progress : {}));
  }
  const ctx: TrainContext = {
    model, optimizer, epochs, stepsPerEpoch, history, stopTraining: false, ...(parallel ? { parallel } : {}),
    hasValidation: options.validation !== undefined,
  };
  const logs: BatchLogs = {
    epoch: 0, step: 0, globalStep: 0, batchSize: 0, loss: NaN, meanLoss: NaN, metrics: {}, samples: 0,
    samplesPerSecond: 0, elapsed: 0,
  };
  const stepSeries = metrics.map((m) => history.stepMetrics[m.name]!);
  const nonFinite = new NonFiniteLossWarning(callbacks);

  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
    for (let epoch = 0; epoch < epochs && !ctx.stopTraining; epoch++) {
      model.train?.();
      for (const m of metrics) m.reset();
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      const lr = optimizer.paramGroups?.[0]?.lr;
      let lossSum = 0;
      let samples = 0;
      let step = 0;
      const start = performance.now();
      for await (const batch of data) {
        if (step === 0) checkBatch('fit', batch, 0);
        optimizer.zeroGrad(zeroGradOptions);
        let lossTensor: Tensor;
        let pred: Tensor;
        try {
          pred = model.forward(batch.x);
          lossTensor = callLoss(loss, pred, batch.y);
          if (step === 0) checkScalarLoss(lossTensor);
        } catch (err) {
          throw withContext(err, `fit: epoch ${epoch + 1}/${epochs}, batch ${step + 1}`);
        }
        lossTensor.backward();
        optimizer.step();
        const value = lossTensor.item();
        if (value - value !== 0) nonFinite.check(value, epoch, step);
        const n = batch.x.shape[0] ?? 1;
        lossSum += value * n;
        samples += n;
        history.stepLoss.push(value);
        for (let i = 0; i < metrics.length; i++) {
          const m = metrics[i]!;
          stepSeries[i]!.push(m.update(pred, batch.y));
          logs.metrics[m.name] = m.result();
        }
        const elapsed = (performance.now() - start) / 1000;
        logs.epoch = epoch;
        logs.step = step;
        logs.batchSize = n;
        logs.loss = value;
        logs.meanLoss = lossSum / samples;
        logs.samples = samples;
        logs.elapsed = elapsed;
        logs.samplesPerSecond = elapsed > 0 ? samples / elapsed : 0;
        // Indexed loops: no iterator objects on the hot path.
        for (let i = 0; i < callbacks.length; i++) callbacks[i]!.onBatchEnd?.(logs, ctx);
        logs.globalStep++;
        step++;
        // Processes stop together, at the end of the epoch (each step is a collective in every process).
        if (ctx.stopTraining && !parallel) break;
      }
      if (step === 0) {
        // A generator (or any one-shot iterator) is used up by the first epoch.
        throw new NablaError(epoch === 0
          ? `fit: the training data produced no batches${droppedEverything(data)}`
          : `fit: the training data produced no batches in epoch ${epoch + 1} after ${history.epochs[0]?.steps ?? 0} in epoch 1; ` +
            'a generator or iterator can be read only once: pass a DataLoader or an array of batches');
      }
      const seconds = (performance.now() - start) / 1000;
      const log: EpochLog = {
        epoch, loss: lossSum / samples, metrics: metricResults(metrics), seconds, samples,
        samplesPerSecond: seconds > 0 ? samples / seconds : NaN, steps: step,
      };
      if (parallel) {
        const combined = combineAcrossProcesses(parallel, log.loss, log.metrics, samples, ctx.stopTraining);
        log.loss = combined.loss;
        log.metrics = combined.metrics;
        log.samples = combined.samples;
        log.samplesPerSecond = seconds > 0 ? combined.samples / seconds : NaN;
        ctx.stopTraining = combined.stop;
      }
      if (lr !== undefined) log.lr = lr;
      if (options.validation !== undefined) {
        const val = await evaluateWith(model, options.validation, loss, metrics, 'fit, validation');
        const combined = parallel ? combineAcrossProcesses(parallel, val.loss, val.metrics, val.samples, false) : val;
        log.valLoss = combined.loss;
        log.valMetrics = combined.metrics;
      }
      options.scheduler?.step(log.valLoss ?? log.loss);
      history.epochs.push(log);
      for (const cb of callbacks) await cb.onEpochEnd?.(log, ctx);
      if (ctx.stopTraining && epoch < epochs - 1) history.stoppedEarly = true;
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(history, ctx);
  } catch (err) {
    // A progress bar redraws on a timer: left running, it would keep printing and keep the process alive.
    for (const cb of callbacks) if (cb instanceof ProgressBar) cb.stop();
    throw err;
  }
  return history;
}

/**
 * The process group a data-parallel model carries (DistributedDataParallel's `group`), for when fit's
 * `parallel` is not given: without it every process would log and write checkpoints as if it trained alone.
 * Every process runs fit anyway (each step's gradients are averaged across them). evaluate takes no default:
 * it may run on one process only.
 */
function groupOf(model: unknown): ParallelContext | undefined {
  const group = (model as { group?: Partial<ParallelContext> } | null)?.group;
  const looksLikeOne = typeof group === 'object' && group !== null && typeof group.allSum === 'function' &&
    typeof group.barrier === 'function' && typeof group.isMain === 'boolean';
  return looksLikeOne ? (group as ParallelContext) : undefined;
}

function checkParallel(p: ParallelContext | undefined, where = 'fit'): ParallelContext | undefined {
  if (p === undefined) return undefined;
  if (p === null || typeof p !== 'object' || typeof p.allSum !== 'function' || typeof p.barrier !== 'function' ||
      typeof p.isMain !== 'boolean') {
    throw new ValueError(`${where}: parallel must have isMain, allSum(values) and barrier() (a ProcessGroup of @nabla/distributed)`);
  }
  return p;
}

/**
 * Sample-weighted means over every process of the loss and each metric (each is a mean over this process's
 * samples), with the total sample count; stop is true when any process asked to stop.
 */
function combineAcrossProcesses(
  parallel: ParallelContext, loss: number, metrics: Record<string, number>, samples: number, stop: boolean,
): { loss: number; metrics: Record<string, number>; samples: number; stop: boolean } {
  const names = Object.keys(metrics);
  const values = new Float64Array(names.length + 3);
  values[0] = samples;
  values[1] = stop ? 1 : 0;
  values[2] = loss * samples;
  names.forEach((name, i) => { values[i + 3] = metrics[name]! * samples; });
  parallel.allSum(values);
  const total = values[0]!;
  const out: Record<string, number> = {};
  names.forEach((name, i) => { out[name] = values[i + 3]! / total; });
  return { loss: values[2]! / total, metrics: out, samples: total, stop: values[1]! > 0 };
}

export interface EvaluateOptions {
  loss?: LossLike;
  metrics?: readonly MetricSpec[];
  /**
   * Data-parallel evaluation (a ProcessGroup of @nabla/distributed): each process evaluates its own share
   * (a DistributedSampler), and the result is the sample-weighted mean over every process, the same on each.
   */
  parallel?: ParallelContext;
}

export interface EvaluateResult {
  /** Mean loss over the samples (NaN without a loss). */
  loss: number;
  metrics: Record<string, number>;
  samples: number;
  seconds: number;
}

/**
 * Runs `model` in eval mode without gradients over `data` and returns the mean loss and the metrics. The
 * mode of every module is put back as it was when it ends.
 */
export async function evaluate(model: TrainableModel, data: BatchSource, rawOptions: EvaluateOptions = {}): Promise<EvaluateResult> {
  checkModel('evaluate', model);
  checkSource('evaluate', 'data', data);
  const options = checkOptions('evaluate', rawOptions, ['loss', 'metrics', 'parallel'], KERAS_FIT_HINTS);
  if (options.loss !== undefined) checkLoss('evaluate', options.loss, false);
  const parallel = checkParallel(options.parallel, 'evaluate');
  const result = await evaluateWith(model, data, options.loss, resolveMetrics(options.metrics), 'evaluate');
  if (!parallel) return result;
  const { loss, metrics, samples } = combineAcrossProcesses(parallel, result.loss, result.metrics, result.samples, false);
  return { ...result, loss, metrics, samples };
}

async function evaluateWith(
  model: TrainableModel, data: BatchSource, loss: LossLike | undefined, metrics: readonly Metric[], where: string,
): Promise<EvaluateResult> {
  const restoreModes = saveModes(model);
  model.eval?.();
  for (const m of metrics) m.reset();
  let lossSum = 0;
  let samples = 0;
  let index = 0;
  const start = performance.now();
  // Not noGrad(fn): the loop awaits, and noGrad takes a synchronous function.
  const previous = setGradEnabled(false);
  try {
    for await (const batch of data) {
      if (index++ === 0) checkBatch(where, batch, 0);
      try {
        const pred = model.forward(batch.x);
        const n = batch.x.shape[0] ?? 1;
        if (loss !== undefined) lossSum += scalarLoss(callLoss(loss, pred, batch.y)).item() * n;
        for (const m of metrics) m.update(pred, batch.y);
        samples += n;
      } catch (err) {
        throw withContext(err, `${where}: batch ${index}`);
      }
    }
  } finally {
    setGradEnabled(previous);
    restoreModes();
  }
  if (samples === 0) throw new NablaError(`${where}: the data produced no samples`);
  return {
    loss: loss === undefined ? NaN : lossSum / samples,
    metrics: metricResults(metrics),
    samples,
    seconds: (performance.now() - start) / 1000,
  };
}

export interface PredictOptions {
  /** Rows per forward pass. Default 256. */
  batchSize?: number;
}

/**
 * The model's outputs for every row of x (in eval mode, without gradients), batch by batch. The mode of
 * every module is put back as it was when it ends.
 */
export function predict(model: TrainableModel, x: Tensor, rawOptions: PredictOptions = {}): Tensor {
  checkModel('predict', model);
  const options = checkOptions('predict', rawOptions, ['batchSize'], { batch_size: "did you mean 'batchSize'?" });
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`predict: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (x === null || typeof x !== 'object' || !Array.isArray(x.shape) || x.rank < 1) {
    throw new ValueError('predict: x must be a tensor with the samples along its first axis');
  }
  const rows = x.shape[0]!;
  if (rows === 0) throw new ValueError('predict: x has no rows');
  const restoreModes = saveModes(model);
  model.eval?.();
  const previous = setGradEnabled(false);
  try {
    const outputs: Tensor[] = [];
    for (let start = 0; start < rows; start += batchSize) {
      outputs.push(model.forward(slice(x, 0, start, Math.min(rows, start + batchSize))));
    }
    return outputs.length === 1 ? outputs[0]! : concat(outputs, 0);
  } finally {
    setGradEnabled(previous);
    restoreModes();
  }
}

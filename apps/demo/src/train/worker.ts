// One backend's training run of the recipe (run in a child process by the `train` command): load MNIST,
// build the seeded MLP, fit with the test set as validation, and report speed, accuracy and memory.

import { getNumThreads, setNumThreads } from '@nabla/core';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam, CosineAnnealingLR } from '@nabla/optimizers';
import { fit } from '@nabla/train';
import { useBackend } from '../backends.js';
import { peakRssMb } from '../child.js';
import { DataLoader } from '@nabla/data';
import { RECIPE, firstBatches, mnistBytes, recipeModel, weightsDigest } from '../recipe.js';

export type LrSchedule = 'constant' | 'cosine';

export interface TrainTask {
  backend: string;
  epochs: number;
  /** Training samples per epoch (rounded up to whole batches); null for all 60000. */
  limit: number | null;
  /** Test samples for accuracy; null for all 10000. */
  testLimit: number | null;
  seed: number;
  threads: number | null;
  /** Show the progress bar / epoch lines. */
  progress: boolean;
  /** constant: the recipe's lr throughout; cosine: decayed to 0 over the epochs (stepped once per epoch). */
  lrSchedule: LrSchedule;
}

export interface EpochRecord {
  epoch: number;
  /** The learning rate the epoch trained with. */
  lr: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainResult {
  backend: string;
  description: string;
  threads: number;
  initialWeights: string;
  firstStepLoss: number;
  samplesPerEpoch: number;
  epochs: EpochRecord[];
  /** Loss of every training step. */
  stepLoss: number[];
  samplesPerSecond: number;
  secondsPerEpoch: number;
  testAccuracy: number;
  peakRssMb: number;
}

export async function trainOne(task: TrainTask): Promise<TrainResult> {
  const description = useBackend(task.backend);
  if (task.threads !== null) setNumThreads(task.threads);
  const train = mnistBytes('train');
  const test = mnistBytes('test', task.testLimit ?? undefined);
  const full = new DataLoader(train, { batchSize: RECIPE.batchSize, shuffle: true, seed: task.seed });
  const batches = task.limit === null ? full.length : Math.ceil(task.limit / RECIPE.batchSize);
  const data = batches >= full.length ? full : firstBatches(full, batches);
  const model = recipeModel(task.seed);
  const initialWeights = weightsDigest(model.parameters());
  const loss = new CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: RECIPE.lr });
  const history = await fit(model, data, {
    loss,
    optimizer,
    scheduler: task.lrSchedule === 'cosine' ? new CosineAnnealingLR(optimizer, { tMax: task.epochs }) : undefined,
    epochs: task.epochs,
    validation: new DataLoader(test, { batchSize: 1000 }),
    metrics: ['accuracy'],
    progress: task.progress ? { label: task.backend } : false,
  });
  const epochs = history.epochs.map((e) => ({
    epoch: e.epoch + 1,
    lr: e.lr ?? RECIPE.lr,
    loss: e.loss,
    accuracy: e.metrics.accuracy!,
    testLoss: e.valLoss!,
    testAccuracy: e.valMetrics!.accuracy!,
    seconds: e.seconds,
    samplesPerSecond: e.samplesPerSecond,
  }));
  const last = epochs[epochs.length - 1]!;
  return {
    backend: task.backend,
    description,
    threads: getNumThreads(),
    initialWeights,
    firstStepLoss: history.stepLoss.values()[0]!,
    samplesPerEpoch: history.epochs[0]!.samples,
    epochs,
    stepLoss: history.stepLoss.toArray(),
    samplesPerSecond: history.samplesPerSecond,
    secondsPerEpoch: epochs.reduce((a, e) => a + e.seconds, 0) / epochs.length,
    testAccuracy: last.testAccuracy,
    peakRssMb: peakRssMb(),
  };
}

// End-to-end training speed (run in a child process per backend and thread count): the recipe trained
// through fit for a fixed number of steps on real MNIST batches, after a warm-up run. The warm-up matters:
// on native the first ~150 steps run at 40-70% of the steady speed while V8 compiles the hot path.

import { getNumThreads, setNumThreads } from '@nabla/core';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';
import { fit } from '@nabla/train';
import { useBackend } from '../backends.js';
import { peakRssMb } from '../child.js';
import { DataLoader } from '@nabla/data';
import { RECIPE, firstBatches, mnistBytes, recipeModel } from '../recipe.js';

export interface EndToEndTask {
  backend: string;
  threads: number;
  /** Steps run before timing starts. */
  warmupSteps: number;
  steps: number;
}

export interface EndToEndResult {
  backend: string;
  threads: number;
  warmupSteps: number;
  steps: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  peakRssMb: number;
  /** samples/s of every round when the bench ran several (see medianRun). */
  rounds?: number[];
}

export async function endToEnd(task: EndToEndTask): Promise<EndToEndResult> {
  useBackend(task.backend);
  setNumThreads(task.threads);
  const train = mnistBytes('train', Math.min(60_000, task.steps * RECIPE.batchSize));
  const model = recipeModel();
  const optimizer = new Adam(model.parameters(), { lr: RECIPE.lr });
  const loss = new CrossEntropyLoss();
  const data = new DataLoader(train, { batchSize: RECIPE.batchSize, shuffle: true, seed: RECIPE.seed });
  await fit(model, firstBatches(data, task.warmupSteps), { loss, optimizer, progress: false });
  const history = await fit(model, firstBatches(data, task.steps), { loss, optimizer, progress: false });
  const epoch = history.epochs[0]!;
  return {
    backend: task.backend,
    threads: getNumThreads(),
    warmupSteps: task.warmupSteps,
    steps: epoch.steps,
    samples: epoch.samples,
    seconds: epoch.seconds,
    samplesPerSecond: epoch.samplesPerSecond,
    peakRssMb: peakRssMb(),
  };
}

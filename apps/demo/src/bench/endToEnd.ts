// End-to-end training speed (run in a child process per backend and thread count): the recipe trained
// through fit for a fixed number of steps on real MNIST batches, after a short warm-up run.

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
  steps: number;
}

export interface EndToEndResult {
  backend: string;
  threads: number;
  steps: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  peakRssMb: number;
}

export async function endToEnd(task: EndToEndTask): Promise<EndToEndResult> {
  useBackend(task.backend);
  setNumThreads(task.threads);
  const train = mnistBytes('train', Math.min(60_000, task.steps * RECIPE.batchSize));
  const model = recipeModel();
  const optimizer = new Adam(model.parameters(), { lr: RECIPE.lr });
  const loss = new CrossEntropyLoss();
  const data = new DataLoader(train, { batchSize: RECIPE.batchSize, shuffle: true, seed: RECIPE.seed });
  await fit(model, firstBatches(data, Math.max(3, Math.ceil(task.steps / 10))), { loss, optimizer, progress: false });
  const history = await fit(model, firstBatches(data, task.steps), { loss, optimizer, progress: false });
  const epoch = history.epochs[0]!;
  return {
    backend: task.backend,
    threads: getNumThreads(),
    steps: epoch.steps,
    samples: epoch.samples,
    seconds: epoch.seconds,
    samplesPerSecond: epoch.samplesPerSecond,
    peakRssMb: peakRssMb(),
  };
}

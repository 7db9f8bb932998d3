// The training loop the browser benchmark times, the same code in Node and in the page: the MNIST MLP
// 784-256-128-10 (ReLU, softmax cross-entropy, Adam lr 1e-3, batch 128) on the backend in use, from seeded
// weights, cycling through pre-made batches of seeded pixels in [0, 1] and labels (the input pipeline is not
// timed; the values do not change the work of a dense layer).

import { Generator, manualSeed, tensor, type Tensor } from '@nabla/core';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';

export const SIZES = [784, 256, 128, 10] as const;
export const BATCH = 128;
const BATCHES = 16;

export interface TrainResult {
  samplesPerSecond: number;
  /** The last step's loss, to show both sides trained the same model. */
  loss: number;
}

/**
 * Trains `warmup` untimed steps, then `steps` timed ones, turning the event loop once per step (`turn`), as
 * a page or a data loader does, so the collector's finalizers can give dropped storage back.
 */
export async function trainLoop(steps: number, warmup: number, turn: () => Promise<void>): Promise<TrainResult> {
  const random = new Generator(1); // core's seeded generator: the same numbers on every engine
  const xs: Tensor[] = [];
  const ys: Tensor[] = [];
  for (let b = 0; b < BATCHES; b++) {
    xs.push(tensor(Float32Array.from({ length: BATCH * SIZES[0] }, () => random.nextBelow(256) / 255), [BATCH, SIZES[0]]));
    ys.push(tensor(Float32Array.from({ length: BATCH }, () => random.nextBelow(10)), [BATCH]));
  }
  manualSeed(0);
  const model = new Sequential(
    new Linear(SIZES[0], SIZES[1]), new ReLU(), new Linear(SIZES[1], SIZES[2]), new ReLU(), new Linear(SIZES[2], SIZES[3]),
  );
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new CrossEntropyLoss();
  let loss = NaN;
  let started = 0;
  for (let step = 0; step < warmup + steps; step++) {
    if (step === warmup) started = performance.now();
    optimizer.zeroGrad();
    const out = lossFn.forward(model.forward(xs[step % BATCHES]!), ys[step % BATCHES]!);
    out.backward();
    optimizer.step();
    loss = out.item();
    await turn();
  }
  const seconds = (performance.now() - started) / 1000;
  return { samplesPerSecond: (steps * BATCH) / seconds, loss };
}

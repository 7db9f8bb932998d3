// The small training problem that the MPI scripts and the single-process reference share: the data, the
// model, the optimizer and fit's options, each fixed by seeds.
import { manualSeed } from '@nabla/core';
import { fromArrays } from '@nabla/data';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { SGD } from '@nabla/optimizers';

export const SAMPLES = 96;
export const FEATURES = 8;
export const CLASSES = 3;
/** Per-rank batch; the reference uses worldSize times this. */
export const BATCH = 4;
export const EPOCHS = 2;
export const SHUFFLE_SEED = 5;

/** Deterministic samples: x from a fixed formula, y from the sign pattern of two of its features. */
export function dataset() {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const x = Array.from({ length: FEATURES }, (_, j) => Math.sin(0.7 * i + 1.3 * j) + 0.1 * j);
    xs.push(x);
    ys.push((x[0]! > 0 ? 1 : 0) + (x[1]! > 0.3 ? 1 : 0));
  }
  return fromArrays(xs, ys);
}

export function model(seed: number): Sequential {
  manualSeed(seed);
  return new Sequential(new Linear(FEATURES, 16), new ReLU(), new Linear(16, CLASSES));
}

export function optimizer(m: Sequential): SGD {
  return new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
}

export const loss = new CrossEntropyLoss();

// evaluate, predict and fit's validation switch the model to eval mode; they put back the mode of every
// module they found when they end (PyTorch's convention for helpers), so a loop that evaluates between
// epochs trains its next epoch with Dropout and BatchNorm as they were.

import type { TrainableModel } from './types.js';

interface HasMode {
  training: boolean;
}

/** Records the training flag of the model and of each of its modules; the returned function restores them. */
export function saveModes(model: TrainableModel): () => void {
  const m = model as TrainableModel & { modules?: () => unknown[]; training?: unknown };
  if (typeof m.modules === 'function') {
    const saved = m.modules()
      .filter((x): x is HasMode => typeof (x as Partial<HasMode> | null)?.training === 'boolean')
      .map((x) => [x, x.training] as const);
    return () => {
      for (const [x, mode] of saved) x.training = mode;
    };
  }
  if (typeof m.training === 'boolean') {
    const was = m.training;
    return () => void (was ? model.train?.(true) : model.eval?.());
  }
  return () => undefined;
}

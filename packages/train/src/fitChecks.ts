// The checks fit, evaluate and predict make of their arguments before (and while) they run, each a clear
// error saying what was passed and what to pass instead: a model, data, batches, the loss, the optimizer,
// the callbacks and fit's option names.

import { Tensor, ValueError, describeValue } from '@nabla/core';
import type { Callback } from './callbacks.js';
import type { BatchSource, OptimizerLike, TrainableModel } from './types.js';

export function checkModel(where: string, model: TrainableModel): void {
  // A Module of @nabla/layers is a callable object (typeof 'function'), so both kinds are accepted.
  if (model === null || (typeof model !== 'object' && typeof model !== 'function') || typeof model.forward !== 'function' ||
      typeof model.parameters !== 'function') {
    throw new ValueError(`${where}: model must have forward(x) and parameters() (a Module of @nabla/layers)`);
  }
}

export function checkSource(where: string, name: string, data: unknown): asserts data is BatchSource {
  const ok = data !== null && typeof data === 'object' &&
    (Symbol.iterator in data || Symbol.asyncIterator in data);
  if (!ok) {
    const tensors = data !== null && typeof data === 'object' && 'x' in data && 'y' in data;
    throw new ValueError(`${where}: ${name} must be a DataLoader or an iterable of {x, y} batches` +
      (tensors ? '; for whole tensors x and y: new DataLoader(new TensorDataset(x, y), { batchSize })' : ''));
  }
}

export function checkBatch(where: string, batch: unknown, index: number): void {
  const b = batch as { x?: { shape?: unknown }; y?: { shape?: unknown } } | null;
  if (!b || typeof b !== 'object' || !b.x?.shape || !b.y?.shape) {
    throw new ValueError(`${where}: batch ${index} is not an {x, y} pair of tensors`);
  }
}

export const FIT_KEYS = [
  'loss', 'optimizer', 'epochs', 'validation', 'metrics', 'scheduler', 'callbacks', 'progress', 'setToNone', 'parallel',
];

/** A loss object or function; a loss class passed without `new` gets its own message. */
export function checkLoss(where: string, loss: unknown, required: boolean): void {
  if (loss === undefined && !required) return;
  if (typeof loss === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(loss))) {
    throw new ValueError(`${where}: options.loss is the class ${(loss as { name: string }).name}; pass an instance: new ${(loss as { name: string }).name}()`);
  }
  if (typeof loss !== 'function' && typeof (loss as { forward?: unknown } | null)?.forward !== 'function') {
    throw new ValueError(`${where}: options.loss must be a loss object with forward(pred, target) or a function`);
  }
}

/**
 * An optimizer built over another model's parameters would step them while this model never changes: the
 * loss stays flat with no error. When the optimizer lists its parameters, one of the model's must be there.
 */
export function checkOptimizerHoldsModel(model: TrainableModel, optimizer: OptimizerLike): void {
  const groups = (optimizer as { paramGroups?: readonly { params?: unknown }[] }).paramGroups;
  if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g?.params))) return;
  const held = new Set<unknown>(groups.flatMap((g) => g.params as unknown[]));
  const params = [...model.parameters()];
  if (params.length === 0 || params.some((p) => held.has(p))) return;
  throw new ValueError(
    `fit: the optimizer holds none of the model's ${params.length} parameters; was it built over another model ` +
    '(or over the model before its layers were replaced)? Build it with new Optimizer(model.parameters(), ...)',
  );
}

/** fit backpropagates from the loss: it must be one number, as with reduction 'mean' or 'sum'. */
export function checkScalarLoss(loss: unknown): void {
  if (!(loss instanceof Tensor)) {
    throw new ValueError(`the loss must return a Tensor, got ${loss === null ? 'null' : typeof loss}`);
  }
  if (loss.size !== 1) {
    throw new ValueError(
      `the loss returned a tensor of shape [${loss.shape.join(', ')}]; training needs a single number ` +
      "(use reduction 'mean' or 'sum', not 'none')",
    );
  }
}

export function scalarLoss(loss: Tensor): Tensor {
  checkScalarLoss(loss);
  return loss;
}

/** The callbacks: an array of objects (a single callback gets a message saying to wrap it). */
export function checkCallbacks(callbacks: readonly Callback[] | undefined): Callback[] {
  if (callbacks === undefined) return [];
  if (!Array.isArray(callbacks)) {
    throw new ValueError(`fit: callbacks must be an array, got ${describeValue(callbacks)}${callbacks !== null && typeof callbacks === 'object' ? ' (wrap a single callback in [ ])' : ''}`);
  }
  callbacks.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') throw new ValueError(`fit: callback ${i} is ${describeValue(cb)}, expected an object with on... methods`);
  });
  return [...callbacks];
}

/** Why a DataLoader yields nothing when dropLast drops its only batch, or ''. */
export function droppedEverything(data: BatchSource): string {
  const loader = data as { dropLast?: unknown; batchSize?: unknown; dataset?: { length?: unknown } };
  const n = loader.dataset?.length;
  if (loader.dropLast !== true || typeof loader.batchSize !== 'number' || typeof n !== 'number' || n === 0 || n >= loader.batchSize) return '';
  return ` (dropLast drops the only batch: the dataset has ${n} samples, fewer than batchSize ${loader.batchSize})`;
}

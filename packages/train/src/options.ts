// Checking the options objects of fit, evaluate, predict and the callbacks: a key they do not know (Keras'
// `batch_size` or `verbose`, a misspelt `epoch`) is an error, since ignoring it would silently train
// otherwise than asked (one epoch instead of ten).

import { ValueError, describeValue } from '@nabla/core';

/**
 * Returns `options` as an object: undefined becomes {}; anything else that is not a plain object, and any key
 * outside `known`, is an error. `hints` adds a sentence for keys that mean something in Keras.
 */
export function checkOptions<T extends object>(
  where: string, options: T | undefined, known: readonly string[], hints: Record<string, string> = {},
): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const hint = hints[key] ?? (known.includes(camel) ? `did you mean '${camel}'?` : '');
    throw new ValueError(`${where}: unknown option '${key}'${hint ? ` (${hint})` : ''}; known options: ${known.join(', ')}`);
  }
  return options;
}

/** Keras' fit arguments that are spelt differently here (or belong elsewhere). */
export const KERAS_FIT_HINTS: Record<string, string> = {
  epoch: 'the number of epochs is epochs',
  batchSize: 'batches come from the DataLoader: new DataLoader(dataset, { batchSize })',
  batch_size: 'batches come from the DataLoader: new DataLoader(dataset, { batchSize })',
  validationData: 'validation takes a DataLoader of the validation data',
  validation_data: 'validation takes a DataLoader of the validation data',
  verbose: 'progress: false silences the progress output',
  shuffle: 'shuffling is the DataLoader\'s: new DataLoader(dataset, { shuffle: true })',
};

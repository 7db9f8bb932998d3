// Checking the options objects of fit, evaluate, predict and the callbacks: a key they do not know (Keras'
// `batch_size` or `verbose`, a misspelt `epoch`) is an error, since ignoring it would silently train
// otherwise than asked (one epoch instead of ten).

export { checkOptions } from '@nabla/core';

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

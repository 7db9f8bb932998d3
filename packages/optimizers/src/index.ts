// @nabla/optimizers: SGD, Adam, AdamW, RMSprop, Adagrad, gradient clipping and learning-rate schedulers.
export * from './optimizer.js';
export * from './sgd.js';
export * from './adam.js';
export * from './rmsprop.js';
export * from './adagrad.js';
export * from './clip.js';
export * from './schedulers/scheduler.js';
export * from './schedulers/decay.js';
export * from './schedulers/cosine.js';
export * from './schedulers/linear.js';
export * from './schedulers/sequential.js';
export * from './schedulers/plateau.js';
export * as optimKernels from './kernels.js';

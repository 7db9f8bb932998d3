// @nabla/losses: the standard losses as functions and as callable classes, each with a reduction.
export { type Reduction, type ReductionOptions, type TargetLike } from './common.js';
export { mseLoss, maeLoss, l1Loss, huberLoss, type HuberOptions } from './regression.js';
export { crossEntropyLoss, categoricalCrossEntropyLoss, type CrossEntropyOptions } from './crossEntropy.js';
export { bceLoss, bceWithLogitsLoss, logLoss, hingeLoss, type BCEOptions, type BCEWithLogitsOptions } from './binary.js';
export {
  Loss, MSELoss, MAELoss, L1Loss, HuberLoss, CrossEntropyLoss, CategoricalCrossEntropyLoss, BCELoss,
  BCEWithLogitsLoss, LogLoss, HingeLoss,
} from './classes.js';

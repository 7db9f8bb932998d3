// Loss classes: hold the options and call the loss functions. Like PyTorch's criterion objects they are
// callable: `lossFn(pred, target)` is `lossFn.forward(pred, target)`.

import { ValueError, describeValue, type Tensor } from '@nabla/core';
import { checkOptionalTensor, checkOptions, checkReduction, type Reduction, type ReductionOptions, type TargetLike } from './common.js';
import { checkDelta, huberLoss, maeLoss, mseLoss, type HuberOptions } from './regression.js';
import { categoricalCrossEntropyLoss, crossEntropyLoss, type CrossEntropyOptions } from './crossEntropy.js';
import {
  bceLoss, bceWithLogitsLoss, hingeLoss, logLoss, type BCEOptions, type BCEWithLogitsOptions,
} from './binary.js';

// Declaration merging gives instances the call signature that the constructor makes real.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Loss {
  (pred: Tensor, target: TargetLike): Tensor;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Loss {
  declare readonly reduction: Reduction;

  /** `known` lists the option keys of the subclass (an unknown key is an error, not ignored). */
  constructor(options: ReductionOptions = {}, known: readonly string[] = ['reduction']) {
    const checked = checkOptions(new.target.name, options, known);
    // A function object with the subclass's prototype, so the instance can be called directly.
    const self = ((pred: Tensor, target: TargetLike) => self.forward(pred, target)) as unknown as Loss;
    Object.setPrototypeOf(self, new.target.prototype);
    delete (self as { name?: unknown }).name;
    delete (self as { length?: unknown }).length;
    (self as { reduction: Reduction }).reduction = checkReduction(new.target.name, checked.reduction);
    return self;
  }

  abstract forward(pred: Tensor, target: TargetLike): Tensor;

  toString(): string {
    return `${this.constructor.name}(reduction='${this.reduction}')`;
  }

  /** What console.log shows in Node (a loss is a function object, which Node would print as one). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export class MSELoss extends Loss {
  forward(pred: Tensor, target: TargetLike): Tensor {
    return mseLoss(pred, target, { reduction: this.reduction });
  }
}

export class MAELoss extends Loss {
  forward(pred: Tensor, target: TargetLike): Tensor {
    return maeLoss(pred, target, { reduction: this.reduction });
  }
}

/** PyTorch's name for MAELoss. */
export class L1Loss extends MAELoss {}

export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: HuberOptions = {}) {
    super(options, ['reduction', 'delta']);
    this.delta = checkDelta('HuberLoss', options.delta ?? 1);
  }

  forward(pred: Tensor, target: TargetLike): Tensor {
    return huberLoss(pred, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class CrossEntropyLoss extends Loss {
  readonly labelSmoothing: number;
  readonly weight: Tensor | null;

  constructor(options: CrossEntropyOptions = {}) {
    super(options, ['reduction', 'labelSmoothing', 'weight']);
    this.labelSmoothing = options.labelSmoothing ?? 0;
    this.weight = checkOptionalTensor('CrossEntropyLoss', 'weight', options.weight);
    // Checked here too, so a bad option fails where the loss is built rather than at the first batch.
    const s: unknown = this.labelSmoothing;
    if (typeof s !== 'number' || !(s >= 0 && s <= 1)) {
      throw new ValueError(`CrossEntropyLoss: labelSmoothing must be a number in [0, 1], got ${typeof s === 'number' ? s : describeValue(s)}`);
    }
    if (this.weight && this.weight.rank !== 1) {
      throw new ValueError(`CrossEntropyLoss: weight must have shape [classes], got [${this.weight.shape.join(', ')}]`);
    }
  }

  forward(logits: Tensor, targets: TargetLike): Tensor {
    return crossEntropyLoss(logits, targets, {
      reduction: this.reduction, labelSmoothing: this.labelSmoothing, weight: this.weight,
    });
  }
}

export class CategoricalCrossEntropyLoss extends Loss {
  forward(probs: Tensor, targets: TargetLike): Tensor {
    return categoricalCrossEntropyLoss(probs, targets, { reduction: this.reduction });
  }
}

export class BCELoss extends Loss {
  readonly weight: Tensor | null;

  constructor(options: BCEOptions = {}) {
    super(options, ['reduction', 'weight']);
    this.weight = checkOptionalTensor(new.target.name, 'weight', options.weight);
  }

  forward(pred: Tensor, target: TargetLike): Tensor {
    return bceLoss(pred, target, { reduction: this.reduction, weight: this.weight });
  }
}

export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;

  constructor(options: BCEWithLogitsOptions = {}) {
    super(options, ['reduction', 'weight', 'posWeight']);
    this.weight = checkOptionalTensor('BCEWithLogitsLoss', 'weight', options.weight);
    this.posWeight = checkOptionalTensor('BCEWithLogitsLoss', 'posWeight', options.posWeight);
  }

  forward(logits: Tensor, target: TargetLike): Tensor {
    return bceWithLogitsLoss(logits, target, { reduction: this.reduction, weight: this.weight, posWeight: this.posWeight });
  }
}

/** Binary log loss: BCE on probabilities under the name scikit-learn and Keras use. */
export class LogLoss extends BCELoss {
  override forward(pred: Tensor, target: TargetLike): Tensor {
    return logLoss(pred, target, { reduction: this.reduction, weight: this.weight });
  }
}

export class HingeLoss extends Loss {
  forward(pred: Tensor, target: TargetLike): Tensor {
    return hingeLoss(pred, target, { reduction: this.reduction });
  }
}

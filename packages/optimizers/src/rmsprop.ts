// RMSprop (torch.optim.RMSprop): a running average of squared gradients, optionally centered (subtracting
// the squared running mean of the gradient) and with momentum. Steps in the backend's in-place kernel.

import { ValueError, type Storage, type Tensor } from '@nabla/core';
import * as kernels from './kernels.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { checkBoolean, checkNumber } from './options.js';

export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalise by the estimated variance of the gradient instead of its second moment (default false). */
  centered: boolean;
}

export const RMSPROP_DEFAULTS: Readonly<RMSpropOptions> = Object.freeze({
  lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false,
});

function validate(where: string, o: RMSpropOptions): void {
  checkNumber(where, 'lr', o.lr, 0);
  checkNumber(where, 'alpha', o.alpha, 0);
  // The running average is alpha * avg + (1 - alpha) * g²: above 1 it turns negative and its square root NaN.
  if (o.alpha > 1) throw new ValueError(`${where}: alpha must be in [0, 1] (the decay of the running average of g²), got ${o.alpha}`);
  checkNumber(where, 'eps', o.eps, 0);
  checkNumber(where, 'weightDecay', o.weightDecay, 0);
  checkNumber(where, 'momentum', o.momentum, 0);
  checkBoolean(where, 'centered', o.centered);
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> | number = {}) {
    super(
      { kind: 'RMSprop', defaults: { ...RMSPROP_DEFAULTS }, validate, stateKeys: ['square_avg', 'momentum_buffer', 'grad_avg'] },
      params, options,
    );
  }

  protected update(p: Tensor, grad: Storage, group: ParamGroup<RMSpropOptions>, state: ParamState): void {
    const { lr, alpha, eps, weightDecay, momentum, centered } = group;
    state.step = ((state.step as number | undefined) ?? 0) + 1;
    const squareAvg = this.buffer(state, 'square_avg', p).storage;
    const momentumBuf = momentum > 0 ? this.buffer(state, 'momentum_buffer', p).storage : null;
    const gradAvg = centered ? this.buffer(state, 'grad_avg', p).storage : null;
    kernels.rmspropStep(p.storage, grad, squareAvg, momentumBuf, gradAvg, { lr, alpha, eps, weightDecay, momentum, centered });
  }
}

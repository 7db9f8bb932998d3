// Adagrad (torch.optim.Adagrad): per-element learning rates from the sum of squared gradients, with the
// learning-rate decay clr = lr / (1 + (step - 1) * lrDecay). Steps in the backend's in-place kernel.

import { type Storage, type Tensor } from '@nabla/core';
import * as kernels from './kernels.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { checkNumber } from './options.js';

export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay per step (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator (default 1e-10). */
  eps: number;
}

export const ADAGRAD_DEFAULTS: Readonly<AdagradOptions> = Object.freeze({
  lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10,
});

function validate(where: string, o: AdagradOptions): void {
  checkNumber(where, 'lr', o.lr, 0);
  checkNumber(where, 'lrDecay', o.lrDecay, 0);
  checkNumber(where, 'weightDecay', o.weightDecay, 0);
  checkNumber(where, 'initialAccumulatorValue', o.initialAccumulatorValue, 0);
  checkNumber(where, 'eps', o.eps, 0);
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> | number = {}) {
    super({ kind: 'Adagrad', defaults: { ...ADAGRAD_DEFAULTS }, validate, stateKeys: ['sum'] }, params, options);
  }

  /** Like PyTorch, the accumulator exists from construction, filled with initialAccumulatorValue. */
  protected override initState(p: Tensor, group: ParamGroup<AdagradOptions>): void {
    const state: ParamState = { step: 0 };
    this.buffer(state, 'sum', p, group.initialAccumulatorValue);
    this.state.set(p, state);
  }

  protected update(p: Tensor, grad: Storage, group: ParamGroup<AdagradOptions>, state: ParamState): void {
    const { lr, lrDecay, eps, weightDecay, initialAccumulatorValue } = group;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    const stateSum = this.buffer(state, 'sum', p, initialAccumulatorValue).storage;
    kernels.adagradStep(p.storage, grad, stateSum, { clr: lr / (1 + (step - 1) * lrDecay), eps, weightDecay });
  }
}

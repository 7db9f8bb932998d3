// Adam (torch.optim.Adam: bias correction, L2 weight decay added to the gradient, AMSGrad) and AdamW
// (torch.optim.AdamW: weight decay applied to the parameter directly). Both step in the backend's kernel.

import { type Storage, type Tensor } from '@nabla/core';
import * as kernels from './kernels.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { checkBetas, checkBoolean, checkNumber } from './options.js';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the first and second moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay rate (default 0.01). */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad; default false). */
  amsgrad: boolean;
}

export const ADAM_DEFAULTS: Readonly<AdamOptions> = Object.freeze({
  lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, amsgrad: false,
});

export const ADAMW_DEFAULTS: Readonly<AdamOptions> = Object.freeze({ ...ADAM_DEFAULTS, weightDecay: 1e-2 });

function validate(where: string, o: AdamOptions): void {
  checkNumber(where, 'lr', o.lr, 0);
  checkBetas(where, o.betas);
  checkNumber(where, 'eps', o.eps, 0);
  checkNumber(where, 'weightDecay', o.weightDecay, 0);
  checkBoolean(where, 'amsgrad', o.amsgrad);
}

const STATE_KEYS = ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] as const;

function spec(kind: string, defaults: Readonly<AdamOptions>): OptimizerSpec<AdamOptions> {
  return { kind, defaults: { ...defaults, betas: [...defaults.betas] }, validate, stateKeys: STATE_KEYS };
}

/** The shared update of Adam and AdamW; they differ only in how weight decay applies. */
abstract class AdamFamily extends Optimizer<AdamOptions> {
  /** True for AdamW: decay the parameter itself rather than adding weightDecay * p to the gradient. */
  private readonly decoupled: boolean;

  protected constructor(
    kind: string, defaults: Readonly<AdamOptions>, decoupled: boolean,
    params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> | number,
  ) {
    super(spec(kind, defaults), params, options);
    this.decoupled = decoupled;
  }

  protected update(p: Tensor, grad: Storage, group: ParamGroup<AdamOptions>, state: ParamState): void {
    const { lr, betas, eps, weightDecay, amsgrad } = group;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    const expAvg = this.buffer(state, 'exp_avg', p).storage;
    const expAvgSq = this.buffer(state, 'exp_avg_sq', p).storage;
    const maxExpAvgSq = amsgrad ? this.buffer(state, 'max_exp_avg_sq', p).storage : null;
    kernels.adamStep(p.storage, grad, expAvg, expAvgSq, maxExpAvgSq, {
      lr, beta1: betas[0], beta2: betas[1], eps, weightDecay, decoupled: this.decoupled, amsgrad, step,
    });
  }
}

export class Adam extends AdamFamily {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> | number = {}) {
    super('Adam', ADAM_DEFAULTS, false, params, options);
  }
}

export class AdamW extends AdamFamily {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> | number = {}) {
    super('AdamW', ADAMW_DEFAULTS, true, params, options);
  }
}

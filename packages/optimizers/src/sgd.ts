// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay
// (torch.optim.SGD). The update runs in the backend's in-place kernel.

import { ValueError, type Storage, type Tensor } from '@nabla/core';
import * as kernels from './kernels.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { checkBoolean, checkNumber } from './options.js';

export interface SGDOptions {
  /** Learning rate (default 1e-3, like PyTorch >= 2.2). */
  lr: number;
  /** Momentum factor (default 0: plain SGD). */
  momentum: number;
  /** Dampening for momentum (default 0). */
  dampening: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

export const SGD_DEFAULTS: Readonly<SGDOptions> = Object.freeze({
  lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0,
});

function validate(where: string, o: SGDOptions): void {
  checkNumber(where, 'lr', o.lr, 0);
  checkNumber(where, 'momentum', o.momentum, 0);
  checkNumber(where, 'dampening', o.dampening, -Infinity);
  checkBoolean(where, 'nesterov', o.nesterov);
  checkNumber(where, 'weightDecay', o.weightDecay, 0);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new ValueError(`${where}: Nesterov momentum needs momentum > 0 and dampening 0 (got momentum ${o.momentum}, dampening ${o.dampening})`);
  }
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> | number = {}) {
    super({ kind: 'SGD', defaults: { ...SGD_DEFAULTS }, validate, stateKeys: ['momentum_buffer'] }, params, options);
  }

  protected update(p: Tensor, grad: Storage, group: ParamGroup<SGDOptions>, state: ParamState): void {
    const { lr, momentum, dampening, nesterov, weightDecay } = group;
    let buf: Storage | null = null;
    let firstStep = false;
    if (momentum !== 0) {
      firstStep = !('momentum_buffer' in state);
      buf = this.buffer(state, 'momentum_buffer', p).storage;
    }
    kernels.sgdStep(p.storage, grad, buf, { lr, momentum, dampening, nesterov, weightDecay, firstStep });
  }
}

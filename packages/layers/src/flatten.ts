// Flatten and Identity: shape plumbing.

import { checkTensor, type Tensor } from '@nabla/core';
import { Module } from './module.js';

/** Flattens axes startAxis..endAxis into one (default: everything but the batch axis), like nn.Flatten. */
export class Flatten extends Module {
  constructor(readonly startAxis = 1, readonly endAxis = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    checkTensor('Flatten.forward', 'input', x);
    return x.flatten(this.startAxis, this.endAxis);
  }

  protected override extraRepr(): string {
    return `start_dim=${this.startAxis}, end_dim=${this.endAxis}`;
  }
}

/** Returns its input unchanged (a placeholder layer). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

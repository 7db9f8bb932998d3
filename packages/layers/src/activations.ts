// Activation modules over core's activation ops, which use the backend's fused kernel when it has one and a
// stable composition otherwise (sigmoid and swish never overflow exp; ELU exponentiates only x <= 0).

import { ValueError, activation, checkTensor, full, prelu, type Activation, type Tensor } from '@nabla/core';
import { Module } from './module.js';
import { forwardIn } from './fusion.js';

/**
 * Implemented by activations that core can fuse into `linear` (one pass over the output instead of two):
 * Sequential uses it to run Linear followed by one of these as a single op.
 */
export interface FusableActivation {
  readonly fused: { act: Activation; alpha: number };
}

/**
 * True for a built-in activation that runs its class's own forward and has no hooks (a subclass that
 * overrides forward, or a hooked layer, is not fused: its forward must run).
 */
export function isFusableActivation(m: Module): m is Module & FusableActivation {
  return forwardIn(m, fusableForwards);
}

function checkFinite(layer: string, name: string, v: number): number {
  if (!Number.isFinite(v)) throw new ValueError(`${layer}: ${name} must be a finite number, got ${v}`);
  return v;
}

export class Sigmoid extends Module implements FusableActivation {
  readonly fused = { act: 'sigmoid', alpha: 0 } as const;

  forward(x: Tensor): Tensor {
    return activation(x, 'sigmoid');
  }
}

export class Tanh extends Module implements FusableActivation {
  readonly fused = { act: 'tanh', alpha: 0 } as const;

  forward(x: Tensor): Tensor {
    return activation(x, 'tanh');
  }
}

export class ReLU extends Module implements FusableActivation {
  readonly fused = { act: 'relu', alpha: 0 } as const;

  forward(x: Tensor): Tensor {
    return activation(x, 'relu');
  }
}

export interface LeakyReLUOptions {
  /** Slope for x < 0 (default 0.01, PyTorch's negative_slope). */
  alpha?: number;
}

export class LeakyReLU extends Module implements FusableActivation {
  readonly alpha: number;

  get fused(): { act: Activation; alpha: number } {
    return { act: 'leakyRelu', alpha: this.alpha };
  }

  constructor(options: LeakyReLUOptions = {}) {
    super();
    this.alpha = checkFinite('LeakyReLU', 'alpha', options.alpha ?? 0.01);
  }

  forward(x: Tensor): Tensor {
    return activation(x, 'leakyRelu', this.alpha);
  }

  protected override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export interface ELUOptions {
  /** Scale of the negative part, alpha * (exp(x) - 1) (default 1). */
  alpha?: number;
}

export class ELU extends Module implements FusableActivation {
  readonly alpha: number;

  get fused(): { act: Activation; alpha: number } {
    return { act: 'elu', alpha: this.alpha };
  }

  constructor(options: ELUOptions = {}) {
    super();
    this.alpha = checkFinite('ELU', 'alpha', options.alpha ?? 1);
  }

  forward(x: Tensor): Tensor {
    return activation(x, 'elu', this.alpha);
  }

  protected override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x * sigmoid(x). */
export class Swish extends Module implements FusableActivation {
  readonly fused = { act: 'swish', alpha: 0 } as const;

  forward(x: Tensor): Tensor {
    return activation(x, 'swish');
  }
}

/** The same function as Swish, under PyTorch's name. */
export class SiLU extends Swish {}

export interface PReLUOptions {
  /** 1 (one shared slope) or the number of features on axis 1 (one slope each). Default 1. */
  numParameters?: number;
  /** Initial slope (default 0.25). */
  init?: number;
}

/** Leaky ReLU with a learned slope: x > 0 ? x : a * x. The slope is the parameter 'weight', as in PyTorch. */
export class PReLU extends Module {
  readonly numParameters: number;

  constructor(options: PReLUOptions = {}) {
    super();
    const n = options.numParameters ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`PReLU: numParameters must be a positive integer, got ${n}`);
    this.numParameters = n;
    this.registerParameter('weight', full([n], checkFinite('PReLU', 'init', options.init ?? 0.25)));
  }

  /** The slopes, shape [numParameters]. */
  get weight(): Tensor {
    return this.getParameter('weight')!;
  }

  forward(x: Tensor): Tensor {
    checkTensor('PReLU.forward', 'input', x);
    if (this.numParameters > 1 && (x.rank < 2 || x.shape[1] !== this.numParameters)) {
      throw new ValueError(
        `PReLU: input of shape [${x.shape.join(', ')}] needs ${this.numParameters} features on axis 1 (one per slope)`,
      );
    }
    return prelu(x, this.weight);
  }

  protected override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

const fusableForwards = new Set<unknown>([Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Swish, SiLU].map((c) => c.prototype.forward));

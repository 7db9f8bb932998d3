// Activation modules over core's activation ops, which use the backend's fused kernel when it has one and a
// stable composition otherwise (sigmoid and swish never overflow exp; ELU exponentiates only x <= 0).

import { ValueError, activation, checkTensor, full, prelu, type Activation, type Tensor } from '@nabla/core';
import { Module } from './module.js';
import { forwardIn } from './fusion.js';
import { checkFinite, checkOptions } from './options.js';

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

/** An options object, or the one number PyTorch takes positionally (`LeakyReLU(0.2)`) as that option. */
function optionsOf<T extends object>(layer: string, options: T | number | undefined, key: keyof T & string, known: readonly string[]): T {
  if (typeof options === 'number') return { [key]: options } as T;
  return checkOptions(layer, options, known, `{ ${key}: ... }`);
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

  /** `new LeakyReLU(0.2)` is `new LeakyReLU({ alpha: 0.2 })`, as PyTorch's positional negative_slope. */
  constructor(options: LeakyReLUOptions | number = {}) {
    super();
    const o = optionsOf('LeakyReLU', options, 'alpha', ['alpha']);
    this.alpha = checkFinite('LeakyReLU', 'alpha', o.alpha ?? 0.01);
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

  /** `new ELU(0.5)` is `new ELU({ alpha: 0.5 })`, as PyTorch's positional alpha. */
  constructor(options: ELUOptions | number = {}) {
    super();
    const o = optionsOf('ELU', options, 'alpha', ['alpha']);
    this.alpha = checkFinite('ELU', 'alpha', o.alpha ?? 1);
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

  /** `new PReLU(3)` is `new PReLU({ numParameters: 3 })`, as PyTorch's positional num_parameters. */
  constructor(options: PReLUOptions | number = {}) {
    super();
    const o = optionsOf('PReLU', options, 'numParameters', ['numParameters', 'init']);
    const n = o.numParameters ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`PReLU: numParameters must be a positive integer, got ${String(n)}`);
    this.numParameters = n;
    this.registerParameter('weight', full([n], checkFinite('PReLU', 'init', o.init ?? 0.25)));
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

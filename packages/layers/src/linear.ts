// Linear: y = x · Wᵀ + b with W stored as [out, in] (PyTorch's layout), so weights move between the two as
// they are. Initialised as PyTorch does: W and b uniform in ±1/sqrt(in) (Kaiming uniform with a = sqrt(5)).

import {
  ShapeError, ValueError, checkTensor, describeValue, fmtShape, linear, zeros, type Activation, type Generator, type Tensor,
} from '@nabla/core';
import { Module } from './module.js';
import { kaimingUniform, uniform } from './init.js';
import { runsOwnForward } from './fusion.js';
import { checkBoolean, checkOptions } from './options.js';

export interface LinearOptions {
  bias?: boolean;
  /** Generator for the initial weights (default: the global one seeded by manualSeed). */
  generator?: Generator;
}

function checkFeatures(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`Linear: ${name} must be a positive integer, got ${typeof n === 'number' ? n : describeValue(n)}`);
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkFeatures('inFeatures', inFeatures);
    checkFeatures('outFeatures', outFeatures);
    // PyTorch's Linear(4, 2, False) written as new Linear(4, 2, false) would otherwise keep the bias.
    const o = checkOptions('Linear', options, ['bias', 'generator'], '{ bias: false }');
    const withBias = checkBoolean('Linear', 'bias', o.bias ?? true);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const generator = o.generator;
    const weight = kaimingUniform(zeros([outFeatures, inFeatures]), { a: Math.sqrt(5), generator });
    this.registerParameter('weight', weight);
    const bound = 1 / Math.sqrt(inFeatures);
    this.registerParameter('bias', withBias ? uniform(zeros([outFeatures]), -bound, bound, { generator }) : null);
  }

  /** [outFeatures, inFeatures]. */
  get weight(): Tensor {
    return this.getParameter('weight')!;
  }

  /** [outFeatures], or null when built with { bias: false }. */
  get bias(): Tensor | null {
    return this.getParameter('bias');
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return linear(x, this.weight, this.bias);
  }

  /** The input's last dimension must be inFeatures: the message names this layer and both sizes. */
  private checkInput(x: Tensor): void {
    checkTensor('Linear.forward', 'input', x);
    const last = x.rank === 0 ? null : x.shape[x.rank - 1]!;
    if (last !== this.inFeatures) {
      throw new ShapeError(
        `Linear(${this.inFeatures} → ${this.outFeatures}): input has shape ${fmtShape(x.shape)}; its last dimension ` +
        `must be inFeatures = ${this.inFeatures}, got ${last === null ? 'a scalar' : last}`,
      );
    }
  }

  /**
   * True when running this layer fused with the next one changes nothing observable: no forward hooks, and
   * the forward it runs is Linear's own (not a subclass's override or a replacement on the instance).
   */
  canFuse(): boolean {
    return runsOwnForward(this, linearForward);
  }

  /** x · Wᵀ + b followed by an activation, in one fused op (what Sequential runs for Linear + ReLU). */
  forwardWithActivation(x: Tensor, act: Activation, alpha: number): Tensor {
    this.checkInput(x);
    return linear(x, this.weight, this.bias, act, alpha);
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

// Captured once: a forward patched onto the prototype later (to wrap every Linear) is not Linear's own.
const linearForward = Linear.prototype.forward;

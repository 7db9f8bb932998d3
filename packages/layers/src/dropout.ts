// Dropout: in training, zeroes each element with probability p and scales the rest by 1/(1-p) (inverted
// dropout, as PyTorch), so eval mode is the identity. The mask comes from the seeded generator.

import { ValueError, Tensor, checkTensor, describeValue, defaultGenerator, mul, tensor, zerosLike, type Generator } from '@nabla/core';
import { Module } from './module.js';
import { checkOptions } from './options.js';

function checkP(p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ValueError(`Dropout: p must be a probability in [0, 1], got ${typeof p === 'number' ? p : `${describeValue(p)}${typeof p === 'object' && p !== null ? ' (pass p itself: new Dropout(0.2))' : ''}`}`);
  }
}

/** Functional dropout: `training` false (or p = 0) returns x itself. */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  checkTensor('dropout', 'input', x);
  checkP(p);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, zerosLike(x));
  const g = generator ?? defaultGenerator();
  const scale = 1 / (1 - p);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = g.uniform() >= p ? scale : 0;
  return mul(x, tensor(mask, x.shape));
}

export interface DropoutOptions {
  generator?: Generator;
}

export class Dropout extends Module {
  readonly p: number;
  private readonly generator: Generator | undefined;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    checkP(p);
    this.p = p;
    this.generator = checkOptions('Dropout', options, ['generator']).generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}

// The deep, narrow MLPs of the vanishing-gradient and BatchNorm experiments, and the measurement both take:
// the gradient norm that reaches each layer's weights after one backward pass.

import type { Tensor } from '@nabla/core';
import { BatchNorm1d, Linear, Sequential, type Module } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { norm } from './common.js';

export const HIDDEN_LAYERS = 10;
export const WIDTH = 64;

/** 784 -> hidden x width -> 10, each hidden Linear followed (with `batchNorm`, through a BatchNorm1d) by `activation`. */
export function deepStack(activation: () => Module, options: { hidden?: number; width?: number; batchNorm?: boolean } = {}): Sequential {
  const hidden = options.hidden ?? HIDDEN_LAYERS;
  const width = options.width ?? WIDTH;
  const model = new Sequential();
  let inputs = 784;
  for (let i = 0; i < hidden; i++) {
    model.add(new Linear(inputs, width));
    if (options.batchNorm) model.add(new BatchNorm1d(width));
    model.add(activation());
    inputs = width;
  }
  model.add(new Linear(inputs, 10));
  return model;
}

/** Gradient norm of every Linear weight, first layer first, after one backward pass of cross-entropy on (x, y). */
export function gradientNorms(model: Module, x: Tensor, y: Tensor): number[] {
  model.zeroGrad();
  new CrossEntropyLoss().forward(model.forward(x), y).backward();
  const norms = model.modules().filter((m): m is Linear => m instanceof Linear).map((m) => norm(m.weight.grad!));
  model.zeroGrad();
  return norms;
}

/** The factor by which the gradient norm shrinks (below 1) or grows per layer, on average from last to first. */
export function perLayerFactor(norms: readonly number[]): number {
  return (norms[0]! / norms[norms.length - 1]!) ** (1 / (norms.length - 1));
}

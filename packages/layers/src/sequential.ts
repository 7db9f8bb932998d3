// Sequential: runs its modules in order, each one's output the next one's input. Children are named
// '0', '1', ... so state-dict keys match PyTorch's nn.Sequential ('0.weight', '2.running_mean').

import { NablaError, checkTensor, type Tensor } from '@nabla/core';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { isFusableActivation } from './activations.js';
import { reportFused } from './fusion.js';
import { withLayerPath } from './errorPath.js';

export class Sequential extends Module {
  private readonly layers: Module[] = [];

  /** `new Sequential(a, b, c)`, as PyTorch; `new Sequential([a, b, c])`, as Keras, is the same. */
  constructor(...modules: Module[] | [Module[]]) {
    super();
    const list = modules.length === 1 && Array.isArray(modules[0]) ? modules[0] : (modules as Module[]);
    for (const m of list) this.add(m);
  }

  /** Appends a module (chainable). */
  add(module: Module): this {
    if (!(module instanceof Module)) {
      throw new NablaError(`Sequential.add: argument ${this.layers.length} is not a Module (got ${typeof module})`);
    }
    this.registerModule(String(this.layers.length), module);
    this.layers.push(module);
    return this;
  }

  override get length(): number {
    return this.layers.length;
  }

  /** The module at position i (negative counts from the end). */
  at(i: number): Module {
    const m = this.layers.at(i);
    if (!m) throw new NablaError(`Sequential.at(${i}): index out of range for ${this.layers.length} modules`);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }

  /**
   * Calls the modules in order (with their hooks). A Linear followed by a built-in activation runs as one
   * fused op when neither is hooked or overridden (see Linear.canFuse): same values, one pass fewer.
   */
  forward(x: Tensor): Tensor {
    checkTensor('Sequential.forward', 'input', x);
    let y = x;
    const layers = this.layers;
    let i = 0;
    try {
      for (; i < layers.length; i++) {
        const m = layers[i]!;
        const next = layers[i + 1];
        if (m instanceof Linear && next !== undefined && isFusableActivation(next) && m.canFuse()) {
          y = m.forwardWithActivation(y, next.fused.act, next.fused.alpha);
          reportFused(m, next, y);
          i++;
        } else {
          y = m(y);
        }
      }
    } catch (err) {
      // Which of several alike layers failed: the message gains its position ('2', or '1.0' when nested).
      throw withLayerPath(err, this, String(i), layers[i]!);
    }
    return y;
  }
}

// Freeing a graph after backward, as PyTorch does unless retain_graph is set: the nodes a pass ran drop what
// they saved (their inputs and backward closures, so the tensors those hold can be reclaimed), and a later
// pass that reaches one of them is refused before it changes any gradient.

import { NablaError } from './errors.js';
import type { GradNode } from './autograd.js';
import type { Tensor } from './tensor.js';
import { shared } from './shared.js';

export interface BackwardOptions {
  /**
   * Keep the graph so that backward can run through it again (PyTorch's retain_graph). Without it, backward
   * frees the graph as it ends: every node drops the tensors it saved for its gradient, so their memory can
   * be reclaimed, and a second backward through it is an error.
   */
  retainGraph?: boolean;
}

/** backward(grad?, options?) and backward(options). */
export function backwardArguments(
  gradOrOptions: Tensor | BackwardOptions | undefined, options: BackwardOptions | undefined,
): [Tensor | undefined, boolean] {
  let grad: Tensor | undefined;
  let opts = options;
  if (gradOrOptions === undefined || gradOrOptions === null) {
    grad = undefined;
  } else if (Array.isArray((gradOrOptions as Tensor).shape) && Array.isArray((gradOrOptions as Tensor).strides)) {
    grad = gradOrOptions as Tensor;
  } else if (typeof gradOrOptions === 'object' && Object.getPrototypeOf(gradOrOptions) === Object.prototype && opts === undefined) {
    opts = gradOrOptions as BackwardOptions;
  } else {
    const got = Array.isArray(gradOrOptions) ? 'an array' : typeof gradOrOptions;
    throw new TypeError(`backward: gradient must be a Tensor (or omitted, for a single-element output), got ${got}`);
  }
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
    throw new TypeError(`backward: options must be an object such as { retainGraph: true }, got ${opts === null ? 'null' : typeof opts}`);
  }
  return [grad, opts?.retainGraph === true];
}

/** The marker of a node whose graph a backward pass has freed. */
const released = shared('released-graphs', () => new WeakSet<GradNode>());

/**
 * Frees the graph behind a finished backward pass: each node forgets its inputs and its backward closure
 * (and with it every tensor the closure saved), keeping only its name for messages.
 */
export function releaseGraph(order: readonly Tensor[]): void {
  for (const t of order) {
    const node = t.gradFn as { inputs: readonly Tensor[]; backward: GradNode['backward'] } | null;
    if (node === null || released.has(node as GradNode)) continue;
    released.add(node as GradNode);
    node.inputs = [];
    node.backward = () => {
      throw new NablaError('backward: internal error: a freed graph node was run');
    };
  }
}

export function checkNotReleased(order: readonly Tensor[]): void {
  for (const t of order) {
    if (t.gradFn !== null && released.has(t.gradFn)) {
      throw new NablaError(
        `backward: trying to run backward through the graph a second time (through '${t.gradFn.name}'), but it ` +
        'was freed when the first backward ended. Pass { retainGraph: true } to the first backward() to keep it ' +
        '(e.g. loss.backward(undefined, { retainGraph: true }) or loss.backward({ retainGraph: true }))',
      );
    }
  }
}

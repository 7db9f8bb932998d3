// Reductions over axes (sum, mean, max, min, argmax) and sumTo, which undoes broadcasting in gradients.

import type { ReduceOp } from '../backend.js';
import { ShapeError, fmtShape } from '../errors.js';
import { needsGrad, record } from '../autograd.js';
import { getBackend } from '../registry.js';
import { normalizeAxes, normalizeAxis, sameShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { binaryRaw, div, eq, maximum, mul, ne } from './elementwise.js';
import { expand, reshape } from './views.js';
import { allocStorage, checkMemory, constant } from '../memory.js';
import { checkReduction } from '../check.js';
import { full } from '../creation.js';

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  const out = shape.slice();
  for (const a of axes) out[a] = 1;
  return out;
}

function droppedShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

function reduceRaw(op: ReduceOp, x: Tensor, axes: number[], keepdims: boolean): Tensor {
  const kept = keptShape(x.shape, axes);
  const backend = getBackend();
  checkMemory(op, backend, x);
  const out = allocStorage(backend, sizeOf(kept));
  if (axes.length === 0) backend.copy(x, out);
  else backend.reduce(op, x, axes, out);
  return new Tensor(out, keepdims ? kept : droppedShape(x.shape, axes));
}

export function sum(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  checkReduction('sum', x, axes);
  const ax = normalizeAxes('sum', axes, x.rank);
  const out = reduceRaw('sum', x, ax, keepdims);
  if (needsGrad(x)) {
    record(out, 'sum', [x], (g) => [expand(reshape(g, keptShape(x.shape, ax)), x.shape)]);
  }
  return out;
}

export function mean(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  checkReduction('mean', x, axes);
  const ax = normalizeAxes('mean', axes, x.rank);
  let count = 1;
  for (const a of ax) count *= x.shape[a]!;
  return div(sum(x, ax, keepdims), count);
}

function extreme(op: 'max' | 'min', x: Tensor, axes: number | readonly number[] | undefined, keepdims: boolean): Tensor {
  checkReduction(op, x, axes);
  const ax = normalizeAxes(op, axes, x.rank);
  for (const a of ax) {
    if (x.shape[a] === 0) throw new RangeError(`${op}: cannot reduce over axis ${a} of size 0 (shape [${x.shape.join(', ')}])`);
  }
  const out = reduceRaw(op, x, ax, keepdims);
  if (needsGrad(x)) {
    // The gradient is shared equally among the elements that attain the extreme; where the extreme is NaN,
    // among the NaN elements (which no comparison finds), as PyTorch's max() sends it to the NaN.
    record(out, op, [x], (g) => {
      const kept = keptShape(x.shape, ax);
      const extreme = reshape(out, kept);
      const hit = maximum(eq(x, extreme), mul(ne(x, x), ne(extreme, extreme)));
      const count = reduceRaw('sum', hit, ax, true);
      return [mul(hit, div(reshape(g, kept), count))];
    });
  }
  return out;
}

export const max = (x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor => extreme('max', x, axes, keepdims);
export const min = (x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor => extreme('min', x, axes, keepdims);

/** Index of the first maximum along `axis`, as float values. Not differentiable. */
export function argmax(x: Tensor, axis = -1, keepdims = false): Tensor {
  checkReduction('argmax', x, axis);
  const a = normalizeAxis('argmax', axis, x.rank);
  if (x.rank === 0) return full([], 0); // the one element is the maximum, as in PyTorch
  if (x.shape[a] === 0) throw new RangeError(`argmax: axis ${a} has size 0`);
  const kept = keptShape(x.shape, [a]);
  const backend = getBackend();
  checkMemory('argmax', backend, x);
  const out = allocStorage(backend, sizeOf(kept));
  backend.argmax(x, a, out);
  return new Tensor(out, keepdims ? kept : droppedShape(x.shape, [a]));
}

/** Index of the first minimum along `axis`. */
export function argmin(x: Tensor, axis = -1, keepdims = false): Tensor {
  checkReduction('argmin', x, axis);
  return argmax(binaryRaw('mul', 'argmin', x, new Tensor(constant(getBackend(), -1), [])), axis, keepdims);
}

/** Sums a broadcast gradient back to `shape` (the inverse of broadcasting). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0 || shape.some((d, i) => d !== 1 && d !== g.shape[i + lead])) {
    throw new ShapeError(`sumTo: a tensor of shape ${fmtShape(g.shape)} cannot be summed to ${fmtShape(shape)}, which does not broadcast to it`);
  }
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes, true), shape);
}

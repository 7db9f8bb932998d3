// Stateless transforms: scale, oneHot, flatten.

import { Tensor, ShapeError, ValueError, flatten as coreFlatten, fmtShape, tensor } from '@nabla/core';
import { checkFiniteNumber, checkPositiveInteger } from '../checks.js';

/** x * factor, e.g. scale(pixels, 1 / 255). Returns the same kind it was given (new memory). */
export function scale<T extends Tensor | Float32Array>(x: T, factor: number): T {
  checkFiniteNumber('scale', 'factor', factor);
  if (x instanceof Tensor) {
    const out = scaleArray(x.data(), factor);
    return tensor(out, [...x.shape]) as T;
  }
  if (!(x instanceof Float32Array)) throw new ValueError('scale: expected a Tensor or a Float32Array');
  return scaleArray(x, factor) as T;
}

function scaleArray(data: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * factor;
  return out;
}

/**
 * One-hot encoding of class indices: labels of n integers in [0, classes) become a [n, classes] tensor
 * with a single 1 per row. Accepts a tensor of shape [n] (or [n, 1]), a Float32Array or a number array.
 */
export function oneHot(labels: Tensor | ArrayLike<number>, classes: number): Tensor {
  checkPositiveInteger('oneHot', 'classes', classes);
  let values: ArrayLike<number>;
  if (labels instanceof Tensor) {
    const ok = labels.shape.length === 1 || (labels.shape.length === 2 && labels.shape[1] === 1);
    if (!ok) throw new ShapeError(`oneHot: labels must have shape [n] or [n, 1], got ${fmtShape(labels.shape)}`);
    values = labels.data();
  } else if (labels !== null && typeof labels === 'object' && typeof labels.length === 'number') {
    values = labels;
  } else {
    throw new ValueError('oneHot: labels must be a Tensor, a typed array or an array of class indices');
  }
  const n = values.length;
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const label = values[i];
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ValueError(`oneHot: label ${String(label)} at index ${i} is out of range for ${classes} classes ` +
        `(expected an integer in [0, ${classes - 1}])`);
    }
    out[i * classes + label] = 1;
  }
  return tensor(out, [n, classes]);
}

/**
 * Flattens every dimension from `startDim` on into one: [n, 28, 28] -> [n, 784] with the default
 * startDim 1, which keeps the sample dimension (PyTorch's nn.Flatten; core's flatten starts at 0).
 * A view over the same memory when x is contiguous.
 */
export function flatten(x: Tensor, startDim = 1): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError('flatten: expected a Tensor');
  const rank = x.shape.length;
  if (!Number.isInteger(startDim) || startDim < 0 || startDim >= Math.max(rank, 1)) {
    throw new ShapeError(`flatten: startDim ${startDim} is out of range for shape ${fmtShape(x.shape)}`);
  }
  return coreFlatten(x, startDim, -1);
}

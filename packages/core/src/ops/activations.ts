// Activations: the backend's fused kernel when it has one, else a composition over primitives.
// Either way the gradient is one recorded node whose backward uses the fused derivative or its composition.

import type { Activation, Storage } from '../backend.js';
import { needsGrad, noGrad, record } from '../autograd.js';
import { ShapeError, fmtShape } from '../errors.js';
import { getBackend } from '../registry.js';
import { Tensor } from '../tensor.js';
import { abs, add, div, exp, gt, ge, maximum, minimum, mul, neg, sub, where } from './elementwise.js';
import { reshape } from './views.js';

import { allocStorage, checkMemory, dense } from '../memory.js';
import { checkActivation, checkNamedTensors } from '../check.js';

/** act(x) composed of primitives (no autograd); the reference for every backend's fused kernel. */
export function activationComposed(act: Activation, alpha: number, x: Tensor): Tensor {
  return noGrad(() => {
    switch (act) {
      case 'identity':
        return x.clone();
      case 'sigmoid': {
        const e = exp(neg(abs(x))); // in (0, 1]: no overflow for any x
        return where(ge(x, 0), div(1, add(e, 1)), div(e, add(e, 1)));
      }
      case 'tanh': {
        const e = exp(mul(abs(x), -2));
        const t = div(sub(1, e), add(e, 1));
        return where(ge(x, 0), t, neg(t));
      }
      case 'relu':
        return maximum(x, 0);
      case 'leakyRelu':
        return where(gt(x, 0), x, mul(x, alpha));
      case 'elu':
        return where(gt(x, 0), x, mul(sub(exp(minimum(x, 0)), 1), alpha));
      case 'swish':
        return mul(x, activationComposed('sigmoid', 0, x));
    }
  });
}

/** dy * act'(x) composed of primitives, given y = act(x). */
export function activationBackwardComposed(act: Activation, alpha: number, x: Tensor, y: Tensor, dy: Tensor): Tensor {
  return noGrad(() => {
    switch (act) {
      case 'identity':
        return dy.clone();
      case 'sigmoid':
        return mul(dy, mul(y, sub(1, y)));
      case 'tanh':
        return mul(dy, sub(1, mul(y, y)));
      case 'relu':
        return mul(dy, gt(x, 0));
      case 'leakyRelu':
        return mul(dy, where(gt(x, 0), 1, alpha));
      case 'elu':
        return mul(dy, where(gt(x, 0), 1, add(y, alpha)));
      case 'swish': {
        const s = activationComposed('sigmoid', 0, x);
        return mul(dy, add(y, mul(s, sub(1, y))));
      }
    }
  });
}

/**
 * The elements of t as one storage of exactly t.size elements from offset 0, which is what fused and named
 * kernels take: t's own storage when it already is one, a subarray of it in host memory, else a copy.
 */
export function denseStorage(t: Tensor): Storage {
  return dense(getBackend(), t, t.size, t.isContiguous);
}

/** y = act(x) without recording (fused kernel or composition). */
export function activationForward(act: Activation, alpha: number, x: Tensor): Tensor {
  const backend = getBackend();
  if (!backend.activation) return activationComposed(act, alpha, x);
  checkMemory(act, backend, x);
  const out = allocStorage(backend, x.size);
  backend.activation(act, alpha, denseStorage(x), out);
  return new Tensor(out, x.shape);
}

/** dx = dy * act'(x) without recording (fused kernel or composition). */
export function activationBackward(act: Activation, alpha: number, x: Tensor, y: Tensor, dy: Tensor): Tensor {
  const backend = getBackend();
  if (!backend.activationBackward) return activationBackwardComposed(act, alpha, x, y, dy);
  const dx = allocStorage(backend, x.size);
  backend.activationBackward(act, alpha, denseStorage(x), denseStorage(y), denseStorage(dy), dx);
  return new Tensor(dx, x.shape);
}

export function activation(x: Tensor, act: Activation, alpha = 0): Tensor {
  checkActivation(x, act, alpha);
  const y = activationForward(act, alpha, x);
  if (needsGrad(x)) record(y, act, [x], (g) => [activationBackward(act, alpha, x, y, g)]);
  return y;
}

export const sigmoid = (x: Tensor): Tensor => activation(x, 'sigmoid');
export const tanh = (x: Tensor): Tensor => activation(x, 'tanh');
export const relu = (x: Tensor): Tensor => activation(x, 'relu');
export const leakyRelu = (x: Tensor, alpha = 0.01): Tensor => activation(x, 'leakyRelu', alpha);
export const elu = (x: Tensor, alpha = 1): Tensor => activation(x, 'elu', alpha);
/** x * sigmoid(x), also known as SiLU. */
export const swish = (x: Tensor): Tensor => activation(x, 'swish');
export const silu = swish;

/**
 * PReLU: x where x > 0, else a * x, with `a` one slope (size 1) or one per feature along axis 1
 * (size x.shape[1]), as PyTorch's nn.PReLU.
 */
export function prelu(x: Tensor, a: Tensor): Tensor {
  checkNamedTensors('prelu', { input: x, slope: a });
  const features = a.size === 1 ? 1 : x.shape[1];
  if (a.rank !== 1 || (a.size !== 1 && a.size !== features)) {
    throw new ShapeError(
      `prelu: slope of shape ${fmtShape(a.shape)} does not fit input ${fmtShape(x.shape)}: ` +
      `expected [1] or [${x.shape[1] ?? '?'}] (one per feature on axis 1)`,
    );
  }
  const backend = getBackend();
  const fused = backend.prelu && backend.preluBackward && (a.size === 1 || x.rank === 2);
  if (!fused) {
    const slope = a.size === 1 ? a : reshape(a, [1, a.size, ...new Array<number>(Math.max(x.rank - 2, 0)).fill(1)]);
    return where(gt(x, 0), x, mul(slope, x));
  }
  checkMemory('prelu', backend, x);
  checkMemory('prelu', backend, a);
  const xd = denseStorage(x);
  const ad = denseStorage(a);
  const y = new Tensor(allocStorage(backend, x.size), x.shape);
  backend.prelu!(xd, ad, features!, y.storage);
  if (needsGrad(x, a)) {
    record(y, 'prelu', [x, a], (g) => {
      const dx = allocStorage(backend, x.size);
      const da = allocStorage(backend, a.size);
      backend.preluBackward!(xd, ad, features!, denseStorage(g), dx, da);
      return [new Tensor(dx, x.shape), new Tensor(da, a.shape)];
    });
  }
  return y;
}

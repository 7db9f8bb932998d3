// gradcheck: compares the gradients autograd computes for a function with central finite differences, as
// torch.autograd.gradcheck does, to test a custom op's backward. Tensors are float32, so the step is larger
// than PyTorch's float64 default (1e-6) and the tolerances are looser: rounding error of a difference
// quotient grows as the step shrinks.

import { noGrad } from './autograd.js';
import { checkTensor } from './check.js';
import { NablaError } from './errors.js';
import { Generator } from './rng.js';
import { Tensor } from './tensor.js';
import { tensor } from './creation.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-2). */
  eps?: number;
  /** Relative tolerance (default 2e-2). */
  rtol?: number;
  /** Absolute tolerance (default 2e-3). */
  atol?: number;
  /** Seed of the random weights that reduce the output to a number (default 7). */
  seed?: number;
  /** Shown in the error (default 'gradcheck'). */
  name?: string;
}

/** Autograd and the finite differences disagree; the message names the input and the element. */
export class GradcheckError extends NablaError {
  override name = 'GradcheckError';
}

/** Σ out·w in float64. */
function weighted(out: Tensor, w: Float64Array): number {
  const d = out.data();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * w[i]!;
  return s;
}

function evaluate(where: string, fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[]): Tensor {
  const out = fn(...inputs);
  if (!(out instanceof Tensor)) throw new TypeError(`${where}: the function must return a Tensor, got ${typeof out}`);
  return out;
}

/**
 * Checks the gradient of `fn` with respect to every input that requires grad: autograd's gradient of
 * L = Σ fn(...inputs)·w, for fixed random weights w, against central differences (L(x+eps) - L(x-eps)) / 2eps,
 * element by element. Returns true, or throws a GradcheckError naming the input and element that disagree.
 * Inputs must be contiguous leaves; their .grad is overwritten and their values are restored.
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const where = options.name ?? 'gradcheck';
  if (typeof fn !== 'function') throw new TypeError(`${where}: fn must be a function, got ${typeof fn}`);
  if (!Array.isArray(inputs)) throw new TypeError(`${where}: inputs must be an array of Tensors, got ${typeof inputs}`);
  inputs.forEach((x, k) => checkTensor(where, `inputs[${k}]`, x));
  const eps = options.eps ?? 1e-2;
  const rtol = options.rtol ?? 2e-2;
  const atol = options.atol ?? 2e-3;
  const checked = inputs.filter((x) => x.requiresGrad);
  if (checked.length === 0) throw new NablaError(`${where}: no input requires grad, so there is nothing to check`);
  inputs.forEach((x, k) => {
    if (x.requiresGrad && (x.gradFn !== null || !x.isContiguous)) {
      throw new NablaError(`${where}: input ${k} must be a contiguous leaf tensor (it is perturbed in place)`);
    }
  });

  for (const x of checked) x.grad = null;
  const out = evaluate(where, fn, inputs);
  const generator = new Generator(options.seed ?? 7);
  const w = new Float64Array(out.size);
  for (let i = 0; i < w.length; i++) w[i] = generator.uniform() * 2 - 1;
  if (!out.requiresGrad) throw new NablaError(`${where}: the output does not require grad (was it computed without recording?)`);
  out.mul(tensor(Float32Array.from(w), out.shape)).sum().backward();

  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad?.data() ?? new Float32Array(x.size);
    // Perturbed through copy_, so that the check runs in whatever memory the backend keeps tensors.
    const values = Float32Array.from(x.data());
    for (let i = 0; i < x.size; i++) {
      const original = values[i]!;
      values[i] = original + eps;
      x.copy_(values);
      const plus = noGrad(() => weighted(evaluate(where, fn, inputs), w));
      values[i] = original - eps;
      x.copy_(values);
      const minus = noGrad(() => weighted(evaluate(where, fn, inputs), w));
      values[i] = original;
      x.copy_(values);
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i]!;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new GradcheckError(
          `${where}: input ${k} element ${i}: autograd gives ${a}, finite differences ${numeric} ` +
          `(eps ${eps}, atol ${atol}, rtol ${rtol})`,
        );
      }
    }
  });
  return true;
}

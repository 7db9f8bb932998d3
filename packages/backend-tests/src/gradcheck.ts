// Finite-difference gradient checks: compare autograd's gradient of L = sum(f(inputs) * w), for a fixed
// random w, with central differences of L, computed in float32 with a step large enough to beat rounding.

import { noGrad, Tensor, tensor, Generator } from '@nabla/core';

export interface GradcheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  seed?: number;
}

/** The weighted sum of an output, in float64 from float32 values. */
function weighted(out: Tensor, w: Float64Array): number {
  const d = out.data();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * w[i]!;
  return s;
}

/**
 * Checks d(sum(f(...inputs) * w))/d(input) for every input with requiresGrad against central differences.
 * Throws naming the op, the input and the element that disagrees.
 */
export function gradcheck(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): void {
  const eps = opts.eps ?? 1e-2;
  const rtol = opts.rtol ?? 2e-2;
  const atol = opts.atol ?? 2e-3;
  const gen = new Generator(opts.seed ?? 7);
  for (const x of inputs) x.grad = null;
  const out = f(...inputs);
  const w = new Float64Array(out.size);
  for (let i = 0; i < w.length; i++) w[i] = gen.uniform() * 2 - 1;
  const wT = tensor(Float32Array.from(w), out.shape);
  out.mul(wT).sum().backward();
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    if (!x.isContiguous) throw new Error(`gradcheck ${name}: input ${k} must be contiguous`);
    const analytic = x.grad?.data() ?? new Float32Array(x.size);
    // Perturbed through copy_, so that the check runs in whatever memory the backend keeps tensors.
    const data = Float32Array.from(x.data());
    for (let i = 0; i < x.size; i++) {
      const orig = data[i]!;
      data[i] = orig + eps;
      x.copy_(data);
      const plus = noGrad(() => weighted(f(...inputs), w));
      data[i] = orig - eps;
      x.copy_(data);
      const minus = noGrad(() => weighted(f(...inputs), w));
      data[i] = orig;
      x.copy_(data);
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i]!;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `gradcheck ${name}: input ${k} element ${i}: autograd ${a}, finite difference ${numeric} (eps ${eps})`,
        );
      }
    }
  });
}

import { Generator, Tensor, tensor } from '@nabla/core';

/** Seeded random tensors for the suite: uniform in [low, high), optionally kept away from zero. */
export function randomTensor(
  gen: Generator, shape: number[], opts: { low?: number; high?: number; awayFromZero?: number; requiresGrad?: boolean } = {},
): Tensor {
  const low = opts.low ?? -2;
  const high = opts.high ?? 2;
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let v = low + (high - low) * gen.uniform();
    if (opts.awayFromZero && Math.abs(v) < opts.awayFromZero) v = v < 0 ? -opts.awayFromZero - gen.uniform() : opts.awayFromZero + gen.uniform();
    data[i] = v;
  }
  return tensor(data, shape, { requiresGrad: opts.requiresGrad ?? false });
}

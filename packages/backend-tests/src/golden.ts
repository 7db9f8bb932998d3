// The PyTorch reference vectors as tensors, and comparing tensors within float32 tolerance. (Reading the
// files is golden-files.ts, the one part of the suite that needs Node: a browser run puts the vectors in
// its bundle in place of that file.)

import { Tensor, tensor, fmtShape } from '@nabla/core';

export interface GoldenTensor {
  shape: number[];
  data: number[];
}

export function fromGolden(g: GoldenTensor, requiresGrad = false): Tensor {
  return tensor(Float32Array.from(g.data), g.shape, { requiresGrad, allowNonFinite: true });
}

export interface Tolerance {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance for values near zero (default 1e-6). */
  atol?: number;
}

/**
 * Throws (with the worst element named) unless |actual - expected| <= atol + rtol * |expected| everywhere.
 * NaN matches only NaN.
 */
export function assertClose(
  actual: Tensor | Float32Array | ArrayLike<number>, expected: Tensor | GoldenTensor | ArrayLike<number>,
  what: string, tol: Tolerance = {},
): void {
  const rtol = tol.rtol ?? 1e-5;
  const atol = tol.atol ?? 1e-6;
  const a = actual instanceof Tensor ? actual.data() : actual;
  let e: ArrayLike<number>;
  if (expected instanceof Tensor) e = expected.data();
  else if ('data' in expected && 'shape' in expected) e = (expected as GoldenTensor).data;
  else e = expected as ArrayLike<number>;
  if (actual instanceof Tensor && 'shape' in expected && !(expected instanceof Tensor)) {
    const shape = (expected as GoldenTensor).shape;
    if (actual.shape.length !== shape.length || actual.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${what}: shape ${fmtShape(actual.shape)}, expected ${fmtShape(shape)}`);
    }
  }
  if (a.length !== e.length) throw new Error(`${what}: ${a.length} values, expected ${e.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(y) || Number.isNaN(x)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) { worst = i; break; }
      continue;
    }
    if (x === y) continue;
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > worstExcess || (excess > 0 && worst < 0) || Number.isNaN(excess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${what}: element ${worst} is ${a[worst]}, expected ${e[worst]} ` +
      `(|diff| ${Math.abs(a[worst]! - e[worst]!).toExponential(3)} > atol ${atol} + rtol ${rtol} * |expected|)`,
    );
  }
}

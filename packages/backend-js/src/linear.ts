// linear: y = act(x · Wᵀ + b). The bias is written into the output rows first and gemm adds onto it
// (beta = 1), so the bias costs no extra pass; the activation is the only epilogue pass.

import type { Activation } from '@nabla/core';
import { checkDims, checkLength } from './check.js';
import { gemm } from './gemm.js';
import { applyActivation } from './activations.js';

export function linear(
  x: Float32Array, w: Float32Array, b: Float32Array | null, batch: number, inF: number, outF: number,
  act: Activation, alpha: number, y: Float32Array, preact: Float32Array | null,
): void {
  checkDims('linear', { batch, inF, outF });
  checkLength('linear', 'x', x, batch * inF);
  checkLength('linear', 'w', w, outF * inF);
  if (b) checkLength('linear', 'b', b, outF);
  checkLength('linear', 'y', y, batch * outF);
  if (preact) checkLength('linear', 'preact', preact, batch * outF);
  // Where x·Wᵀ + b lands: preact when the activation needs it kept, else y itself (activated in place).
  const target = act !== 'identity' && preact ? preact : y;
  if (b) for (let r = 0; r < batch; r++) target.set(b.subarray(0, outF), r * outF);
  gemm({
    transA: false, transB: true, m: batch, n: outF, k: inF, alpha: 1,
    a: x, aOffset: 0, lda: inF, b: w, bOffset: 0, ldb: inF,
    beta: b ? 1 : 0, c: target, cOffset: 0, ldc: outF,
  });
  if (act !== 'identity') applyActivation(act, alpha, target, 0, y, 0, batch * outF);
}

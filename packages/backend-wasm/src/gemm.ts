// The BLAS sgemm contract over storages in linear memory: the checks of backend-js's gemm, then one call.

import type { GemmArgs } from '@nabla/core';

import { addr, checkFinite, checkIndex } from './check.js';
import type { Context } from './context.js';
import type { WasmStorage } from './memory.js';

/** C = alpha * op(A) * op(B) + beta * C: core's GemmArgs over storages in linear memory. */
export type WasmGemmArgs = GemmArgs<WasmStorage>;

export function gemm(ctx: Context, g: WasmGemmArgs): void {
  if (typeof g !== 'object' || g === null) throw new TypeError('gemm: expected an arguments object');
  for (const key of ['m', 'n', 'k', 'lda', 'ldb', 'ldc', 'aOffset', 'bOffset', 'cOffset'] as const) checkIndex('gemm', key, g[key]);
  checkFinite('gemm', 'alpha', g.alpha);
  checkFinite('gemm', 'beta', g.beta);
  const { m, n, k } = g;
  const [aRows, aCols] = g.transA ? [k, m] : [m, k];
  const [bRows, bCols] = g.transB ? [n, k] : [k, n];
  const product = m > 0 && n > 0 && k > 0 && g.alpha !== 0;
  checkMatrix(ctx, 'a', g.a, g.aOffset, g.lda, aRows, aCols, product);
  checkMatrix(ctx, 'b', g.b, g.bOffset, g.ldb, bRows, bCols, product);
  checkMatrix(ctx, 'c', g.c, g.cOffset, g.ldc, m, n, m > 0 && n > 0);
  if (m === 0 || n === 0) return;
  ctx.wasm.sgemm(
    g.transA ? 1 : 0, g.transB ? 1 : 0, m, n, k, g.alpha, addr(g.a, g.aOffset), g.lda, addr(g.b, g.bOffset), g.ldb,
    g.beta, addr(g.c, g.cOffset), g.ldc,
  );
}

function checkMatrix(
  ctx: Context, name: string, s: WasmStorage, offset: number, ld: number, rows: number, cols: number, used: boolean,
): void {
  ctx.mem.check(s, 'gemm', name);
  if (!used) return;
  if (rows > 1 && ld < cols) {
    throw new RangeError(`gemm: ld${name}=${ld} is less than the ${cols} columns of ${name.toUpperCase()} (${rows}×${cols} as stored)`);
  }
  const last = offset + (rows - 1) * ld + cols;
  if (last > s.length) {
    throw new RangeError(
      `gemm: ${name.toUpperCase()} (${rows}×${cols} as stored, offset ${offset}, ld ${ld}) needs ${last} elements, storage has ${s.length}`,
    );
  }
}

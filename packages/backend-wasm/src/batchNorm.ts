// Training-mode BatchNorm forward and backward over x [rows, features].

import { checkIndex, checkNumber, checkStorage } from './check.js';
import { withScratch, type Context } from './context.js';
import type { WasmStorage } from './memory.js';

type Arrays = Record<string, WasmStorage | null>;

function checkShapes(ctx: Context, op: string, rows: number, features: number, perElement: Arrays, perFeature: Arrays): void {
  checkIndex(op, 'rows', rows);
  checkIndex(op, 'features', features);
  if (rows === 0 && features > 0) throw new RangeError(`${op}: needs at least one row to compute batch statistics`);
  for (const [name, s] of Object.entries(perElement)) if (s) checkStorage(ctx.mem, op, name, s, rows * features);
  for (const [name, s] of Object.entries(perFeature)) if (s) checkStorage(ctx.mem, op, name, s, features);
}

export function batchNorm(
  ctx: Context, x: WasmStorage, gamma: WasmStorage | null, beta: WasmStorage | null, rows: number, features: number,
  eps: number, y: WasmStorage, mean: WasmStorage, invStd: WasmStorage,
): void {
  checkShapes(ctx, 'batchNorm', rows, features, { x, y }, { gamma, beta, mean, invStd });
  checkNumber('batchNorm', 'eps', eps);
  if (!(eps >= 0)) throw new RangeError(`batchNorm: eps must be >= 0, got ${eps}`);
  withScratch(ctx, 4 * features, (scratch) => {
    ctx.wasm.batch_norm(
      x.ptr, gamma ? gamma.ptr : 0, beta ? beta.ptr : 0, rows, features, eps, y.ptr, mean.ptr, invStd.ptr, scratch,
    );
  });
}

export function batchNormBackward(
  ctx: Context, x: WasmStorage, gamma: WasmStorage | null, mean: WasmStorage, invStd: WasmStorage, dy: WasmStorage,
  rows: number, features: number, dx: WasmStorage, dgamma: WasmStorage | null, dbeta: WasmStorage | null,
): void {
  checkShapes(ctx, 'batchNormBackward', rows, features, { x, dy, dx }, { gamma, mean, invStd, dgamma, dbeta });
  withScratch(ctx, 4 * features, (scratch) => {
    ctx.wasm.batch_norm_backward(
      x.ptr, gamma ? gamma.ptr : 0, mean.ptr, invStd.ptr, dy.ptr, rows, features, dx.ptr,
      dgamma ? dgamma.ptr : 0, dbeta ? dbeta.ptr : 0, scratch,
    );
  });
}

// Log-softmax + cross-entropy forward and gradient. Targets are read and checked here (O(rows)), since the
// kernel indexes a row by its target.

import { checkIndex, checkStorage } from './check.js';
import type { Context } from './context.js';
import type { WasmStorage } from './memory.js';

function checkTargets(ctx: Context, op: string, targets: WasmStorage, rows: number, classes: number): void {
  const f32 = ctx.mem.f32();
  const base = targets.ptr / 4;
  for (let r = 0; r < rows; r++) {
    const t = f32[base + r]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) {
      throw new RangeError(`${op}: target ${t} of row ${r} is not a class index in [0, ${classes})`);
    }
  }
}

export function crossEntropy(
  ctx: Context, logits: WasmStorage, targets: WasmStorage, rows: number, classes: number,
  logProbs: WasmStorage, loss: WasmStorage,
): void {
  const op = 'crossEntropy';
  checkIndex(op, 'rows', rows);
  checkIndex(op, 'classes', classes);
  checkStorage(ctx.mem, op, 'logits', logits, rows * classes);
  checkStorage(ctx.mem, op, 'targets', targets, rows);
  checkStorage(ctx.mem, op, 'logProbs', logProbs, rows * classes);
  checkStorage(ctx.mem, op, 'loss', loss, rows);
  checkTargets(ctx, op, targets, rows, classes);
  ctx.wasm.cross_entropy(logits.ptr, targets.ptr, rows, classes, logProbs.ptr, loss.ptr);
}

export function crossEntropyBackward(
  ctx: Context, logProbs: WasmStorage, targets: WasmStorage, gradLoss: WasmStorage, rows: number, classes: number,
  dlogits: WasmStorage,
): void {
  const op = 'crossEntropyBackward';
  checkIndex(op, 'rows', rows);
  checkIndex(op, 'classes', classes);
  checkStorage(ctx.mem, op, 'logProbs', logProbs, rows * classes);
  checkStorage(ctx.mem, op, 'targets', targets, rows);
  checkStorage(ctx.mem, op, 'gradLoss', gradLoss, rows);
  checkStorage(ctx.mem, op, 'dlogits', dlogits, rows * classes);
  checkTargets(ctx, op, targets, rows, classes);
  ctx.wasm.cross_entropy_backward(logProbs.ptr, targets.ptr, gradLoss.ptr, rows, classes, dlogits.ptr);
}

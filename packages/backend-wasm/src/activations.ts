// Fused activations, their derivatives, PReLU and linear (gemm + bias + activation epilogue).

import type { Activation } from '@nabla/core';
import { checkIndex, checkNumber, checkStorage } from './check.js';
import { withScratch, type Context } from './context.js';
import type { WasmStorage } from './memory.js';

const ACT: Record<Activation, number> = { identity: 0, sigmoid: 1, tanh: 2, relu: 3, leakyRelu: 4, elu: 5, swish: 6 };

function actCode(op: string, act: Activation, alpha: number): number {
  const code = Object.hasOwn(ACT, act) ? ACT[act] : undefined;
  if (code === undefined) throw new TypeError(`${op}: unknown activation '${String(act)}'`);
  checkNumber(op, 'alpha', alpha);
  return code;
}

/** y = act(x) over x's elements (x.length of them). */
export function activation(ctx: Context, act: Activation, alpha: number, x: WasmStorage, y: WasmStorage): void {
  const op = `activation(${act})`;
  const code = actCode(op, act, alpha);
  checkStorage(ctx.mem, op, 'x', x, 0);
  checkStorage(ctx.mem, op, 'y', y, x.length);
  ctx.wasm.activation(code, alpha, x.ptr, y.ptr, x.length);
}

export function activationBackward(
  ctx: Context, act: Activation, alpha: number, x: WasmStorage, y: WasmStorage, dy: WasmStorage, dx: WasmStorage,
): void {
  const op = `activationBackward(${act})`;
  const code = actCode(op, act, alpha);
  checkStorage(ctx.mem, op, 'x', x, 0);
  const n = x.length;
  checkStorage(ctx.mem, op, 'y', y, n);
  checkStorage(ctx.mem, op, 'dy', dy, n);
  checkStorage(ctx.mem, op, 'dx', dx, n);
  ctx.wasm.activation_backward(code, alpha, x.ptr, y.ptr, dy.ptr, dx.ptr, n);
}

/** Checks PReLU's shapes and returns the number of rows. */
function preluRows(ctx: Context, op: string, x: WasmStorage, a: WasmStorage, features: number): number {
  checkStorage(ctx.mem, op, 'x', x, 0);
  checkStorage(ctx.mem, op, 'a', a, 0);
  checkIndex(op, 'features', features);
  if (features === 0) {
    if (x.length > 0) throw new RangeError(`${op}: features=0 but x has ${x.length} elements`);
    return 0;
  }
  if (x.length % features !== 0) throw new RangeError(`${op}: x has ${x.length} elements, not a multiple of features=${features}`);
  if (a.length !== 1 && a.length !== features) {
    throw new RangeError(`${op}: the slope has ${a.length} elements, expected 1 or features=${features}`);
  }
  return x.length / features;
}

export function prelu(ctx: Context, x: WasmStorage, a: WasmStorage, features: number, y: WasmStorage): void {
  const rows = preluRows(ctx, 'prelu', x, a, features);
  checkStorage(ctx.mem, 'prelu', 'y', y, x.length);
  ctx.wasm.prelu(x.ptr, a.ptr, a.length === 1 ? 1 : 0, rows, features, y.ptr);
}

export function preluBackward(
  ctx: Context, x: WasmStorage, a: WasmStorage, features: number, dy: WasmStorage, dx: WasmStorage, da: WasmStorage,
): void {
  const rows = preluRows(ctx, 'preluBackward', x, a, features);
  checkStorage(ctx.mem, 'preluBackward', 'dy', dy, x.length);
  checkStorage(ctx.mem, 'preluBackward', 'dx', dx, x.length);
  checkStorage(ctx.mem, 'preluBackward', 'da', da, a.length);
  const shared = a.length === 1;
  withScratch(ctx, 2 * (shared ? 1 : features), (acc) => {
    ctx.wasm.prelu_backward(x.ptr, a.ptr, shared ? 1 : 0, rows, features, dy.ptr, dx.ptr, da.ptr, acc);
  });
}

export function linear(
  ctx: Context, x: WasmStorage, w: WasmStorage, b: WasmStorage | null, batch: number, inF: number, outF: number,
  act: Activation, alpha: number, y: WasmStorage, preact: WasmStorage | null,
): void {
  const code = actCode('linear', act, alpha);
  for (const [name, v] of [['batch', batch], ['inF', inF], ['outF', outF]] as const) checkIndex('linear', name, v);
  checkStorage(ctx.mem, 'linear', 'x', x, batch * inF);
  checkStorage(ctx.mem, 'linear', 'w', w, outF * inF);
  if (b) checkStorage(ctx.mem, 'linear', 'b', b, outF);
  checkStorage(ctx.mem, 'linear', 'y', y, batch * outF);
  if (preact) checkStorage(ctx.mem, 'linear', 'preact', preact, batch * outF);
  ctx.wasm.linear(x.ptr, w.ptr, b ? b.ptr : 0, batch, inF, outF, code, alpha, y.ptr, preact ? preact.ptr : 0);
}

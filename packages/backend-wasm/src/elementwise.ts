// unary, binary, where, copy and fill: checks, then the coalesced plan, then one call into wasm.

import type { BinaryOp, UnaryOp } from '@nabla/core';
import { addr, checkIndex, checkNumber, checkSameShape, checkStorage, checkView, isContiguous, type WasmView } from './check.js';
import type { Context } from './context.js';
import type { WasmStorage } from './memory.js';
import { coalesce, contiguousStrides, writeFlatPlan, writePlan } from './plan.js';

const UNARY: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4 };
const BINARY: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, pow: 6, eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
};

function opCode<T extends string>(table: Record<T, number>, kind: string, op: T): number {
  const code = Object.hasOwn(table, op) ? table[op] : undefined;
  if (code === undefined) throw new TypeError(`${kind}: unknown op '${String(op)}'`);
  return code;
}

export function unary(ctx: Context, op: UnaryOp, x: WasmView, out: WasmStorage): void {
  const code = opCode(UNARY, 'unary', op);
  const size = checkView(ctx.mem, op, 'x', x);
  checkStorage(ctx.mem, op, 'out', out, size);
  if (size === 0) return;
  const i32 = ctx.mem.i32();
  if (isContiguous(x)) writeFlatPlan(i32, ctx.plan, size, 2);
  else writePlan(i32, ctx.plan, coalesce(x.shape, [x.strides, contiguousStrides(x.shape)]));
  ctx.wasm.unary(code, addr(x.storage, x.offset), out.ptr);
}

export function binary(ctx: Context, op: BinaryOp, a: WasmView, b: WasmView, out: WasmStorage): void {
  const code = opCode(BINARY, 'binary', op);
  const size = checkView(ctx.mem, op, 'a', a);
  checkView(ctx.mem, op, 'b', b);
  checkSameShape(op, 'b', b, a.shape);
  checkStorage(ctx.mem, op, 'out', out, size);
  if (size === 0) return;
  const i32 = ctx.mem.i32();
  if (isContiguous(a) && isContiguous(b)) writeFlatPlan(i32, ctx.plan, size, 3);
  else writePlan(i32, ctx.plan, coalesce(a.shape, [a.strides, b.strides, contiguousStrides(a.shape)]));
  ctx.wasm.binary(code, addr(a.storage, a.offset), addr(b.storage, b.offset), out.ptr);
}

export function where(ctx: Context, cond: WasmView, a: WasmView, b: WasmView, out: WasmStorage): void {
  const size = checkView(ctx.mem, 'where', 'cond', cond);
  checkView(ctx.mem, 'where', 'a', a);
  checkView(ctx.mem, 'where', 'b', b);
  checkSameShape('where', 'a', a, cond.shape);
  checkSameShape('where', 'b', b, cond.shape);
  checkStorage(ctx.mem, 'where', 'out', out, size);
  if (size === 0) return;
  const i32 = ctx.mem.i32();
  if (isContiguous(cond) && isContiguous(a) && isContiguous(b)) writeFlatPlan(i32, ctx.plan, size, 4);
  else writePlan(i32, ctx.plan, coalesce(cond.shape, [cond.strides, a.strides, b.strides, contiguousStrides(cond.shape)]));
  ctx.wasm.where(addr(cond.storage, cond.offset), addr(a.storage, a.offset), addr(b.storage, b.offset), out.ptr);
}

export function copy(ctx: Context, x: WasmView, out: WasmStorage, outOffset = 0): void {
  const size = checkView(ctx.mem, 'copy', 'x', x);
  checkIndex('copy', 'outOffset', outOffset);
  checkStorage(ctx.mem, 'copy', 'out', out, outOffset + size);
  if (size === 0) return;
  const i32 = ctx.mem.i32();
  if (isContiguous(x)) writeFlatPlan(i32, ctx.plan, size, 2);
  else writePlan(i32, ctx.plan, coalesce(x.shape, [x.strides, contiguousStrides(x.shape)]));
  ctx.wasm.copy(addr(x.storage, x.offset), addr(out, outOffset));
}

export function fill(ctx: Context, out: WasmStorage, value: number, offset: number, length: number): void {
  checkNumber('fill', 'value', value);
  checkIndex('fill', 'offset', offset);
  checkIndex('fill', 'length', length);
  checkStorage(ctx.mem, 'fill', 'out', out, 0);
  if (offset + length > out.length) {
    throw new RangeError(`fill: range [${offset}, ${offset + length}) exceeds the storage's ${out.length} elements`);
  }
  if (length > 0) ctx.wasm.fill(addr(out, offset), value, length);
}

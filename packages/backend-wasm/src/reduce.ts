// sum / max / min over axes and argmax: backend-js's plan (same fast path, same coalescing) so that the
// kernels visit elements in the same order and produce the same bits.

import type { ReduceOp } from '@nabla/core';
import { addr, checkStorage, checkView, fmtShape, isContiguous, type WasmView } from './check.js';
import { withScratch, type Context } from './context.js';
import type { WasmStorage } from './memory.js';
import { coalesce, contiguousStrides, writePlan } from './plan.js';

const REDUCE: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };

/** Output strides over x's dims: contiguous over the kept shape, 0 along reduced axes. */
function outStridesFor(shape: readonly number[], reduced: readonly boolean[]): number[] {
  const kept = shape.map((n, d) => (reduced[d] ? 1 : n));
  return contiguousStrides(kept).map((s, d) => (reduced[d] ? 0 : s));
}

/** True when the reduced axes are exactly the last few (at least one). */
function reducesTrailingAxes(reduced: readonly boolean[]): boolean {
  let d = reduced.length - 1;
  while (d >= 0 && reduced[d]) d--;
  if (d === reduced.length - 1) return false;
  for (; d >= 0; d--) if (reduced[d]) return false;
  return true;
}

export function reduce(ctx: Context, op: ReduceOp, x: WasmView, axes: readonly number[], out: WasmStorage): void {
  const code = Object.hasOwn(REDUCE, op) ? REDUCE[op] : undefined;
  if (code === undefined) throw new TypeError(`reduce: unknown op '${String(op)}'`);
  const name = `reduce(${op})`;
  const size = checkView(ctx.mem, name, 'x', x);
  if (!Array.isArray(axes)) throw new TypeError(`${name}: axes must be an array`);
  const rank = x.shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  axes.forEach((axis, i) => {
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank || (i > 0 && axis <= axes[i - 1]!)) {
      throw new RangeError(
        `${name}: axes [${axes.join(', ')}] must be sorted, distinct and within rank ${rank} of x ${fmtShape(x.shape)}`,
      );
    }
    reduced[axis] = true;
  });
  const outSize = x.shape.reduce((acc, n, d) => (reduced[d] ? acc : acc * n), 1);
  checkStorage(ctx.mem, name, 'out', out, outSize);
  if (outSize === 0) return;
  if (size === 0) {
    ctx.wasm.fill(out.ptr, op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity, outSize);
    return;
  }
  if (isContiguous(x) && reducesTrailingAxes(reduced)) {
    ctx.wasm.reduce_contiguous(code, addr(x.storage, x.offset), size / outSize, outSize, out.ptr);
    return;
  }
  writePlan(ctx.mem.i32(), ctx.plan, coalesce(x.shape, [x.strides, outStridesFor(x.shape, reduced)]));
  // float64 accumulators for sums: two float32 slots each.
  withScratch(ctx, op === 'sum' ? 2 * outSize : 0, (acc) => {
    ctx.wasm.reduce_strided(code, addr(x.storage, x.offset), out.ptr, outSize, acc);
  });
}

export function argmax(ctx: Context, x: WasmView, axis: number, out: WasmStorage): void {
  const size = checkView(ctx.mem, 'argmax', 'x', x);
  const rank = x.shape.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new RangeError(`argmax: axis ${axis} is out of range for x ${fmtShape(x.shape)}`);
  }
  const len = x.shape[axis]!;
  const outSize = len === 0 ? x.shape.reduce((a, n, d) => (d === axis ? a : a * n), 1) : size / len;
  checkStorage(ctx.mem, 'argmax', 'out', out, outSize);
  if (outSize === 0) return;
  if (len === 0) throw new RangeError(`argmax: axis ${axis} of x ${fmtShape(x.shape)} is empty`);
  if (len === 1) {
    ctx.wasm.fill(out.ptr, 0, outSize);
    return;
  }
  // Move the axis last so that each row is one argmax; the output does not advance along it.
  const reduced = x.shape.map((_, d) => d === axis);
  const outStrides = outStridesFor(x.shape, reduced);
  const perm = [...x.shape.keys()].filter((d) => d !== axis).concat(axis);
  const layout = coalesce(perm.map((d) => x.shape[d]!), [perm.map((d) => x.strides[d]!), perm.map((d) => outStrides[d]!)]);
  writePlan(ctx.mem.i32(), ctx.plan, layout);
  ctx.wasm.argmax(addr(x.storage, x.offset), out.ptr);
}

// sum / max / min over any set of axes, and argmax along one axis.
//
// The output is given strides of 0 along the reduced axes, so after coalescing each dim is either reduced
// (output stride 0) or kept. When the last dim is reduced, each row collapses to one number (this covers
// "all axes" and "last axis", the common cases, as a single tight loop per row). When the last dim is
// kept (e.g. summing a [batch, features] gradient over the batch), rows are added element by element
// into the output row, which reads x in memory order instead of walking down columns.
// Sums accumulate in float64 so a 1e6-element sum keeps float32 accuracy.

import type { ReduceOp, View } from '@nabla/core';
import { ShapeError, ValueError, fmtShape } from '@nabla/core';
import { checkLength, checkView, contiguousStrides, isContiguous } from './check.js';
import { coalesce, Rows } from './strided.js';

function identity(op: ReduceOp): number {
  return op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
}

/** Output strides over x's dims: contiguous over the kept shape, 0 along reduced axes. */
function outStridesFor(shape: readonly number[], reduced: readonly boolean[]): number[] {
  const kept = shape.map((n, d) => (reduced[d] ? 1 : n));
  return contiguousStrides(kept).map((s, d) => (reduced[d] ? 0 : s));
}

export function reduce(op: ReduceOp, x: View, axes: readonly number[], out: Float32Array): void {
  if (op !== 'sum' && op !== 'max' && op !== 'min') throw new ValueError(`reduce: unknown op '${String(op)}'`);
  const size = checkView(`reduce(${op})`, 'x', x);
  const rank = x.shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  axes.forEach((axis, i) => {
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank || (i > 0 && axis <= axes[i - 1]!)) {
      throw new ShapeError(
        `reduce(${op}): axes [${axes.join(', ')}] must be sorted, distinct and within rank ${rank} of x ${fmtShape(x.shape)}`,
      );
    }
    reduced[axis] = true;
  });
  const outSize = x.shape.reduce((acc, n, d) => (reduced[d] ? acc : acc * n), 1);
  checkLength(`reduce(${op})`, 'out', out, outSize);
  if (outSize === 0) return;
  if (size === 0) {
    out.fill(identity(op), 0, outSize);
    return;
  }
  // Fast path: a contiguous x reduced over trailing axes (all axes, the last axis, ...) is outSize
  // contiguous runs, each collapsing to one number.
  if (isContiguous(x) && reducesTrailingAxes(reduced)) {
    const n = size / outSize;
    for (let r = 0; r < outSize; r++) out[r] = reduceRow(op, x.storage, x.offset + r * n, 1, n);
    return;
  }
  const layout = coalesce(x.shape, [x.strides, outStridesFor(x.shape, reduced)]);
  const rows = new Rows(layout, [x.offset, 0]);
  if (op === 'sum') sumRows(x.storage, rows, out, outSize);
  else extremeRows(op, x.storage, rows, out, outSize);
}

/** True when the reduced axes are exactly the last few (at least one). */
function reducesTrailingAxes(reduced: readonly boolean[]): boolean {
  let d = reduced.length - 1;
  while (d >= 0 && reduced[d]) d--;
  if (d === reduced.length - 1) return false;
  for (; d >= 0; d--) if (reduced[d]) return false;
  return true;
}

/** One strided run reduced to a number: float64 sum, or max/min with NaN winning (as in PyTorch). */
function reduceRow(op: ReduceOp, x: Float32Array, xi: number, xs: number, n: number): number {
  if (op === 'sum') {
    let s = 0;
    if (xs === 1) for (let i = xi, end = xi + n; i < end; i++) s += x[i]!;
    else for (let j = 0; j < n; j++, xi += xs) s += x[xi]!;
    return s;
  }
  let m = op === 'max' ? -Infinity : Infinity;
  if (op === 'max') {
    for (let j = 0; j < n; j++, xi += xs) { const v = x[xi]!; if (v > m) m = v; else if (v !== v) return v; }
  } else {
    for (let j = 0; j < n; j++, xi += xs) { const v = x[xi]!; if (v < m) m = v; else if (v !== v) return v; }
  }
  return m;
}

/**
 * General sums: when the last dim is reduced (output stride 0), each row collapses to one number added
 * to its output; otherwise rows are added element by element onto an output row. float64 accumulators.
 */
function sumRows(x: Float32Array, rows: Rows, out: Float32Array, outSize: number): void {
  const { offsets, rowStride, rowLength: n } = rows;
  const xs = rowStride[0]!;
  const os = rowStride[1]!;
  const acc = new Float64Array(outSize);
  for (let r = 0; r < rows.count; r++) {
    const xi = offsets[0]!;
    const oi = offsets[1]!;
    if (os === 0) acc[oi]! += reduceRow('sum', x, xi, xs, n);
    else for (let j = 0, xj = xi, oj = oi; j < n; j++, xj += xs, oj += os) acc[oj]! += x[xj]!;
    rows.next();
  }
  for (let i = 0; i < outSize; i++) out[i] = acc[i]!;
}

/** General max/min, like sumRows but combining in `out` itself (float32 holds every input exactly). */
function extremeRows(op: 'max' | 'min', x: Float32Array, rows: Rows, out: Float32Array, outSize: number): void {
  const isMax = op === 'max';
  out.fill(isMax ? -Infinity : Infinity, 0, outSize);
  const { offsets, rowStride, rowLength: n } = rows;
  const xs = rowStride[0]!;
  const os = rowStride[1]!;
  for (let r = 0; r < rows.count; r++) {
    let xi = offsets[0]!;
    let oi = offsets[1]!;
    if (os === 0) {
      const v = reduceRow(op, x, xi, xs, n);
      const m = out[oi]!;
      if ((isMax ? v > m : v < m) || v !== v) out[oi] = v;
    } else {
      for (let j = 0; j < n; j++, xi += xs, oi += os) {
        const v = x[xi]!;
        const m = out[oi]!;
        if ((isMax ? v > m : v < m) || v !== v) out[oi] = v;
      }
    }
    rows.next();
  }
}

/** Index of the first maximum along `axis` (a NaN counts as the maximum, as in PyTorch). */
export function argmax(x: View, axis: number, out: Float32Array): void {
  const size = checkView('argmax', 'x', x);
  const rank = x.shape.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new ShapeError(`argmax: axis ${axis} is out of range for x ${fmtShape(x.shape)}`);
  }
  const len = x.shape[axis]!;
  const outSize = len === 0 ? x.shape.reduce((a, n, d) => (d === axis ? a : a * n), 1) : size / len;
  checkLength('argmax', 'out', out, outSize);
  if (outSize === 0) return;
  if (len === 0) throw new ShapeError(`argmax: axis ${axis} of x ${fmtShape(x.shape)} is empty`);
  if (len === 1) {
    out.fill(0, 0, outSize);
    return;
  }
  // Move the axis last so that each row is one argmax; the output does not advance along it.
  const reduced = x.shape.map((_, d) => d === axis);
  const outStrides = outStridesFor(x.shape, reduced);
  const perm = [...x.shape.keys()].filter((d) => d !== axis).concat(axis);
  const layout = coalesce(perm.map((d) => x.shape[d]!), [perm.map((d) => x.strides[d]!), perm.map((d) => outStrides[d]!)]);
  const rows = new Rows(layout, [x.offset, 0]);
  const xd = x.storage;
  const xs = rows.rowStride[0]!;
  for (let r = 0; r < rows.count; r++) {
    let xi = rows.offsets[0]!;
    let best = xd[xi]!;
    let bestIndex = 0;
    for (let j = 1; j < len && best === best; j++) {
      xi += xs;
      const v = xd[xi]!;
      if (v > best || v !== v) { best = v; bestIndex = j; }
    }
    out[rows.offsets[1]!] = bestIndex;
    rows.next();
  }
}

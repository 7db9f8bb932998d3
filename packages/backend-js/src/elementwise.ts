// unary, binary (arithmetic and comparisons) and where over strided views into a contiguous output.
// The op is chosen by a switch once per row, never per element; each op has a loop for contiguous rows,
// one for a stride-0 (broadcast scalar) second operand, and a general strided loop.

import type { BinaryOp, UnaryOp, View } from '@nabla/core';
import { ValueError } from '@nabla/core';
import { checkLength, checkSameShape, checkView, contiguousStrides, isContiguous, isScalar } from './check.js';
import { coalesce, Rows } from './strided.js';

export function unary(op: UnaryOp, x: View, out: Float32Array): void {
  const size = checkView(op, 'x', x);
  checkLength(op, 'out', out, size);
  if (size === 0) return;
  if (isContiguous(x)) {
    unaryRow(op, x.storage, x.offset, 1, out, 0, size);
    return;
  }
  const rows = new Rows(coalesce(x.shape, [x.strides, contiguousStrides(x.shape)]), [x.offset, 0]);
  const xs = x.storage;
  for (let r = 0; r < rows.count; r++) {
    unaryRow(op, xs, rows.offsets[0]!, rows.rowStride[0]!, out, rows.offsets[1]!, rows.rowLength);
    rows.next();
  }
}

function unaryRow(op: UnaryOp, x: Float32Array, xi: number, xs: number, out: Float32Array, oi: number, n: number): void {
  const end = oi + n;
  switch (op) {
    case 'neg':
      if (xs === 1) for (let i = oi; i < end; i++) out[i] = -x[xi++]!;
      else for (let i = oi; i < end; i++, xi += xs) out[i] = -x[xi]!;
      return;
    case 'exp':
      if (xs === 1) for (let i = oi; i < end; i++) out[i] = Math.exp(x[xi++]!);
      else for (let i = oi; i < end; i++, xi += xs) out[i] = Math.exp(x[xi]!);
      return;
    case 'log':
      if (xs === 1) for (let i = oi; i < end; i++) out[i] = Math.log(x[xi++]!);
      else for (let i = oi; i < end; i++, xi += xs) out[i] = Math.log(x[xi]!);
      return;
    case 'sqrt':
      if (xs === 1) for (let i = oi; i < end; i++) out[i] = Math.sqrt(x[xi++]!);
      else for (let i = oi; i < end; i++, xi += xs) out[i] = Math.sqrt(x[xi]!);
      return;
    case 'abs':
      if (xs === 1) for (let i = oi; i < end; i++) out[i] = Math.abs(x[xi++]!);
      else for (let i = oi; i < end; i++, xi += xs) out[i] = Math.abs(x[xi]!);
      return;
    default:
      throw new ValueError(`unary: unknown op '${String(op)}'`);
  }
}

export function binary(op: BinaryOp, a: View, b: View, out: Float32Array): void {
  const size = checkView(op, 'a', a);
  checkView(op, 'b', b);
  checkSameShape(op, 'b', b, a.shape);
  checkLength(op, 'out', out, size);
  if (size === 0) return;
  if (isContiguous(a)) { // the common cases, without building an iteration plan
    const bContiguous = isContiguous(b);
    if (bContiguous || isScalar(b)) {
      binaryRow(op, a.storage, a.offset, 1, b.storage, b.offset, bContiguous ? 1 : 0, out, 0, size);
      return;
    }
  }
  const layout = coalesce(a.shape, [a.strides, b.strides, contiguousStrides(a.shape)]);
  const rows = new Rows(layout, [a.offset, b.offset, 0]);
  const { offsets, rowStride, rowLength } = rows;
  for (let r = 0; r < rows.count; r++) {
    binaryRow(op, a.storage, offsets[0]!, rowStride[0]!, b.storage, offsets[1]!, rowStride[1]!, out, offsets[2]!, rowLength);
    rows.next();
  }
}

// Three loops per op: both operands contiguous (c), b a broadcast scalar (s), anything else (g).
function binaryRow(
  op: BinaryOp, a: Float32Array, ai: number, as: number, b: Float32Array, bi: number, bs: number,
  out: Float32Array, oi: number, n: number,
): void {
  const end = oi + n;
  const c = as === 1 && bs === 1;
  const s = as === 1 && bs === 0;
  const bv = b[bi]!;
  switch (op) {
    case 'add':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! + b[bi++]!;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! + bv;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! + b[bi]!;
      return;
    case 'sub':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! - b[bi++]!;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! - bv;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! - b[bi]!;
      return;
    case 'mul':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! * b[bi++]!;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! * bv;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! * b[bi]!;
      return;
    case 'div':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! / b[bi++]!;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! / bv;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! / b[bi]!;
      return;
    case 'max': // Math.max propagates NaN, as torch.maximum does
      if (c) for (let i = oi; i < end; i++) out[i] = Math.max(a[ai++]!, b[bi++]!);
      else if (s) for (let i = oi; i < end; i++) out[i] = Math.max(a[ai++]!, bv);
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = Math.max(a[ai]!, b[bi]!);
      return;
    case 'min':
      if (c) for (let i = oi; i < end; i++) out[i] = Math.min(a[ai++]!, b[bi++]!);
      else if (s) for (let i = oi; i < end; i++) out[i] = Math.min(a[ai++]!, bv);
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = Math.min(a[ai]!, b[bi]!);
      return;
    case 'pow':
      if (c) for (let i = oi; i < end; i++) out[i] = Math.pow(a[ai++]!, b[bi++]!);
      else if (s) for (let i = oi; i < end; i++) out[i] = Math.pow(a[ai++]!, bv);
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = Math.pow(a[ai]!, b[bi]!);
      return;
    case 'eq':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! === b[bi++]! ? 1 : 0;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! === bv ? 1 : 0;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! === b[bi]! ? 1 : 0;
      return;
    case 'ne':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! !== b[bi++]! ? 1 : 0;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! !== bv ? 1 : 0;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! !== b[bi]! ? 1 : 0;
      return;
    case 'lt':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! < b[bi++]! ? 1 : 0;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! < bv ? 1 : 0;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! < b[bi]! ? 1 : 0;
      return;
    case 'le':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! <= b[bi++]! ? 1 : 0;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! <= bv ? 1 : 0;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! <= b[bi]! ? 1 : 0;
      return;
    case 'gt':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! > b[bi++]! ? 1 : 0;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! > bv ? 1 : 0;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! > b[bi]! ? 1 : 0;
      return;
    case 'ge':
      if (c) for (let i = oi; i < end; i++) out[i] = a[ai++]! >= b[bi++]! ? 1 : 0;
      else if (s) for (let i = oi; i < end; i++) out[i] = a[ai++]! >= bv ? 1 : 0;
      else for (let i = oi; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! >= b[bi]! ? 1 : 0;
      return;
    default:
      throw new ValueError(`binary: unknown op '${String(op)}'`);
  }
}

export function where(cond: View, a: View, b: View, out: Float32Array): void {
  const size = checkView('where', 'cond', cond);
  checkView('where', 'a', a);
  checkView('where', 'b', b);
  checkSameShape('where', 'a', a, cond.shape);
  checkSameShape('where', 'b', b, cond.shape);
  checkLength('where', 'out', out, size);
  if (size === 0) return;
  if (isContiguous(cond) && isContiguous(a) && isContiguous(b)) {
    const cd = cond.storage;
    const ad = a.storage;
    const bd = b.storage;
    for (let i = 0, ci = cond.offset, ai = a.offset, bi = b.offset; i < size; i++, ci++, ai++, bi++) {
      out[i] = cd[ci]! !== 0 ? ad[ai]! : bd[bi]!;
    }
    return;
  }
  const layout = coalesce(cond.shape, [cond.strides, a.strides, b.strides, contiguousStrides(cond.shape)]);
  const rows = new Rows(layout, [cond.offset, a.offset, b.offset, 0]);
  const { offsets, rowStride, rowLength } = rows;
  const [cs, as, bs] = rowStride as [number, number, number];
  const cd = cond.storage;
  const ad = a.storage;
  const bd = b.storage;
  for (let r = 0; r < rows.count; r++) {
    let ci = offsets[0]!;
    let ai = offsets[1]!;
    let bi = offsets[2]!;
    const oi = offsets[3]!;
    const end = oi + rowLength;
    if (cs === 1 && as === 1 && bs === 1) {
      for (let i = oi; i < end; i++, ai++, bi++) out[i] = cd[ci++]! !== 0 ? ad[ai]! : bd[bi]!;
    } else {
      for (let i = oi; i < end; i++, ci += cs, ai += as, bi += bs) out[i] = cd[ci]! !== 0 ? ad[ai]! : bd[bi]!;
    }
    rows.next();
  }
}

// Elementwise ops with NumPy broadcasting, and their gradients over the same ops.

import type { BinaryOp, Storage, UnaryOp, View } from '../backend.js';
import { needsGrad, record } from '../autograd.js';
import { getBackend } from '../registry.js';
import { broadcastShapes, broadcastStrides, sameShape, sizeOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { sumTo } from './reduce.js';
import { allocStorage, checkMemory, constant } from '../memory.js';
import { coalesceViews } from '../plan.js';
import { checkClamp, checkOperands, checkTensor, checkWhere } from '../check.js';

const zeroStrides: number[][] = [];
function zeros(rank: number): number[] {
  return (zeroStrides[rank] ??= new Array<number>(rank).fill(0));
}

/** A 0-d tensor holding a number, for scalar operands, in the memory of the backend in use. */
export function scalar(value: number): Tensor {
  return new Tensor(constant(getBackend(), value), []);
}

function asTensor(x: TensorLike): Tensor {
  return typeof x === 'number' ? scalar(x) : x;
}

/** `t` read as shape `target` (which it broadcasts to): the tensor itself when shapes agree, else a view. */
export function broadcastView(t: Tensor, target: readonly number[]): View<Storage> {
  if (sameShape(t.shape, target)) return t;
  if (t.size === 1) return { storage: t.storage, shape: target, strides: zeros(target.length), offset: t.offset };
  return { storage: t.storage, shape: target, strides: broadcastStrides(t.shape, t.strides, target), offset: t.offset };
}

/** Applies a binary primitive with broadcasting; no autograd. */
export function binaryRaw(op: BinaryOp, name: string, a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(name, a.shape, b.shape);
  const backend = getBackend();
  checkMemory(name, backend, a);
  checkMemory(name, backend, b);
  const out = allocStorage(backend, sizeOf(shape));
  const [va, vb] = coalesceViews([broadcastView(a, shape), broadcastView(b, shape)]) as [View<Storage>, View<Storage>];
  backend.binary(op, va, vb, out);
  return new Tensor(out, shape);
}

export function unaryRaw(op: UnaryOp, x: Tensor): Tensor {
  const backend = getBackend();
  checkMemory(op, backend, x);
  const out = allocStorage(backend, x.size);
  backend.unary(op, coalesceViews([x])[0]!, out);
  return new Tensor(out, x.shape);
}

type GradRule = (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];

function binary(op: BinaryOp, name: string, x: TensorLike, y: TensorLike, rule?: GradRule): Tensor {
  checkOperands(name, x, y);
  const a = asTensor(x);
  const b = asTensor(y);
  const out = binaryRaw(op, name, a, b);
  if (rule && needsGrad(a, b)) {
    record(out, name, [a, b], (g) => {
      const [ga, gb] = rule(g, a, b, out);
      return [a.requiresGrad && ga ? sumTo(ga, a.shape) : null, b.requiresGrad && gb ? sumTo(gb, b.shape) : null];
    });
  }
  return out;
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', 'add', a, b, (g) => [g, g]);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', 'sub', a, b, (g) => [g, neg(g)]);
export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  binary('mul', 'mul', a, b, (g, x, y) => [mul(g, y), mul(g, x)]);
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  binary('div', 'div', a, b, (g, _x, y, out) => [div(g, y), neg(div(mul(g, out), y))]);

export const pow = (a: TensorLike, b: TensorLike): Tensor =>
  binary('pow', 'pow', a, b, (g, x, y, out) => [
    // y x^(y-1), and 0 where y is 0 (x^0 is constant; at x = 0 the formula would give 0 * Infinity = NaN), as PyTorch.
    x.requiresGrad ? mul(g, where(eq(y, 0), 0, mul(y, pow(x, sub(y, 1))))) : null,
    // d/dy x^y = x^y log x, defined for x > 0 (0 elsewhere, rather than NaN).
    y.requiresGrad ? where(gt(x, 0), mul(g, mul(out, log(maximum(x, Number.MIN_VALUE)))), 0) : null,
  ]);

/** Ties send half of the gradient to each side (as PyTorch does). */
function tieShare(x: Tensor, y: Tensor, winner: BinaryOp): Tensor {
  return add(binaryRaw(winner, 'maximum', x, y), mul(binaryRaw('eq', 'maximum', x, y), 0.5));
}
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('max', 'maximum', a, b, (g, x, y) => [mul(g, tieShare(x, y, 'gt')), mul(g, tieShare(x, y, 'lt'))]);
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('min', 'minimum', a, b, (g, x, y) => [mul(g, tieShare(x, y, 'lt')), mul(g, tieShare(x, y, 'gt'))]);

// Comparisons: 1 where true, 0 where false; no gradient.
export const eq = (a: TensorLike, b: TensorLike): Tensor => binary('eq', 'eq', a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => binary('ne', 'ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binary('lt', 'lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => binary('le', 'le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => binary('gt', 'gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => binary('ge', 'ge', a, b);

function unary(op: UnaryOp, x: Tensor, rule: (g: Tensor, x: Tensor, out: Tensor) => Tensor): Tensor {
  checkTensor(op, 'the input', x);
  const out = unaryRaw(op, x);
  if (needsGrad(x)) record(out, op, [x], (g) => [rule(g, x, out)]);
  return out;
}

export const neg = (x: Tensor): Tensor => unary('neg', x, (g) => neg(g));
export const exp = (x: Tensor): Tensor => unary('exp', x, (g, _x, out) => mul(g, out));
export const log = (x: Tensor): Tensor => unary('log', x, (g, x) => div(g, x));
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, (g, _x, out) => div(g, mul(out, 2)));
export const abs = (x: Tensor): Tensor => unary('abs', x, (g, x) => mul(g, sign(x)));

/** -1, 0 or 1 by the sign of each element. */
export function sign(x: Tensor): Tensor {
  checkTensor('sign', 'the input', x);
  return binaryRaw('sub', 'sign', binaryRaw('gt', 'sign', x, scalar(0)), binaryRaw('lt', 'sign', x, scalar(0)));
}

/** cond != 0 ? a : b, with broadcasting over all three. */
export function where(cond: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  checkWhere(cond, x, y);
  const c = asTensor(cond);
  const a = asTensor(x);
  const b = asTensor(y);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape);
  const backend = getBackend();
  for (const t of [c, a, b]) checkMemory('where', backend, t);
  const out = new Tensor(allocStorage(backend, sizeOf(shape)), shape);
  const [vc, va, vb] = coalesceViews([broadcastView(c, shape), broadcastView(a, shape), broadcastView(b, shape)]) as
    [View<Storage>, View<Storage>, View<Storage>];
  backend.where(vc, va, vb, out.storage);
  if (needsGrad(a, b)) {
    record(out, 'where', [a, b], (g) => [
      a.requiresGrad ? sumTo(where(c, g, 0), a.shape) : null,
      b.requiresGrad ? sumTo(where(c, 0, g), b.shape) : null,
    ]);
  }
  return out;
}

/** Limits values to [min, max]; the gradient passes where min <= x <= max. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  checkClamp(x, min, max);
  if (min !== undefined && max !== undefined && min > max) {
    throw new RangeError(`clamp: min (${min}) is greater than max (${max})`);
  }
  let out = x;
  if (min !== undefined) out = binaryRaw('max', 'clamp', out, scalar(min));
  if (max !== undefined) out = binaryRaw('min', 'clamp', out, scalar(max));
  if (out === x) out = x.clone().detach();
  if (needsGrad(x)) {
    record(out, 'clamp', [x], (g) => {
      let mask = g;
      if (min !== undefined) mask = mul(mask, ge(x, min));
      if (max !== undefined) mask = mul(mask, le(x, max));
      return [mask];
    });
  }
  return out;
}

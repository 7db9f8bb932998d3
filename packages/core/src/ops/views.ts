// Views share storage with their source: reshape (when contiguous), transpose/permute, expand, squeeze,
// slice and select. concat and clone copy.

import { needsGrad, record } from '../autograd.js';
import { fmtShape, ShapeError } from '../errors.js';
import { getBackend } from '../registry.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, normalizeAxis, sameShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumTo } from './reduce.js';
import { allocStorage, checkMemory, zerosStorage } from '../memory.js';
import { coalesceViews } from '../plan.js';
import { checkTensor, checkTensorAndAxes, checkTensorAndShape, checkTensorList } from '../check.js';

/** A contiguous copy with its own storage. */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', 'the input', x);
  const backend = getBackend();
  checkMemory('clone', backend, x);
  const out = allocStorage(backend, x.size);
  backend.copy(coalesceViews([x])[0]!, out);
  const t = new Tensor(out, x.shape);
  if (needsGrad(x)) record(t, 'clone', [x], (g) => [g]);
  return t;
}

function resolveShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === -1) {
      if (infer >= 0) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid dimension ${d} in ${fmtShape(shape)}`);
    } else known *= d;
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot infer -1 in ${fmtShape(shape)} for ${x.size} elements (shape ${fmtShape(x.shape)})`);
    }
    out[infer] = x.size / known;
  } else if (known !== x.size) {
    throw new ShapeError(`${op}: shape ${fmtShape(shape)} holds ${known} elements, the tensor of shape ${fmtShape(x.shape)} has ${x.size}`);
  }
  return out;
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensorAndShape('reshape', x, shape);
  const target = resolveShape('reshape', x, shape);
  if (sameShape(target, x.shape)) return x;
  const source = x.isContiguous ? x : clone(x);
  const out = new Tensor(source.storage, target, undefined, source.offset);
  if (needsGrad(source)) record(out, 'reshape', [source], (g) => [reshape(g, source.shape)]);
  return out;
}

export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  checkTensorAndAxes('flatten', x, startAxis, endAxis);
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startAxis, x.rank);
  const e = normalizeAxis('flatten', endAxis, x.rank);
  if (s > e) throw new ShapeError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis}`);
  const merged = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

export function permute(x: Tensor, axes: readonly number[]): Tensor {
  checkTensorAndShape('permute', x, axes, 'axes');
  if (axes.length !== x.rank) {
    throw new ShapeError(`permute: got ${axes.length} axes ${JSON.stringify(axes)} for a tensor of rank ${x.rank}`);
  }
  const norm = axes.map((a) => normalizeAxis('permute', a, x.rank));
  if (new Set(norm).size !== norm.length) throw new ShapeError(`permute: axes ${JSON.stringify(axes)} repeat an axis`);
  const out = new Tensor(x.storage, norm.map((a) => x.shape[a]!), norm.map((a) => x.strides[a]!), x.offset);
  if (needsGrad(x)) {
    const inverse = new Array<number>(norm.length);
    norm.forEach((a, i) => (inverse[a] = i));
    record(out, 'permute', [x], (g) => [permute(g, inverse)]);
  }
  return out;
}

export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkTensorAndAxes('transpose', x, axis0, axis1);
  const a = normalizeAxis('transpose', axis0, x.rank);
  const b = normalizeAxis('transpose', axis1, x.rank);
  if (x.rank < 2) return x;
  const axes = Array.from({ length: x.rank }, (_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(x, axes);
}

/** Broadcasts to `shape` without copying (stride 0 along the broadcast axes). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensorAndShape('expand', x, shape);
  const lead = shape.length - x.rank;
  shape.forEach((d, i) => {
    if (d === -1 && i < lead) {
      throw new ShapeError(`expand: -1 (keep the size) is not allowed for the new leading axis ${i} of ${fmtShape(shape)}`);
    }
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`expand: invalid size ${d} in ${fmtShape(shape)}: sizes must be non-negative integers or -1`);
    }
  });
  const target = shape.map((d, i) => (d === -1 ? x.shape[i - (shape.length - x.rank)] ?? -1 : d));
  const full = broadcastShapes('expand', x.shape, target);
  if (!sameShape(full, target)) {
    throw new ShapeError(`expand: cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  }
  if (sameShape(target, x.shape)) return x;
  const out = new Tensor(x.storage, target, broadcastStrides(x.shape, x.strides, target), x.offset);
  if (needsGrad(x)) record(out, 'expand', [x], (g) => [sumTo(g, x.shape)]);
  return out;
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  checkTensorAndAxes('squeeze', x, axis);
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis('squeeze', axis, x.rank);
  if (x.shape[a] !== 1) return x;
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensorAndAxes('unsqueeze', x, axis);
  if (!Number.isInteger(axis) || axis < -x.rank - 1 || axis > x.rank) {
    throw new ShapeError(`unsqueeze: axis ${axis} is out of range for a tensor of rank ${x.rank} (expected ${-x.rank - 1}..${x.rank})`);
  }
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  const strides = x.strides.slice();
  strides.splice(a, 0, a < x.rank ? x.strides[a]! * x.shape[a]! : 1);
  const out = new Tensor(x.storage, shape, strides, x.offset);
  if (needsGrad(x)) record(out, 'unsqueeze', [x], (g) => [reshape(g, x.shape)]);
  return out;
}

/** Elements start, start+step, ... before end along `axis` (Python slice semantics, step >= 1). */
export function slice(x: Tensor, axis: number, start: number, end?: number, step = 1): Tensor {
  checkTensorAndAxes('slice', x, axis, start, end, step);
  if (x.rank === 0) throw new ShapeError('slice: a 0-d tensor has no axis to slice');
  const a = normalizeAxis('slice', axis, x.rank);
  const n = x.shape[a]!;
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
    throw new RangeError(`slice: start and end must be integers, got ${start} and ${end}`);
  }
  const clampIndex = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIndex(start);
  const e = end === undefined ? n : clampIndex(end);
  const count = e > s ? Math.ceil((e - s) / step) : 0;
  const shape = x.shape.slice();
  shape[a] = count;
  const strides = x.strides.slice();
  strides[a] = x.strides[a]! * step;
  const out = new Tensor(x.storage, shape, strides, x.offset + (count > 0 ? s * x.strides[a]! : 0));
  if (needsGrad(x)) record(out, 'slice', [x], (g) => [padSlice(g, x.shape, a, s, step)]);
  return out;
}

/** The gradient of a slice: g placed at positions s, s+step, ... of a zero tensor of `shape`. */
function padSlice(g: Tensor, shape: readonly number[], axis: number, s: number, step: number): Tensor {
  const count = g.shape[axis]!;
  let spread = g;
  if (step > 1 && count > 0) {
    // Interleave step-1 zero slots after each element, then drop the trailing ones.
    const gapShape = g.shape.slice();
    gapShape.splice(axis + 1, 0, step - 1);
    const withAxis = unsqueeze(g, axis + 1);
    const zerosGap = new Tensor(zerosStorage(getBackend(), sizeOf(gapShape)), gapShape);
    const interleaved = concat([withAxis, zerosGap], axis + 1);
    const merged = g.shape.slice();
    merged[axis] = count * step;
    spread = slice(reshape(interleaved, merged), axis, 0, (count - 1) * step + 1);
  }
  const parts: Tensor[] = [];
  const zerosAlong = (len: number): Tensor => {
    const zs = shape.slice();
    zs[axis] = len;
    return new Tensor(zerosStorage(getBackend(), sizeOf(zs)), zs);
  };
  const used = spread.shape[axis]!;
  if (s > 0) parts.push(zerosAlong(s));
  parts.push(spread);
  const after = shape[axis]! - s - used;
  if (after > 0) parts.push(zerosAlong(after));
  return parts.length === 1 ? spread : concat(parts, axis);
}

/** The sub-tensor at index i along `axis`, with the axis removed. */
export function select(x: Tensor, axis: number, i: number): Tensor {
  checkTensorAndAxes('select', x, axis, i);
  if (x.rank === 0) throw new ShapeError('select: a 0-d tensor has no axis to index (read it with item())');
  const a = normalizeAxis('select', axis, x.rank);
  const n = x.shape[a]!;
  if (!Number.isInteger(i) || i < -n || i >= n) {
    throw new RangeError(`select: index ${i} is out of range for axis ${a} of size ${n} (shape ${fmtShape(x.shape)})`);
  }
  return squeeze(slice(x, a, i < 0 ? i + n : i, (i < 0 ? i + n : i) + 1), a);
}

/** Joins tensors along an existing axis. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensorList('concat', tensors, axis);
  if (tensors.length === 0) throw new ShapeError('concat: needs at least one tensor');
  const first = tensors[0]!;
  tensors.forEach((t, k) => {
    if (t.rank === 0) throw new ShapeError(`concat: tensor ${k} is 0-d and has no axis to join along; use stack() to make a new axis`);
  });
  const a = normalizeAxis('concat', axis, first.rank);
  let total = 0;
  for (const [k, t] of tensors.entries()) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(
        `concat: tensor ${k} has shape ${fmtShape(t.shape)}, which does not match ${fmtShape(first.shape)} outside axis ${a}`,
      );
    }
    total += t.shape[a]!;
  }
  const shape = first.shape.slice();
  shape[a] = total;
  const backend = getBackend();
  for (const t of tensors) checkMemory('concat', backend, t);
  const n = sizeOf(shape);
  const out = allocStorage(backend, n);
  // Copy each input into its block of a buffer laid out with `axis` first, then (unless axis is 0)
  // permute that buffer back into place with one more copy.
  const order = [a, ...first.shape.map((_, i) => i).filter((i) => i !== a)];
  const staged = a === 0 ? out : allocStorage(backend, n);
  let pos = 0;
  for (const t of tensors) {
    const moved = a === 0 ? t : new Tensor(t.storage, order.map((i) => t.shape[i]!), order.map((i) => t.strides[i]!), t.offset);
    backend.copy(moved, staged, pos);
    pos += t.size;
  }
  if (a !== 0) {
    const stagedShape = order.map((i) => shape[i]!);
    const stagedStrides = contiguousStrides(stagedShape);
    const back = new Array<number>(shape.length);
    order.forEach((src, i) => (back[src] = stagedStrides[i]!));
    backend.copy({ storage: staged, shape, strides: back, offset: 0 }, out);
    backend.memory.release(staged);
  }
  const result = new Tensor(out, shape);
  if (tensors.some((t) => needsGrad(t))) {
    record(result, 'concat', tensors, (g) => {
      let start = 0;
      return tensors.map((t) => {
        const part = slice(g, a, start, start + t.shape[a]!);
        start += t.shape[a]!;
        return t.requiresGrad ? part : null;
      });
    });
  }
  return result;
}

/** Joins tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensorList('stack', tensors, axis);
  if (tensors.length === 0) throw new ShapeError('stack: needs at least one tensor');
  const a = normalizeAxis('stack', axis, tensors[0]!.rank + 1);
  return concat(tensors.map((t) => unsqueeze(t, a)), a);
}

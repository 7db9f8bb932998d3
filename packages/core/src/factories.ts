// The creation functions as the package exports them: the argument forms PyTorch accepts (`zeros(2, 3)` as
// well as `zeros([2, 3])`), checked, with sizes too large for one tensor refused by name instead of by the
// engine's "Invalid typed array length". The work is done by creation.ts.

import * as create from './creation.js';
import { ValueError } from './errors.js';
import type { CreateOptions, RandomOptions, TensorOptions } from './creation.js';
import {
  checkAllocatable, checkNumber, checkOptionalNumber, checkShapeArg, checkTensor, describeValue, shapeAndOptions,
} from './check.js';
import { Tensor, type NestedArray } from './tensor.js';

/** A number that must be finite when given: a NaN or infinite parameter would fill the tensor with NaN or Infinity. */
function checkOptionalFinite(fn: string, arg: string, v: unknown): void {
  checkOptionalNumber(fn, arg, v);
  if (v !== undefined && !Number.isFinite(v)) throw new ValueError(`${fn}: ${arg} must be a finite number, got ${v}`);
}

/** options.generator: a Generator (of any copy of core, so checked by what it can do). */
function checkGenerator(fn: string, g: unknown): void {
  if (g === undefined) return;
  const methods = g as { normal?: unknown; uniform?: unknown; int?: unknown } | null;
  if (methods === null || typeof methods !== 'object' || typeof methods.normal !== 'function' ||
    typeof methods.uniform !== 'function' || typeof methods.int !== 'function') {
    throw new TypeError(`${fn}: options.generator must be a Generator (new Generator(seed)), got ${describeValue(g)}`);
  }
}

type ShapeArgs<O> = [shape: readonly number[], options?: O] | [...dims: number[]] | [...dims: number[], options: O];

export type RandnOptions = RandomOptions & { mean?: number; std?: number };
export type RandOptions = RandomOptions & { low?: number; high?: number };

/**
 * A tensor from data. A Float32Array is adopted without copying (like torch.from_numpy): later writes to it
 * show in the tensor. Nested arrays, plain arrays, other typed arrays and tensors are copied. `shape`
 * defaults to the nesting (or [length], or the tensor's shape) and must hold exactly as many elements.
 */
export function tensor(
  data: Tensor | NestedArray | Float32Array | ArrayLike<number> | BigInt64Array | BigUint64Array, shape?: readonly number[], options?: TensorOptions,
): Tensor {
  // torch.tensor(t) copies a tensor; so does this (detached: the copy starts a new leaf).
  if (data instanceof Tensor) return create.tensor(Float32Array.from(data.data()), shape ?? data.shape, options);
  const arrayLike = data !== null && typeof data === 'object' && typeof (data as ArrayLike<number>).length === 'number';
  if (typeof data !== 'number' && !arrayLike) {
    throw new TypeError(`tensor: data must be a number, a (nested) array of numbers or a typed array, got ${describeValue(data)}`);
  }
  if (shape !== undefined) {
    checkShapeArg('tensor', shape);
    checkAllocatable('tensor', shape);
  }
  return create.tensor(data, shape, options);
}

/** A tensor of the given shape filled with `value`. */
export function full(shape: readonly number[], value: number, options?: CreateOptions): Tensor {
  checkShapeArg('full', shape);
  checkAllocatable('full', shape);
  checkNumber('full', 'value', value);
  return create.full(shape, value, options);
}

/** Zeros: `zeros([2, 3])` or `zeros(2, 3)`, optionally followed by `{ requiresGrad }`. */
export function zeros(...args: ShapeArgs<CreateOptions>): Tensor {
  return create.zeros(...shapeAndOptions<CreateOptions>('zeros', args));
}

/** Ones: `ones([2, 3])` or `ones(2, 3)`, optionally followed by `{ requiresGrad }`. */
export function ones(...args: ShapeArgs<CreateOptions>): Tensor {
  return create.ones(...shapeAndOptions<CreateOptions>('ones', args));
}

export function zerosLike(t: Tensor, options?: CreateOptions): Tensor {
  checkTensor('zerosLike', 'the argument', t);
  return create.zerosLike(t, options);
}

export function onesLike(t: Tensor, options?: CreateOptions): Tensor {
  checkTensor('onesLike', 'the argument', t);
  return create.onesLike(t, options);
}

/** Standard normal samples, scaled: mean + std * N(0, 1). `randn([2, 3])` or `randn(2, 3)`, then options. */
export function randn(...args: ShapeArgs<RandnOptions>): Tensor {
  const [shape, options] = shapeAndOptions<RandnOptions>('randn', args);
  checkOptionalFinite('randn', 'options.mean', options?.mean);
  checkOptionalFinite('randn', 'options.std', options?.std);
  if (options?.std !== undefined && options.std < 0) throw new ValueError(`randn: options.std must be >= 0, got ${options.std}`);
  checkGenerator('randn', options?.generator);
  return create.randn(shape, options);
}

/** Uniform samples in [low, high) (default [0, 1)). `rand([2, 3])` or `rand(2, 3)`, then options. */
export function rand(...args: ShapeArgs<RandOptions>): Tensor {
  const [shape, options] = shapeAndOptions<RandOptions>('rand', args);
  checkOptionalFinite('rand', 'options.low', options?.low);
  checkOptionalFinite('rand', 'options.high', options?.high);
  checkGenerator('rand', options?.generator);
  return create.rand(shape, options);
}

/** Uniform integers in [low, high), stored as floats. */
export function randint(low: number, high: number, shape: readonly number[], options?: RandomOptions): Tensor {
  checkNumber('randint', 'low', low);
  checkNumber('randint', 'high', high);
  checkShapeArg('randint', shape);
  checkAllocatable('randint', shape);
  checkGenerator('randint', options?.generator);
  return create.randint(low, high, shape, options);
}

/** A random permutation of 0..n-1. */
export function randperm(n: number, options?: RandomOptions): Tensor {
  checkNumber('randperm', 'n', n);
  checkAllocatable('randperm', [n]);
  checkGenerator('randperm', options?.generator);
  return create.randperm(n, options);
}

/** start, start+step, ... below end (like numpy.arange); arange(n) is 0..n-1. */
export function arange(start: number, end?: number, step?: number): Tensor {
  checkNumber('arange', 'start', start);
  checkOptionalNumber('arange', 'end', end);
  checkOptionalNumber('arange', 'step', step);
  const [from, to, by] = end === undefined ? [0, start, step ?? 1] : [start, end, step ?? 1];
  if (Number.isFinite(from) && Number.isFinite(to) && Number.isFinite(by) && by !== 0) {
    checkAllocatable('arange', [Math.max(0, Math.ceil((to - from) / by))]);
  }
  return create.arange(start, end, step);
}

/** n evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, n: number): Tensor {
  checkOptionalFinite('linspace', 'start', start);
  checkOptionalFinite('linspace', 'end', end);
  checkNumber('linspace', 'n', n);
  if (Number.isInteger(n) && n >= 0) checkAllocatable('linspace', [n]);
  return create.linspace(start, end, n);
}

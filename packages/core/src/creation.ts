// Creating tensors: from data (nested arrays, typed arrays), constants, ranges and seeded random values.

import { ShapeError, ValueError, fmtShape } from './errors.js';
import { defaultGenerator, type Generator } from './rng.js';
import { checkShape, sizeOf } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';
import { getBackend, hasBackend } from './registry.js';
import { allocStorage, fromHost } from './memory.js';

/**
 * A tensor over values computed on the host, in the memory of the backend in use (adopted as they are in host
 * memory, and in a program that has not registered a backend yet).
 */
function onBackend(values: Float32Array, shape: readonly number[]): Tensor {
  return new Tensor(hasBackend() ? fromHost(getBackend(), values) : values, shape);
}

export interface CreateOptions {
  requiresGrad?: boolean;
}

export interface TensorOptions extends CreateOptions {
  /** Accept NaN and ±Infinity in the data (rejected by default, so bad data fails where it enters). */
  allowNonFinite?: boolean;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0]!;
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: readonly number[], out: Float32Array): void {
  let pos = 0;
  const walk = (node: NestedArray, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (typeof node !== 'number') {
        throw new ValueError(`tensor: element at [${path.join(', ')}] is ${Array.isArray(node) ? 'an array' : typeof node}, expected a number (ragged nesting?)`);
      }
      out[pos++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw new ShapeError(
        `tensor: ragged nested array: at [${path.join(', ')}] expected ${shape[dim]} elements ` +
        `(inferred shape ${fmtShape(shape)}), got ${Array.isArray(node) ? node.length : 'a number'}`,
      );
    }
    for (let i = 0; i < node.length; i++) walk(node[i]!, dim + 1, [...path, i]);
  };
  walk(data, 0, []);
}

function checkFinite(op: string, data: Float32Array, source: unknown): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v === 0) continue;
    // What the caller wrote there (only looked up on this error path).
    const given = typeof source === 'number' ? source
      : Array.isArray(source) ? (source.flat(Infinity) as unknown[])[i] : (source as ArrayLike<unknown> | undefined)?.[i];
    if (typeof given === 'number' && Number.isFinite(given)) {
      throw new ValueError(`${op}: value at flat index ${i} is ${given}, beyond the float32 range (±3.4028235e38): it would be ${v}`);
    }
    if (typeof given === 'bigint') {
      throw new ValueError(`${op}: value at flat index ${i} is ${given}n, beyond the float32 range (±3.4028235e38)`);
    }
    throw new ValueError(`${op}: value at flat index ${i} is ${v}; pass { allowNonFinite: true } to allow NaN/Infinity`);
  }
}

function checkRequiresGrad(op: string, options: CreateOptions | undefined): boolean {
  const value = options?.requiresGrad ?? false;
  if (typeof value !== 'boolean') throw new TypeError(`${op}: options.requiresGrad must be true or false, got ${typeof value}`);
  return value;
}

/**
 * A tensor from data. A Float32Array is adopted without copying (like torch.from_numpy): later writes to it
 * show in the tensor. Nested arrays, plain arrays and other typed arrays are copied. `shape` defaults to the
 * nesting (or [length]) and must hold exactly as many elements as the data.
 */
export function tensor(
  data: NestedArray | Float32Array | ArrayLike<number> | BigInt64Array | BigUint64Array, shape?: readonly number[], options: TensorOptions = {},
): Tensor {
  let flat: Float32Array;
  let inferred: number[];
  if (data instanceof Float32Array) {
    flat = data;
    inferred = [data.length];
  } else if (typeof data === 'number') {
    flat = Float32Array.of(data);
    inferred = [];
  } else if (Array.isArray(data)) {
    inferred = inferShape(data as NestedArray);
    flat = new Float32Array(sizeOf(inferred));
    flattenInto(data as NestedArray, inferred, flat);
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    // int64 data (torch.tensor takes it too), converted to float32 as every other input is.
    flat = Float32Array.from(data as ArrayLike<bigint>, (v) => Number(v));
    inferred = [flat.length];
  } else if (ArrayBuffer.isView(data) || typeof (data as ArrayLike<number>).length === 'number') {
    flat = Float32Array.from(data as ArrayLike<number>);
    inferred = [flat.length];
  } else {
    throw new ValueError(`tensor: cannot make a tensor from ${typeof data}`);
  }
  const finalShape = shape ? [...shape] : inferred;
  checkShape('tensor', finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values do not fit shape ${fmtShape(finalShape)} (needs ${sizeOf(finalShape)})`);
  }
  const requiresGrad = checkRequiresGrad('tensor', options);
  if (!options.allowNonFinite) checkFinite('tensor', flat, data);
  const t = onBackend(flat, finalShape);
  t.requiresGrad = requiresGrad;
  return t;
}

export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  checkShape('full', shape);
  const requiresGrad = checkRequiresGrad('full', options);
  const n = sizeOf(shape);
  let t: Tensor;
  if (hasBackend()) {
    const backend = getBackend();
    const storage = allocStorage(backend, n);
    backend.fill(storage, value, 0, n);
    t = new Tensor(storage, [...shape]);
  } else {
    t = new Tensor(new Float32Array(n).fill(value), [...shape]);
  }
  t.requiresGrad = requiresGrad;
  return t;
}

export const zeros = (shape: readonly number[], options?: CreateOptions): Tensor => full(shape, 0, options);
export const ones = (shape: readonly number[], options?: CreateOptions): Tensor => full(shape, 1, options);
export const zerosLike = (t: Tensor, options?: CreateOptions): Tensor => full(t.shape, 0, options);
export const onesLike = (t: Tensor, options?: CreateOptions): Tensor => full(t.shape, 1, options);

/** start, start+step, ... below end (like numpy.arange); arange(n) is 0..n-1. */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step) || step === 0) {
    throw new ValueError(`arange(${start}, ${end}, ${step}): expected finite numbers and a non-zero step`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return onBackend(data, [n]);
}

/** n evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, n: number): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`linspace: n must be a non-negative integer, got ${n}`);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = n === 1 ? start : start + ((end - start) * i) / (n - 1);
  return onBackend(data, [n]);
}

export interface RandomOptions extends CreateOptions {
  /** Defaults to the global generator seeded by manualSeed. */
  generator?: Generator;
}

/** Standard normal samples, scaled: mean + std * N(0, 1). */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  checkShape('randn', shape);
  const requiresGrad = checkRequiresGrad('randn', options);
  const g = options.generator ?? defaultGenerator();
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * g.normal();
  const t = onBackend(data, [...shape]);
  t.requiresGrad = requiresGrad;
  return t;
}

/** Uniform samples in [low, high) (default [0, 1)). */
export function rand(shape: readonly number[], options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  checkShape('rand', shape);
  const requiresGrad = checkRequiresGrad('rand', options);
  const g = options.generator ?? defaultGenerator();
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(high >= low)) throw new ValueError(`rand: high (${high}) must not be below low (${low})`);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * g.uniform();
  const t = onBackend(data, [...shape]);
  t.requiresGrad = requiresGrad;
  return t;
}

/** Uniform integers in [low, high), stored as floats. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint(${low}, ${high}): expected integers with low < high`);
  }
  checkShape('randint', shape);
  const g = options.generator ?? defaultGenerator();
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = low + g.int(high - low);
  return onBackend(data, [...shape]);
}

/** A random permutation of 0..n-1 (Fisher-Yates on the given or global generator). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  const g = options.generator ?? defaultGenerator();
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(i + 1);
    const tmp = data[i]!;
    data[i] = data[j]!;
    data[j] = tmp;
  }
  return onBackend(data, [n]);
}

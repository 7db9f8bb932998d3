// Argument checks for the public functions. JavaScript does not check types at run time, so a wrong
// argument would otherwise fail deep inside an op with an engine message ("Cannot read properties of
// undefined"). Each check names the function, the argument and what was expected, and throws a TypeError
// (as Node's own argument checks do) for a value of the wrong kind.

import { ValueError, fmtShape } from './errors.js';
import { MAX_ELEMENTS } from './shape.js';
import { Tensor } from './tensor.js';

/** A short description of a value for messages: "a string ('1')", "an array of length 3", "null". */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) {
    const length = (v as unknown as { length?: number }).length;
    return `a ${v.constructor.name}${length === undefined ? '' : ` of length ${length}`}`;
  }
  switch (typeof v) {
    case 'string': return `a string (${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}...` : v)})`;
    case 'number': return `the number ${v}`;
    case 'boolean': return `the boolean ${v}`;
    case 'bigint': return `the bigint ${v}n`;
    case 'function': return 'a function';
    case 'symbol': return 'a symbol';
    default: {
      const name = (v as object).constructor?.name;
      return name && name !== 'Object' ? `a ${name}` : 'an object';
    }
  }
}

/** For data that tensor() would accept: say how to make a tensor of it. */
function hint(v: unknown): string {
  return Array.isArray(v) || ArrayBuffer.isView(v) ? ' (make one with tensor(...))' : '';
}

export function checkTensor(fn: string, arg: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${fn}: ${arg} must be a Tensor, got ${describeValue(v)}${hint(v)}`);
}

/** A Tensor or null/undefined (an optional bias, an absent affine parameter). */
export function checkOptionalTensor(fn: string, arg: string, v: unknown): asserts v is Tensor | null | undefined {
  if (v !== null && v !== undefined && !(v instanceof Tensor)) {
    throw new TypeError(`${fn}: ${arg} must be a Tensor or null, got ${describeValue(v)}${hint(v)}`);
  }
}

/** A Tensor or a plain number (a scalar operand). */
export function checkTensorLike(fn: string, arg: string, v: unknown): asserts v is Tensor | number {
  if (typeof v !== 'number' && !(v instanceof Tensor)) {
    throw new TypeError(`${fn}: ${arg} must be a Tensor or a number, got ${describeValue(v)}${hint(v)}`);
  }
}

export function checkTensors(fn: string, arg: string, v: unknown): asserts v is readonly Tensor[] {
  if (!Array.isArray(v)) throw new TypeError(`${fn}: ${arg} must be an array of Tensors, got ${describeValue(v)}`);
  v.forEach((t, i) => checkTensor(fn, `${arg}[${i}]`, t));
}

export function checkNumber(fn: string, arg: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${arg} must be a number, got ${describeValue(v)}`);
}

export function checkOptionalNumber(fn: string, arg: string, v: unknown): asserts v is number | undefined {
  if (v !== undefined) checkNumber(fn, arg, v);
}

/** An axis list: undefined, one number or an array of numbers (the range is checked by the op). */
export function checkAxes(fn: string, arg: string, v: unknown): void {
  if (v === undefined || typeof v === 'number') return;
  if (!Array.isArray(v) || !v.every((a) => typeof a === 'number')) {
    throw new TypeError(`${fn}: ${arg} must be a number or an array of numbers, got ${describeValue(v)}`);
  }
}

/** A shape: an array of numbers (their values are checked by the op). */
export function checkShapeArg(fn: string, v: unknown): asserts v is readonly number[] {
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number')) {
    throw new TypeError(`${fn}: shape must be an array of dimensions such as [2, 3], got ${describeValue(v)}`);
  }
}

export { MAX_ELEMENTS } from './shape.js';

/** Non-negative integer dimensions whose product fits in one tensor; names the function and the shape. */
export function checkAllocatable(fn: string, shape: readonly number[]): void {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(`${fn}: invalid shape ${fmtShape(shape)}: dimensions must be non-negative integers`);
    }
    n *= d;
  }
  if (n > MAX_ELEMENTS) {
    throw new ValueError(
      `${fn}: shape ${fmtShape(shape)} has ${n.toExponential(3)} elements (${(n * 4 / 2 ** 30).toExponential(3)} GiB ` +
      `of float32); a tensor can hold at most ${MAX_ELEMENTS} elements`,
    );
  }
}

/**
 * Reads the arguments of a creation function that takes a shape, as PyTorch's do: `zeros([2, 3])`,
 * `zeros(2, 3)`, and either form followed by an options object.
 */
export function shapeAndOptions<O extends object>(fn: string, args: readonly unknown[]): [number[], O | undefined] {
  const [first] = args;
  let shape: unknown;
  let rest: readonly unknown[];
  if (Array.isArray(first)) {
    shape = first;
    rest = args.slice(1);
  } else {
    let k = 0;
    while (k < args.length && typeof args[k] === 'number') k++;
    shape = args.slice(0, k);
    rest = args.slice(k);
    if (k === 0 && args.length > 0 && !isOptions(first)) checkShapeArg(fn, first);
  }
  checkShapeArg(fn, shape);
  if (rest.length > 1 || (rest.length === 1 && rest[0] !== undefined && !isOptions(rest[0]))) {
    throw new TypeError(
      `${fn}: expected a shape (an array, or dimensions as numbers) and an optional options object, ` +
      `got ${args.map(describeValue).join(', ')}`,
    );
  }
  checkAllocatable(fn, shape);
  return [[...shape], rest[0] as O | undefined];
}

function isOptions(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

// ---- the checks of each op family (one call at the top of each public op) ----------------------------

export function checkOperands(fn: string, a: unknown, b: unknown): void {
  checkTensorLike(fn, 'the first operand', a);
  checkTensorLike(fn, 'the second operand', b);
}

export function checkOperandTensors(fn: string, a: unknown, b: unknown): void {
  checkTensor(fn, 'the first operand', a);
  checkTensor(fn, 'the second operand', b);
}

/** Tensors passed by name: checkNamedTensors('prelu', { input: x, slope: a }). */
export function checkNamedTensors(fn: string, args: Record<string, unknown>): void {
  for (const [name, v] of Object.entries(args)) checkTensor(fn, name, v);
}

export function checkWhere(cond: unknown, a: unknown, b: unknown): void {
  checkTensorLike('where', 'cond', cond);
  checkTensorLike('where', 'the second argument', a);
  checkTensorLike('where', 'the third argument', b);
}

export function checkClamp(x: unknown, min: unknown, max: unknown): void {
  checkTensor('clamp', 'the input', x);
  checkOptionalNumber('clamp', 'min', min);
  checkOptionalNumber('clamp', 'max', max);
}

export function checkReduction(fn: string, x: unknown, axes: unknown): void {
  checkTensor(fn, 'the input', x);
  checkAxes(fn, 'axes', axes);
}

export function checkTensorAndShape(fn: string, x: unknown, shape: unknown, arg = 'shape'): void {
  checkTensor(fn, 'the input', x);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) {
    throw new TypeError(`${fn}: ${arg} must be an array of numbers, got ${describeValue(shape)}`);
  }
}

/** The input, then axis or index arguments (undefined allowed: they are optional where they may be). */
export function checkTensorAndAxes(fn: string, x: unknown, ...numbers: unknown[]): void {
  checkTensor(fn, 'the input', x);
  for (const n of numbers) {
    if (n !== undefined && typeof n !== 'number') throw new TypeError(`${fn}: axes and indices must be numbers, got ${describeValue(n)}`);
  }
}

export function checkTensorList(fn: string, tensors: unknown, axis: unknown): void {
  checkTensors(fn, 'tensors', tensors);
  checkNumber(fn, 'axis', axis);
}

export function checkLinear(x: unknown, w: unknown, b: unknown, alpha: unknown): void {
  checkTensor('linear', 'input', x);
  checkTensor('linear', 'weight', w);
  checkOptionalTensor('linear', 'bias', b);
  checkNumber('linear', 'alpha', alpha);
}

export function checkBatchNorm(x: unknown, gamma: unknown, beta: unknown, eps: unknown): void {
  checkTensor('batchNorm', 'input', x);
  checkOptionalTensor('batchNorm', 'gamma', gamma);
  checkOptionalTensor('batchNorm', 'beta', beta);
  checkNumber('batchNorm', 'eps', eps);
}

const ACTIVATIONS = new Set(['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'swish']);

export function checkActivation(x: unknown, act: unknown, alpha: unknown): void {
  checkTensor(typeof act === 'string' ? act : 'activation', 'the input', x);
  if (typeof act !== 'string' || !ACTIVATIONS.has(act)) {
    throw new ValueError(`activation: unknown activation ${JSON.stringify(act)}; expected one of ${[...ACTIVATIONS].join(', ')}`);
  }
  checkNumber(act, 'alpha', alpha);
}

/**
 * Returns `options` as an object: undefined becomes {}; anything else that is not a plain object, and any key
 * outside `known`, is an error. An option that is ignored would silently do other than asked (PyTorch's
 * `batch_size` giving batches of 1), so a package refuses the keys it does not know. `hints` adds a sentence for
 * a key (or its camel-cased form) that means something elsewhere; else a key whose camel-cased form is known is
 * pointed to it. `example` shows what options look like, for a value passed where the object goes.
 */
export function checkOptions<T extends object>(
  where: string, options: T | undefined, known: readonly string[], hints: Readonly<Record<string, string>> = {},
  example = '',
): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${where}: options must be an object${example ? ` such as ${example}` : ''}, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const hint = hints[key] ?? hints[camel] ?? (camel !== key && known.includes(camel) ? `did you mean '${camel}'?` : '');
    throw new ValueError(`${where}: unknown option '${key}'${hint ? ` (${hint})` : ''}; known options: ${known.join(', ')}`);
  }
  return options;
}

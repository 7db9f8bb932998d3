// The Tensor: a float32 view {storage, shape, strides, offset} of a backend's memory, with an optional
// autograd node.
// Methods delegate to the op functions, which are also exported on their own (add(a, b) == a.add(b)).

import type { Memory, Storage, View } from './backend.js';
import { needsGrad, record, registerPostAccumulateGradHook, runBackward, type BackwardOptions, type GradNode, type PostAccumulateGradHook } from './autograd.js';
import { NablaError, ShapeError, fmtShape } from './errors.js';
import { formatTensor } from './format.js';
import { checkShape, contiguousStrides, isContiguous, sameShape, sizeOf } from './shape.js';
import { backendForMemory, getBackend, getBackendByName } from './registry.js';
import { allocStorage, checkHostRange, isTemporary, memoryOf, peek } from './memory.js';
import { coalesceViews } from './plan.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as vw from './ops/views.js';
import { matmul } from './ops/matmul.js';
import { shared } from './shared.js';
import { noteWrite } from './versions.js';
import * as nn from './ops/nn.js';

export type Scalar = number;
export type TensorLike = Tensor | number;
export type NestedArray = number | NestedArray[];

// Shared by every copy of core, so that ids stay distinct.
const ids = shared('tensor-ids', () => ({ next: 1 }));
/** Marks tensors of every copy of core, so that `instanceof Tensor` holds for them all (see hasInstance). */
const BRAND = Symbol.for('@nabla/core/tensor');

export class Tensor implements View<Storage> {
  /** The backend memory holding the elements (a Float32Array in host memory). Read values with data(). */
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  /** Number of elements. */
  readonly size: number;
  /** True when the elements are laid out row-major without gaps from `offset`. */
  readonly isContiguous: boolean;
  /** A small increasing integer: tells tensors apart, and counts tensors made (tests check that steps make none). */
  readonly id: number;
  requiresGrad = false;
  /** @internal The gradient; read it through `grad` (user code) or gradOf() (nabla's own packages). */
  gradValue: Tensor | null = null;

  /**
   * The gradient accumulated by backward(), for leaves (and for tensors that called retainGrad()). Reading
   * it hands the tensor to the caller, who may keep it: its memory is then never recycled (see dropGrad).
   */
  get grad(): Tensor | null {
    const g = this.gradValue;
    if (g !== null) handedOut.add(g);
    else if (this.gradFn !== null && !this.retainsGrad) warnNonLeafGrad();
    return g;
  }

  /**
   * Sets the gradient (null clears it). A gradient of another shape is refused by the next backward() that
   * adds to it and by the optimizers' step().
   */
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) {
      throw new TypeError(`grad: expected a Tensor or null, got ${Array.isArray(g) ? 'an array' : typeof g}`);
    }
    this.gradValue = g;
  }
  /** The op that produced this tensor, when it was recorded for autograd; null for leaves. */
  gradFn: GradNode | null = null;
  retainsGrad = false;

  /** Low level: wraps storage without copying. Use `tensor()`, `zeros()`... to create tensors. */
  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], offset = 0) {
    // Cheap checks of what no kernel looks at: a negative or fractional size would give a tensor of a wrong
    // element count, and a fractional offset would be truncated by host reads.
    if (storage === null || typeof storage !== 'object' || typeof storage.length !== 'number') {
      throw new TypeError(`Tensor: storage must be a Float32Array or a backend's storage, got ${storage === null ? 'null' : typeof storage}`);
    }
    checkShape('Tensor', shape);
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`Tensor: offset must be a non-negative integer, got ${offset}`);
    this.storage = storage;
    this.shape = shape;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
    this.size = sizeOf(shape);
    this.isContiguous = strides === undefined || isContiguous(shape, this.strides);
    this.id = ids.next++;
  }

  /**
   * True for tensors made by any copy of @nabla/core loaded in this process (two bundles, two node_modules),
   * not only this one's: ops of one copy accept the other's tensors, since both share backends and memory.
   */
  static [Symbol.hasInstance](v: unknown): boolean {
    if (this !== Tensor) return Function.prototype[Symbol.hasInstance].call(this, v);
    return typeof v === 'object' && v !== null && (v as { [BRAND]?: unknown })[BRAND] === true;
  }

  get rank(): number {
    return this.shape.length;
  }

  // ---- reading values -------------------------------------------------------------------------

  /**
   * The elements in row-major order. In host memory this shares memory with a contiguous tensor (like
   * .numpy()); in a backend's own memory it is a copy.
   */
  data(): Float32Array {
    if (this.isContiguous) {
      checkHostRange(this.storage, this.offset, this.size);
      return memoryOf(this.storage).read(this.storage, this.offset, this.size);
    }
    const out = this.packed();
    return memoryOf(out).read(out, 0, this.size);
  }

  /**
   * A contiguous copy of a strided tensor's elements, not recorded for autograd, made by a backend of the
   * memory the tensor lives in (which need not be the backend in use).
   */
  private packed(): Storage {
    const backend = backendForMemory(memoryOf(this.storage));
    const out = allocStorage(backend, this.size);
    backend.copy(coalesceViews([this])[0]!, out);
    return out;
  }

  /** The values as a host array for core's own reading right away (not kept: it may be the memory itself). */
  private hostValues(): Float32Array {
    if (this.isContiguous) return peek(this.storage, this.offset, this.size);
    return peek(this.packed(), 0, this.size);
  }

  /** The name of the memory holding this tensor: 'host' for the js and native backends. */
  get device(): string {
    return memoryOf(this.storage).name;
  }

  /**
   * This tensor in the memory of backend `name`: the tensor itself when that backend computes in the same
   * memory (js and native share host memory), else a copy. The copy is recorded for autograd, as PyTorch's
   * .to(device) is: gradients flow back into this tensor's memory (detach() first for a new leaf).
   */
  to(name: string): Tensor {
    const target = getBackendByName(name).memory;
    const source = memoryOf(this.storage);
    if (source === target) return this;
    const out = this.copiedInto(target);
    if (needsGrad(this)) record(out, 'to', [this], (g) => [g.copiedInto(source)]);
    return out;
  }

  /** A contiguous copy in `target` memory, not recorded. */
  private copiedInto(target: Memory): Tensor {
    if (memoryOf(this.storage) === target) return this;
    const storage = target.alloc(this.size);
    target.write(storage, 0, this.hostValues());
    return new Tensor(storage, this.shape);
  }

  /**
   * Writes `src`'s values into this tensor's memory in row-major order (like torch's copy_, not recorded
   * for autograd): a Tensor of the same size (from any backend) or an array of numbers. Returns this.
   * A graph that saved this tensor (or a view of its storage) for backward refuses to run afterwards, as in
   * PyTorch, since its gradient would use the new values.
   */
  copy_(src: Tensor | ArrayLike<number>): this {
    const values = src instanceof Tensor ? src.hostValues() : numbersOf(src);
    if (values.length !== this.size) {
      throw new ShapeError(`copy_: ${values.length} values do not fit a tensor of shape ${fmtShape(this.shape)}`);
    }
    for (let d = 0; d < this.rank; d++) {
      if (this.strides[d] === 0 && this.shape[d]! > 1) {
        throw new NablaError(
          `copy_: the tensor of shape ${fmtShape(this.shape)} is an expanded (broadcast) view: several of its elements ` +
          'are one memory location, so the values would overwrite each other. Write into a contiguous() copy instead',
        );
      }
    }
    noteWrite(this.storage);
    const memory = memoryOf(this.storage);
    if (this.isContiguous) {
      memory.write(this.storage, this.offset, values);
      return this;
    }
    if (this.size === 0) return this;
    // A strided view: write into the range of memory it spans, in place in host memory, else through a copy
    // of that range. Values read from the same storage are copied first, since writing would change them.
    let span = 1;
    for (let d = 0; d < this.rank; d++) span += (this.shape[d]! - 1) * this.strides[d]!;
    const host = this.storage instanceof Float32Array;
    const window = host ? (this.storage as Float32Array) : memory.read(this.storage, this.offset, span);
    const base = host ? this.offset : 0;
    const from = src instanceof Tensor && src.storage === this.storage ? values.slice() : values;
    const index = new Array<number>(this.rank).fill(0);
    for (let i = 0; i < from.length; i++) {
      let at = base;
      for (let d = 0; d < this.rank; d++) at += index[d]! * this.strides[d]!;
      window[at] = from[i]!;
      for (let d = this.rank - 1; d >= 0; d--) {
        if (++index[d]! < this.shape[d]!) break;
        index[d] = 0;
      }
    }
    if (!host) memory.write(this.storage, this.offset, window);
    return this;
  }

  /** The elements as nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const flat = this.hostValues();
    if (this.shape.length === 0) return flat[0]!;
    let pos = 0;
    const build = (dim: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = dim === this.shape.length - 1 ? flat[pos++]! : build(dim + 1);
      return out;
    };
    return build(0);
  }

  /** The value of a single-element tensor. */
  item(): number {
    if (this.size !== 1) throw new NablaError(`item: expected a tensor with one element, got shape ${fmtShape(this.shape)}`);
    return peek(this.storage, this.offset, 1)[0]!;
  }

  /**
   * What JSON.stringify writes: the values as nested arrays (as toArray()), not the fields, whose storage
   * may be a whole backend's memory (a WebAssembly heap would be written out element by element).
   */
  toJSON(): NestedArray {
    return this.toArray();
  }

  /** The values as PyTorch prints them (summarised when large), with requiresGrad or gradFn. */
  toString(): string {
    return formatTensor(this);
  }

  /** What console.log shows in Node: the same text, not the fields. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  // ---- autograd -------------------------------------------------------------------------------

  /**
   * Computes gradients of this tensor with respect to every leaf that requires grad, then frees the graph
   * unless `{ retainGraph: true }` is passed (a second backward through a freed graph is an error).
   */
  backward(grad?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    runBackward(this, grad, backwardHelpers, options);
  }

  /** Sets requiresGrad on a leaf (chainable). */
  requiresGrad_(value = true): this {
    if (typeof value !== 'boolean') throw new TypeError(`requiresGrad_: expected true or false, got ${typeof value}`);
    if (this.gradFn !== null && !value) throw new NablaError('requiresGrad_(false): only leaves can stop requiring grad; use detach()');
    this.requiresGrad = value;
    return this;
  }

  /**
   * Runs `hook(this)` each time backward() has finished accumulating this leaf's gradient, while the rest
   * of the pass goes on (PyTorch's register_post_accumulate_grad_hook). Returns a handle with remove().
   */
  registerPostAccumulateGradHook(hook: PostAccumulateGradHook): { remove(): void } {
    return registerPostAccumulateGradHook(this, hook);
  }

  /** Keeps .grad on a non-leaf tensor after backward(). */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** The same values (shared storage), cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /** A contiguous copy with its own storage (recorded for autograd). */
  clone(): Tensor {
    return vw.clone(this);
  }

  // ---- elementwise ----------------------------------------------------------------------------
  add(other: TensorLike): Tensor { return ew.add(this, other); }
  sub(other: TensorLike): Tensor { return ew.sub(this, other); }
  mul(other: TensorLike): Tensor { return ew.mul(this, other); }
  div(other: TensorLike): Tensor { return ew.div(this, other); }
  pow(other: TensorLike): Tensor { return ew.pow(this, other); }
  maximum(other: TensorLike): Tensor { return ew.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return ew.minimum(this, other); }
  eq(other: TensorLike): Tensor { return ew.eq(this, other); }
  ne(other: TensorLike): Tensor { return ew.ne(this, other); }
  lt(other: TensorLike): Tensor { return ew.lt(this, other); }
  le(other: TensorLike): Tensor { return ew.le(this, other); }
  gt(other: TensorLike): Tensor { return ew.gt(this, other); }
  ge(other: TensorLike): Tensor { return ew.ge(this, other); }
  neg(): Tensor { return ew.neg(this); }
  exp(): Tensor { return ew.exp(this); }
  log(): Tensor { return ew.log(this); }
  sqrt(): Tensor { return ew.sqrt(this); }
  abs(): Tensor { return ew.abs(this); }
  sign(): Tensor { return ew.sign(this); }
  square(): Tensor { return ew.mul(this, this); }
  clamp(min?: number, max?: number): Tensor { return ew.clamp(this, min, max); }

  // ---- activations ----------------------------------------------------------------------------
  sigmoid(): Tensor { return nn.sigmoid(this); }
  tanh(): Tensor { return nn.tanh(this); }
  relu(): Tensor { return nn.relu(this); }
  leakyRelu(alpha = 0.01): Tensor { return nn.leakyRelu(this, alpha); }
  elu(alpha = 1): Tensor { return nn.elu(this, alpha); }
  swish(): Tensor { return nn.swish(this); }
  softmax(axis = -1): Tensor { return nn.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return nn.logSoftmax(this, axis); }

  // ---- reductions -----------------------------------------------------------------------------
  sum(axes?: number | number[], keepdims = false): Tensor { return red.sum(this, axes, keepdims); }
  mean(axes?: number | number[], keepdims = false): Tensor { return red.mean(this, axes, keepdims); }
  max(axes?: number | number[], keepdims = false): Tensor { return red.max(this, axes, keepdims); }
  min(axes?: number | number[], keepdims = false): Tensor { return red.min(this, axes, keepdims); }
  argmax(axis = -1, keepdims = false): Tensor { return red.argmax(this, axis, keepdims); }
  argmin(axis = -1, keepdims = false): Tensor { return red.argmin(this, axis, keepdims); }

  // ---- shape and views ------------------------------------------------------------------------
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  reshape(...shape: number[] | [number[]]): Tensor { return vw.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [number[]]): Tensor { return vw.reshape(this, flatArgs(shape)); }
  flatten(startAxis = 0, endAxis = -1): Tensor { return vw.flatten(this, startAxis, endAxis); }
  transpose(axis0 = -2, axis1 = -1): Tensor { return vw.transpose(this, axis0, axis1); }
  /** Transpose of the last two axes. */
  get T(): Tensor { return vw.transpose(this, -2, -1); }
  permute(...axes: number[] | [number[]]): Tensor { return vw.permute(this, flatArgs(axes)); }
  expand(...shape: number[] | [number[]]): Tensor { return vw.expand(this, flatArgs(shape)); }
  squeeze(axis?: number): Tensor { return vw.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return vw.unsqueeze(this, axis); }
  /** Elements [start, end) along `axis` (a view). Negative indices count from the end. */
  slice(axis: number, start: number, end?: number, step = 1): Tensor { return vw.slice(this, axis, start, end, step); }
  /** The sub-tensor at position `i` along `axis`, with that axis removed (a view). */
  select(axis: number, i: number): Tensor { return vw.select(this, axis, i); }
  /** Shorthand for select(0, i). */
  index(i: number): Tensor { return vw.select(this, 0, i); }
  contiguous(): Tensor { return this.isContiguous ? this : vw.clone(this); }
}

const warnings = shared('warnings', () => new Set<string>());

/**
 * PyTorch's warning, once per process: .grad of a tensor made by an op stays null, which a caller reading it
 * after backward() would otherwise take for "no gradient".
 */
function warnNonLeafGrad(): void {
  if (warnings.has('non-leaf-grad')) return;
  warnings.add('non-leaf-grad');
  const message =
    '.grad of a tensor made by an op (not a leaf) is null: backward() fills .grad of leaves only. Call ' +
    'retainGrad() on it before backward() to keep its gradient, or read the gradient of a leaf.';
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: { code: string }) => void } }).process;
  if (typeof proc?.emitWarning === 'function') proc.emitWarning(message, { code: 'NABLA_NON_LEAF_GRAD' });
  else console.warn(`Warning: ${message}`);
}

/** The values of an array of numbers as float32; anything else in it is named rather than read as NaN. */
function numbersOf(src: ArrayLike<number>): Float32Array {
  if (src instanceof Float32Array) return src;
  if (src === null || typeof src !== 'object' || typeof src.length !== 'number') {
    throw new TypeError(`copy_: expected a Tensor or an array of numbers, got ${src === null ? 'null' : typeof src}`);
  }
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i] as unknown;
    if (typeof v !== 'number') {
      throw new TypeError(`copy_: element ${i} is ${typeof v === 'bigint' ? 'a bigint' : typeof v}, expected a number`);
    }
    out[i] = v;
  }
  return out;
}

function flatArgs(args: number[] | [number[]]): number[] {
  return Array.isArray(args[0]) ? args[0] : (args as number[]);
}

// Gradients whose memory nabla may recycle when an optimizer drops them: the storage was made during the
// backward pass that set it (a temporary that became the .grad, or the copy made for it), so nothing but the
// .grad tensor reaches it, until code outside nabla's packages reads .grad (handedOut): the reader may keep it.
const recyclable = shared('recyclable-grads', () => new WeakSet<Tensor>());
const handedOut = shared('handed-out-grads', () => new WeakSet<Tensor>());

/**
 * `t`'s gradient, read by nabla's own packages (an optimizer's step, gradient clipping), which do not keep it:
 * unlike reading `t.grad`, this leaves its memory recyclable.
 */
export function gradOf(t: Tensor): Tensor | null {
  if (!(t instanceof Tensor)) throw new TypeError(`gradOf: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  return t.gradValue;
}

/**
 * Sets `t.grad` to null, as zeroGrad({ setToNone: true }) does, and hands the gradient's memory back to its
 * backend for the next gradient of that size when nothing outside nabla can reach it: it was made by the
 * backward pass that set it and nobody has read `t.grad` since. So a training loop reuses warm memory for its
 * gradients step after step, as with setToNone: false, while a gradient the caller did read keeps its values.
 */
export function dropGrad(t: Tensor): void {
  if (!(t instanceof Tensor)) throw new TypeError(`dropGrad: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  const g = t.gradValue;
  t.gradValue = null;
  if (g === null || !recyclable.has(g) || handedOut.has(g)) return;
  recyclable.delete(g);
  memoryOf(g.storage).release(g.storage);
}

const backwardHelpers = {
  onesLike(t: Tensor): Tensor {
    const backend = getBackend();
    const s = allocStorage(backend, t.size);
    backend.fill(s, 1, 0, t.size);
    return new Tensor(s, t.shape);
  },
  add(a: Tensor, b: Tensor): Tensor {
    return ew.add(a, b);
  },
  /**
   * The first gradient of a leaf becomes its .grad: adopted as it is when it is a dense temporary that no
   * other leaf owns (ops return fresh tensors, but add passes one gradient to both inputs), else copied.
   * Later gradients add in place, so an optimizer that zeroes grads keeps one buffer per parameter.
   */
  accumulate(leaf: Tensor, g: Tensor, owned: Set<Storage>): void {
    const acc = leaf.gradValue;
    if (acc !== null && !sameShape(acc.shape, leaf.shape)) {
      throw new ShapeError(
        `backward: the .grad of a tensor of shape ${fmtShape(leaf.shape)} has shape ${fmtShape(acc.shape)} (assigned ` +
        'by hand?), so this gradient cannot be added to it; set .grad to null or to a tensor of the same shape',
      );
    }
    if (acc === null && g.isContiguous && g.offset === 0 && g.storage.length === g.size && !owned.has(g.storage)) {
      owned.add(g.storage);
      leaf.gradValue = new Tensor(g.storage, leaf.shape);
      if (isTemporary(g.storage)) recyclable.add(leaf.gradValue);
      return;
    }
    const backend = getBackend();
    if (acc !== null && acc.isContiguous && acc.offset === 0 && acc.size === g.size) {
      backend.binary('add', acc, g, acc.storage);
      return;
    }
    const own = allocStorage(backend, g.size);
    backend.copy(g, own);
    owned.add(own);
    const t = new Tensor(own, leaf.shape);
    leaf.gradValue = acc === null ? t : ew.add(acc, t);
    if (acc === null) recyclable.add(t); // `own` was made just now, by this pass
  },
};

Object.defineProperty(Tensor.prototype, BRAND, { value: true });

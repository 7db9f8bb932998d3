// Reverse-mode autograd on a tape, like PyTorch: every op that produces a tensor needing a gradient records a
// node with its inputs and a backward closure; `backward()` walks the nodes in reverse topological order.
// Backward closures are written over Tensor ops (so over the backend primitives) and run with recording off.

import { NablaError, fmtShape } from './errors.js';
import type { Tensor } from './tensor.js';
import type { Storage } from './backend.js';
import { beginTemporaries, endTemporaries, memoryOf } from './memory.js';
import { backendForMemory, getBackend, withBackend } from './registry.js';
import { backwardArguments, checkNotReleased, releaseGraph, type BackwardOptions } from './release.js';
import { shared } from './shared.js';
import { writeCount, writtenSince } from './versions.js';

export type { BackwardOptions } from './release.js';

export interface GradNode {
  /** The op's name, shown in errors and by `tensor.gradFn.name`. */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /**
   * Gradients with respect to each input (null where an input needs none), given the output's gradient.
   * Return new tensors or views of `grad`, never a tensor of the forward pass: a leaf may adopt a returned
   * gradient's storage as its .grad and later accumulate into it in place. Do not keep `grad` or any tensor
   * made here after returning: when backward() ends, their memory is reused for later ops.
   */
  backward(grad: Tensor): readonly (Tensor | null)[];
}

const gradMode = shared('grad-mode', () => ({ enabled: true }));

export function isGradEnabled(): boolean {
  return gradMode.enabled;
}

/** Runs fn with gradient recording off (torch.no_grad). fn must be synchronous (see noGradAsyncError). */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`noGrad: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  if (isAsyncFunction(fn)) throw noGradAsyncError();
  const previous = gradMode.enabled;
  gradMode.enabled = false;
  let result: T;
  try {
    result = fn();
  } finally {
    gradMode.enabled = previous;
  }
  if (isPromiseLike(result)) {
    // It runs on: do not let its outcome become an unhandled rejection on top of this error.
    (result as PromiseLike<unknown>).then(undefined, () => undefined);
    throw noGradAsyncError();
  }
  return result;
}

/** Turns recording on or off and returns the previous setting (for code that cannot use a callback). */
export function setGradEnabled(enabled: boolean): boolean {
  if (typeof enabled !== 'boolean') throw new TypeError(`setGradEnabled: expected true or false, got ${typeof enabled}`);
  const previous = gradMode.enabled;
  gradMode.enabled = enabled;
  return previous;
}

// The setting is global and synchronous: after an await, other code runs while recording would still be off,
// and the rest of the function would run with it back on, recording gradients it was meant not to.
function noGradAsyncError(): NablaError {
  return new NablaError(
    'noGrad: the function is async (it returns a Promise), but recording can only be switched off for synchronous ' +
    'code: the code after its first await would record gradients again. Call noGrad around the synchronous ' +
    'parts, or use `const previous = setGradEnabled(false); try { await ... } finally { setGradEnabled(previous); }`',
  );
}

function isAsyncFunction(fn: unknown): boolean {
  return (fn as { constructor?: { name?: string } }).constructor?.name === 'AsyncFunction';
}

function isPromiseLike(v: unknown): boolean {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/** Called with the leaf once backward() has accumulated its gradient for this pass (leaf.grad is final). */
export type PostAccumulateGradHook = (leaf: Tensor) => void;

// Kept beside the tensors rather than in a field: almost no tensor has a hook, and a WeakMap lookup per leaf
// per backward costs nothing next to the gradients themselves.
const postAccumulateHooks = shared('post-accumulate-hooks', () => new WeakMap<Tensor, PostAccumulateGradHook[]>());

/**
 * Runs `hook(leaf)` each time backward() has finished accumulating `leaf`'s gradient (as PyTorch's
 * register_post_accumulate_grad_hook): in the middle of the pass, as soon as no later node can add to it, so
 * work on that gradient (e.g. sending it to other processes) can start while backward goes on. The hook must
 * not keep tensors made during the pass other than leaf.grad. Returns a handle whose remove() takes it off.
 */
export function registerPostAccumulateGradHook(leaf: Tensor, hook: PostAccumulateGradHook): { remove(): void } {
  if (typeof hook !== 'function') throw new TypeError(`registerPostAccumulateGradHook: hook must be a function, got ${typeof hook}`);
  if (leaf.gradFn !== null) {
    throw new NablaError('registerPostAccumulateGradHook: only leaf tensors accumulate gradients (this tensor was made by an op)');
  }
  if (!leaf.requiresGrad) {
    // The hook would never run (as PyTorch, refuse it rather than wait silently).
    throw new NablaError('registerPostAccumulateGradHook: the tensor does not require grad, so no gradient will ever reach it; call requiresGrad_() first');
  }
  const hooks = postAccumulateHooks.get(leaf) ?? [];
  hooks.push(hook);
  postAccumulateHooks.set(leaf, hooks);
  return {
    remove(): void {
      const i = hooks.indexOf(hook);
      if (i >= 0) hooks.splice(i, 1);
    },
  };
}

// Leaves whose gradient a backward closure added straight into leaf.grad (the fused linear's weight GEMM)
// instead of returning it: their hooks still run when backward reaches them.
const accumulatedInPlace = shared('accumulated-in-place', () => new Set<Tensor>());

/** For backward closures that add into a leaf's .grad themselves: its post-accumulate hooks still run. */
export function noteGradAccumulatedInPlace(leaf: Tensor): void {
  if (postAccumulateHooks.has(leaf)) accumulatedInPlace.add(leaf);
}

function runPostAccumulateHooks(leaf: Tensor): void {
  accumulatedInPlace.delete(leaf);
  const hooks = postAccumulateHooks.get(leaf);
  if (hooks !== undefined) for (let i = 0; i < hooks.length; i++) hooks[i]!(leaf);
}

/** True when an op over these inputs must record a node. */
export function needsGrad(a: Tensor, b?: Tensor, c?: Tensor): boolean {
  return gradMode.enabled && (a.requiresGrad || (b?.requiresGrad ?? false) || (c?.requiresGrad ?? false));
}

/** Marks `out` as produced by an op, so gradients flow back to `inputs` through `backward`. */
export function record(
  out: Tensor, name: string, inputs: readonly Tensor[], backward: (grad: Tensor) => readonly (Tensor | null)[],
): Tensor {
  out.requiresGrad = true;
  const node: RecordedNode = { name, inputs, backward, writes: writeCount() };
  out.gradFn = node;
  return out;
}

/** A node as record() makes it: with the in-place write count when it was recorded. */
interface RecordedNode extends GradNode {
  readonly writes: number;
}

/** Refuses a graph in which a tensor that a node saved was written in place (copy_) after it was recorded. */
function checkNotWritten(order: readonly Tensor[]): void {
  const now = writeCount();
  for (const t of order) {
    const node = t.gradFn as RecordedNode | null;
    if (node === null || node.writes === undefined || node.writes === now) continue;
    const written = writtenSince(node.writes, [t, ...node.inputs]);
    if (written !== undefined) {
      throw new NablaError(
        `backward: a tensor of shape ${fmtShape(written.shape)} that '${node.name}' saved for its gradient was modified ` +
        'in place (copy_) after it was used; the gradient would use the new values. Modify a clone() instead, or ' +
        'make the change before the op',
      );
    }
  }
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const next = inputs[i]!;
      if (next.requiresGrad && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

/**
 * Computes gradients of `root` with respect to every leaf that requires grad, accumulating into `.grad`.
 * Called through `tensor.backward(grad?)`.
 */
export function runBackward(
  root: Tensor, gradOrOptions: Tensor | BackwardOptions | undefined, helpers: BackwardHelpers, options?: BackwardOptions,
): void {
  const [grad, retainGraph] = backwardArguments(gradOrOptions, options);
  if (!root.requiresGrad) {
    throw new NablaError('backward: this tensor does not require grad (no input had requiresGrad: true, or it was made under noGrad)');
  }
  let seed: Tensor;
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new NablaError(
        `backward: a tensor of shape ${fmtShape(root.shape)} needs an explicit gradient of the same shape ` +
        '(only a single-element output has the implicit gradient 1)',
      );
    }
    seed = onBackendOf(root, () => helpers.onesLike(root));
  } else {
    if (grad.shape.length !== root.shape.length || grad.shape.some((d, i) => d !== root.shape[i])) {
      throw new NablaError(`backward: gradient of shape ${fmtShape(grad.shape)} does not match the output shape ${fmtShape(root.shape)}`);
    }
    const rootMemory = memoryOf(root.storage);
    if (memoryOf(grad.storage) !== rootMemory) {
      throw new NablaError(
        `backward: the gradient lives in ${memoryOf(grad.storage).name} memory, the output in ${rootMemory.name} memory; ` +
        `move the gradient first with grad.to('${backendForMemory(rootMemory).name}')`,
      );
    }
    seed = grad;
  }
  // Before anything changes: a freed graph is refused with no gradient touched and no pool record open.
  const order = topoOrder(root);
  checkNotReleased(order);
  checkNotWritten(order);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  // Storages that a leaf now owns as its .grad; the seed belongs to the caller, so it is never adopted.
  const owned = new Set<Storage>([seed.storage]);
  // Every buffer ops take during the pass is a temporary, except those that end up as a .grad.
  const reachable = new Set<Storage>();
  const outer = beginTemporaries();
  let completed = false;
  const previous = setGradEnabled(false);
  try {
    for (const t of order) {
      const g = grads.get(t);
      if (g === undefined) {
        if (t.gradFn === null && accumulatedInPlace.has(t)) runPostAccumulateHooks(t);
        continue;
      }
      grads.delete(t);
      if (t.gradFn === null || t.retainsGrad) {
        onBackendOf(t, () => helpers.accumulate(t, g, owned));
        reachable.add(t.gradValue!.storage);
      }
      if (t.gradFn === null) {
        runPostAccumulateHooks(t);
        continue;
      }
      const node = t.gradFn;
      const inputGrads = onBackendOf(t, () => node.backward(g));
      const inputs = t.gradFn.inputs;
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i]!;
        const ig = inputGrads[i];
        if (!input.requiresGrad || ig === null || ig === undefined) continue;
        const existing = grads.get(input);
        grads.set(input, existing === undefined ? ig : onBackendOf(input, () => helpers.add(existing, ig)));
      }
    }
    completed = true;
  } finally {
    setGradEnabled(previous);
    accumulatedInPlace.clear();
    endTemporaries(outer, completed ? reachable : null);
  }
  if (!retainGraph) releaseGraph(order);
}

/**
 * Runs `fn` on a backend of the memory `t` lives in: a graph is differentiated where its tensors are, even
 * when the backend in use has changed since the forward pass (or the graph crosses memories through to()).
 */
function onBackendOf<T>(t: Tensor, fn: () => T): T {
  const home = backendForMemory(memoryOf(t.storage));
  return home === getBackend() ? fn() : withBackend(home, fn);
}

/** What runBackward needs from the tensor module (passed in to keep this file free of op imports). */
export interface BackwardHelpers {
  onesLike(t: Tensor): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  /** Adds grad into leaf.grad; may adopt grad's storage when it is not in `owned` (then adds it there). */
  accumulate(leaf: Tensor, grad: Tensor, owned: Set<Storage>): void;
}

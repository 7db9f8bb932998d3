// Forward hooks, as PyTorch's register_forward_pre_hook / register_forward_hook: functions that run around a
// module's forward when the module is called (`m(x)`, which is how Sequential and parent modules call their
// children). A pre-hook may replace the inputs, a hook may replace the output. Each registration returns a
// handle whose remove() takes the hook off. A module with hooks is never fused into a neighbour by
// Sequential, so its hooks always see its own input and output.

import type { Tensor } from '@nabla/core';
import type { Module } from './module.js';

/** Runs before forward with the inputs; returning a tensor or an array of tensors replaces them. */
export type ForwardPreHook = (module: Module, inputs: Tensor[]) => Tensor | Tensor[] | void;
/** Runs after forward with the inputs and the output; returning a tensor replaces the output. */
export type ForwardHook = (module: Module, inputs: Tensor[], output: Tensor) => Tensor | void;

export interface HookHandle {
  /** Takes the hook off (calling it again does nothing). */
  remove(): void;
}

interface Hooks {
  pre: Map<number, ForwardPreHook>;
  post: Map<number, ForwardHook>;
}

const hooksOf = new WeakMap<Module, Hooks>();
let nextId = 0;

function hooks(m: Module): Hooks {
  let h = hooksOf.get(m);
  if (!h) hooksOf.set(m, (h = { pre: new Map(), post: new Map() }));
  return h;
}

function checkHook(where: string, hook: unknown): void {
  if (typeof hook !== 'function') throw new TypeError(`${where}: the hook must be a function, got ${hook === null ? 'null' : typeof hook}`);
}

export function addPreHook(m: Module, hook: ForwardPreHook): HookHandle {
  checkHook(`${m.constructor.name}.registerForwardPreHook`, hook);
  const id = nextId++;
  hooks(m).pre.set(id, hook);
  return { remove: () => void hooks(m).pre.delete(id) };
}

export function addPostHook(m: Module, hook: ForwardHook): HookHandle {
  checkHook(`${m.constructor.name}.registerForwardHook`, hook);
  const id = nextId++;
  hooks(m).post.set(id, hook);
  return { remove: () => void hooks(m).post.delete(id) };
}

export function hasHooks(m: Module): boolean {
  const h = hooksOf.get(m);
  return h !== undefined && (h.pre.size > 0 || h.post.size > 0);
}

/** What calling a module does: pre-hooks, forward, hooks (in the order they were registered). */
export function callModule(m: Module, xs: Tensor[]): Tensor {
  const h = hooksOf.get(m);
  if (h === undefined || (h.pre.size === 0 && h.post.size === 0)) return m.forward(...xs);
  let inputs = xs;
  for (const hook of [...h.pre.values()]) {
    const replaced = hook(m, inputs);
    if (replaced !== undefined) inputs = Array.isArray(replaced) ? replaced : [replaced];
  }
  let output = m.forward(...inputs);
  for (const hook of [...h.post.values()]) {
    const replaced = hook(m, inputs, output);
    if (replaced !== undefined) output = replaced;
  }
  return output;
}

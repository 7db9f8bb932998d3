// When Sequential may run Linear + activation as one fused op. Fusing skips both layers' own forward, so it
// is allowed only when that changes nothing anyone can see: each layer would run its class's own forward
// (not an override in a subclass, not a replacement set on the instance) and has no forward hooks.
// summary() watches layers by wrapping their forward; such a wrapper is marked so that it does not stop
// fusion, and the fused path reports both layers' outputs to it instead.

import type { Tensor } from '@nabla/core';
import type { Module } from './module.js';
import { hasHooks } from './hooks.js';

const WRAPPED = Symbol('nabla.layers.wrappedForward');

type Forward = (...xs: Tensor[]) => Tensor;

/** Marks `wrapper` as an observer of `original` (it calls it and returns its result unchanged). */
export function markObserver(wrapper: Forward, original: Forward): Forward {
  (wrapper as unknown as Record<symbol, Forward>)[WRAPPED] = original;
  return wrapper;
}

/** The forward a module really runs, looking through observers. */
function effectiveForward(m: Module): Forward {
  let f = m.forward as Forward;
  for (let inner = (f as unknown as Record<symbol, Forward | undefined>)[WRAPPED]; inner; inner = (f as unknown as Record<symbol, Forward | undefined>)[WRAPPED]) {
    f = inner;
  }
  return f;
}

/** True when m has no hooks and runs exactly `forward` (the fusable class's own). */
export function runsOwnForward(m: Module, forward: Forward): boolean {
  return !hasHooks(m) && effectiveForward(m) === forward;
}

/** The forward methods of the fusable classes, for isFusableActivation. */
export function forwardIn(m: Module, forwards: ReadonlySet<unknown>): boolean {
  return !hasHooks(m) && forwards.has(effectiveForward(m));
}

type Observer = (m: Module, output: Tensor) => void;
let observer: Observer | null = null;

/** Installs the function told about each layer's output on the fused path (summary's), or removes it. */
export function setFusedObserver(o: Observer | null): void {
  observer = o;
}

/** Called by Sequential after a fused Linear + activation: both layers produced an output of this shape. */
export function reportFused(linear: Module, act: Module, output: Tensor): void {
  if (observer === null) return;
  observer(linear, output);
  observer(act, output);
}

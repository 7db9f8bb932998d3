// Errors raised inside a Sequential say which layer raised them. A model may hold several layers of one kind
// (two Linear(128 → 10) in different branches, say), so the layer's own message is not always enough: the
// position is appended as the state-dict prefix of that layer ('2', or '1.0' in nested Sequentials).

import { NablaError } from '@nabla/core';
import type { Module } from './module.js';

const PATH = Symbol('nabla.layers.layerPath');

interface PathInfo {
  /** Positions from the outermost Sequential in. */
  path: string[];
  /** The class of the innermost layer. */
  layer: string;
  /** The message as the layer raised it. */
  original: string;
  /** The Sequential that last added to the path. */
  owner: Module;
}

/**
 * Returns `err` with ' (in layer <path>: <Class>)' at the end of its message (and stack), the path growing as
 * the error passes through enclosing Sequentials (with the names of any modules between them, so the path
 * is the failing layer's state-dict prefix). Errors that are not nabla's pass through unchanged.
 */
export function withLayerPath(err: unknown, owner: Module, position: string, child: Module): unknown {
  if (!(err instanceof NablaError)) return err;
  const tagged = err as NablaError & { [PATH]?: PathInfo };
  const previous = tagged[PATH];
  let info: PathInfo;
  if (previous === undefined) {
    info = { path: [position], layer: child.constructor.name, original: err.message, owner };
  } else {
    // The inner Sequential sits somewhere inside `child`: name it as its state-dict prefix does.
    const inner = previous.owner === child ? '' : child.namedModules().find(([, m]) => m === previous.owner)?.[0];
    if (inner === undefined) return err;
    info = { ...previous, path: [position, ...(inner ? [inner] : []), ...previous.path], owner };
  }
  Object.defineProperty(tagged, PATH, { value: info, configurable: true, enumerable: false });
  const before = err.message;
  err.message = `${info.original} (in layer ${info.path.join('.')}: ${info.layer})`;
  if (typeof err.stack === 'string' && err.stack.includes(before)) err.stack = err.stack.replace(before, err.message);
  return err;
}

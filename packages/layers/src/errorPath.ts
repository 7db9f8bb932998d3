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
}

/**
 * Returns `err` with ' (in layer <path>: <Class>)' at the end of its message (and stack), the path growing as
 * the error passes through enclosing Sequentials. Errors that are not nabla's pass through unchanged.
 */
export function withLayerPath(err: unknown, position: string, layer: Module): unknown {
  if (!(err instanceof NablaError)) return err;
  const tagged = err as NablaError & { [PATH]?: PathInfo };
  const info = tagged[PATH] ?? { path: [], layer: layer.constructor.name, original: err.message };
  info.path.unshift(position);
  Object.defineProperty(tagged, PATH, { value: info, configurable: true, enumerable: false });
  const before = err.message;
  err.message = `${info.original} (in layer ${info.path.join('.')}: ${info.layer})`;
  if (typeof err.stack === 'string' && err.stack.includes(before)) err.stack = err.stack.replace(before, err.message);
  return err;
}

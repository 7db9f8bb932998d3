// Errors raised while fit or evaluate runs a batch say where: the epoch and batch (a label out of range in
// batch 37 of epoch 3 is otherwise hard to find), and whether it was the validation pass.

import { NablaError } from '@nabla/core';

/** Returns `err` with ' (<where>)' at the end of its message and stack; errors not from nabla pass unchanged. */
export function withContext(err: unknown, where: string): unknown {
  if (!(err instanceof NablaError)) return err;
  const before = err.message;
  err.message = `${before} (${where})`;
  if (typeof err.stack === 'string' && err.stack.includes(before)) err.stack = err.stack.replace(before, err.message);
  return err;
}

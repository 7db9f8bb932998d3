// In-place writes against saved tensors, as PyTorch's version counters catch them: copy_ stamps the storage
// it writes with a new write count, every recorded op notes the count at the time, and backward refuses a
// node whose input or output storage was written after it was recorded, instead of computing a gradient
// from the new values. Writes through data() (the memory itself, like .numpy()) and the optimizers' in-place
// steps are not counted. One counter for all storage keeps recording at one number per node: storage is
// looked up only when something was written since.

import type { Storage } from './backend.js';
import type { Tensor } from './tensor.js';
import { shared } from './shared.js';

const writes = shared('in-place-writes', () => ({ count: 0, last: new WeakMap<Storage, number>() }));

/** Counts an in-place write into `s`. */
export function noteWrite(s: Storage): void {
  writes.last.set(s, ++writes.count);
}

/** The write count now, which a node records. */
export function writeCount(): number {
  return writes.count;
}

/** The tensor among `tensors` whose storage was written after write count `since`, if any. */
export function writtenSince(since: number, tensors: readonly Tensor[]): Tensor | undefined {
  if (since === writes.count) return undefined;
  for (const t of tensors) if ((writes.last.get(t.storage) ?? 0) > since) return t;
  return undefined;
}

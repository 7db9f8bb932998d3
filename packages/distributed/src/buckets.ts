// Gradient buckets: parameters grouped, in reverse order of registration (roughly the order backward
// finishes them), into runs of about `capBytes`. Each bucket has one flat Float32Array, and each parameter's
// .grad is a tensor over its range of it (PyTorch's gradient_as_bucket_view): backward accumulates straight
// into the bucket, the bucket's allreduce starts as soon as its last gradient is final, and the averaged
// values are the gradients themselves, with no copy in or out.

import type { Tensor } from '@nabla/core';

export interface Slot {
  readonly param: Tensor;
  readonly name: string;
  readonly bucket: number;
  readonly offset: number;
  /** The parameter's range of its bucket: its .grad is kept as a tensor over this memory. */
  view: Float32Array;
}

export interface Bucket {
  readonly data: Float32Array;
  readonly slots: Slot[];
  /** Gradients copied in during the current backward. */
  ready: number;
}

/** `allocate(n)`: a zero-filled Float32Array of n for a bucket's memory. */
export function planBuckets(
  named: readonly [string, Tensor][],
  capBytes: number,
  allocate: (length: number) => Float32Array = (n) => new Float32Array(n),
): { buckets: Bucket[]; slots: Map<Tensor, Slot> } {
  const capElements = Math.max(1, Math.floor(capBytes / 4));
  const groups: [string, Tensor][][] = [];
  let current: [string, Tensor][] = [];
  let size = 0;
  for (let i = named.length - 1; i >= 0; i--) {
    const entry = named[i]!;
    if (current.length > 0 && size + entry[1].size > capElements) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entry[1].size;
  }
  if (current.length > 0) groups.push(current);
  const buckets: Bucket[] = [];
  const slots = new Map<Tensor, Slot>();
  groups.forEach((group, b) => {
    let offset = 0;
    const bucketSlots: Slot[] = [];
    for (const [name, param] of group) {
      const slot = { param, name, bucket: b, offset, view: new Float32Array(0) };
      bucketSlots.push(slot);
      slots.set(param, slot);
      offset += param.size;
    }
    const data = allocate(offset);
    for (const slot of bucketSlots) slot.view = data.subarray(slot.offset, slot.offset + slot.param.size);
    buckets.push({ data, slots: bucketSlots, ready: 0 });
  });
  return { buckets, slots };
}

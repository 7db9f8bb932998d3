// Per-op overhead: the cost of one tiny op through the public API (tensor creation, shape checks, autograd
// bookkeeping, backend dispatch), where the arithmetic itself is negligible.

import { add, tensor } from '@nabla/core';

export interface OverheadResult {
  ops: number;
  seconds: number;
  microsecondsPerOp: number;
  opsPerSecond: number;
}

/** Times `ops` calls of add(a, b) on two 16-element tensors (after a warm-up of a tenth as many). */
export function addOverhead(ops: number): OverheadResult {
  const a = tensor(Float32Array.from({ length: 16 }, (_, i) => i));
  const b = tensor(Float32Array.from({ length: 16 }, (_, i) => 16 - i));
  let sink = 0;
  for (let i = 0; i < ops / 10; i++) sink += add(a, b).size;
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) sink += add(a, b).size;
  const seconds = (performance.now() - t0) / 1000;
  if (sink === 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return { ops, seconds, microsecondsPerOp: (seconds / ops) * 1e6, opsPerSecond: ops / seconds };
}

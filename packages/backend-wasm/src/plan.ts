// The iteration plan handed to the strided kernels: dims coalesced by core's `coalesce`, as backend-js does
// (size-1 dims dropped, neighbours merged when they are one longer dim in every operand), so that rows,
// and the order in which reductions visit elements, are the same in both backends.

import { coalesce, contiguousStrides, type Coalesced } from '@nabla/core';

/** Dims and operand slots the wasm plan buffer holds (csrc/plan.h). */
export const MAX_DIMS = 8;
export const MAX_OPERANDS = 4;

export { coalesce, contiguousStrides, type Coalesced };

/** Writes a layout into the plan buffer at `base` (an index into an Int32Array over linear memory). */
export function writePlan(i32: Int32Array, base: number, layout: Coalesced): void {
  const ndim = layout.shape.length;
  i32[base] = ndim;
  for (let d = 0; d < ndim; d++) i32[base + 1 + d] = layout.shape[d]!;
  layout.strides.forEach((s, o) => {
    const at = base + 1 + MAX_DIMS + o * MAX_DIMS;
    for (let d = 0; d < ndim; d++) i32[at + d] = s[d]!;
  });
}

/** The one-row plan of `operands` contiguous operands of `size` elements, without building arrays. */
export function writeFlatPlan(i32: Int32Array, base: number, size: number, operands: number): void {
  i32[base] = 1;
  i32[base + 1] = size;
  for (let o = 0; o < operands; o++) i32[base + 1 + MAX_DIMS + o * MAX_DIMS] = 1;
}

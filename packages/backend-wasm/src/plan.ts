// The iteration plan handed to the strided kernels: dims coalesced exactly as backend-js coalesces them
// (size-1 dims dropped, neighbours merged when they are one longer dim in every operand), so that rows,
// and the order in which reductions visit elements, are the same in both backends.

/** Dims and operand slots the wasm plan buffer holds (csrc/plan.h). */
export const MAX_DIMS = 8;
export const MAX_OPERANDS = 4;

export interface Coalesced {
  shape: number[];
  strides: number[][];
}

export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, o) => outStrides[o]![last] === s[d]! * n);
    if (mergeable) {
      outShape[last]! *= n;
      strides.forEach((s, o) => { outStrides[o]![last] = s[d]!; });
    } else {
      outShape.push(n);
      strides.forEach((s, o) => outStrides[o]!.push(s[d]!));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  return { shape: outShape, strides: outStrides };
}

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

/** Row-major strides of a contiguous array of this shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

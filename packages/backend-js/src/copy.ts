// copy (strided view → contiguous array) and fill.

import type { View } from '@nabla/core';
import { ValueError } from '@nabla/core';
import { checkDims, checkLength, checkView, contiguousStrides, isContiguous } from './check.js';
import { coalesce, Rows } from './strided.js';

export function copy(x: View, into: Float32Array, outOffset = 0): void {
  const size = checkView('copy', 'x', x);
  checkDims('copy', { outOffset });
  if (outOffset + size > into.length) {
    throw new ValueError(`copy: ${size} elements from offset ${outOffset} exceed out's ${into.length} elements`);
  }
  const out = outOffset === 0 && into.length === size ? into : into.subarray(outOffset, outOffset + size);
  checkLength('copy', 'out', out, size);
  if (size === 0) return;
  if (isContiguous(x)) {
    out.set(x.storage.subarray(x.offset, x.offset + size));
    return;
  }
  const rows = new Rows(coalesce(x.shape, [x.strides, contiguousStrides(x.shape)]), [x.offset, 0]);
  const src = x.storage;
  const xs = rows.rowStride[0]!;
  const n = rows.rowLength;
  for (let r = 0; r < rows.count; r++) {
    let xi = rows.offsets[0]!;
    const oi = rows.offsets[1]!;
    if (xs === 1 && n >= 64) out.set(src.subarray(xi, xi + n), oi); // a memcpy; not worth a view for short rows
    else for (let i = oi, end = oi + n; i < end; i++, xi += xs) out[i] = src[xi]!;
    rows.next();
  }
}

export function fill(out: Float32Array, value: number, offset: number, length: number): void {
  checkDims('fill', { offset, length });
  if (offset + length > out.length) {
    throw new ValueError(`fill: range [${offset}, ${offset + length}) exceeds the array's ${out.length} elements`);
  }
  if (typeof value !== 'number') throw new ValueError(`fill: value must be a number, got ${typeof value}`);
  out.fill(value, offset, offset + length);
}

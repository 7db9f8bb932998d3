// The data loader's hot path: a batch of rows picked by (shuffled) indices, from stored bytes (image pixels,
// gatherBytes) or floats (gatherRows). The backend's kernel of that name when it computes in host memory
// (where batches are built); else TypedArray.set (for bytes, the engine's own byte -> float conversion) and a
// division in double rounded once to float32, which gives the same bits as a float32 division:
// float32(b) / float32(divisor), correctly rounded.

import { ValueError, getBackend, hasBackend, hostMemory, kernel } from '@nabla/core';

/** Whether the backend in use computes in host memory; false when none can serve yet (the copy needs none). */
function hostBackendInUse(): boolean {
  if (!hasBackend()) return false;
  try {
    return getBackend().memory === hostMemory;
  } catch {
    return false;
  }
}

function checkCount(where: string, name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValueError(`${where}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/**
 * Checks a gather's arguments before anything is written: counts, rows[start .. start + count) inside `rows`,
 * room in `out`, and every pick naming a whole row of a source of `srcLength` values (`unit`: what they are).
 * Returns count × rowLength.
 */
function checkPicks(
  where: string, srcLength: number, unit: string, rowLength: number, rows: Uint32Array, start: number, count: number,
  out: Float32Array,
): number {
  checkCount(where, 'rowLength', rowLength, 1);
  checkCount(where, 'start', start, 0);
  checkCount(where, 'count', count, 0);
  if (start + count > rows.length) {
    throw new ValueError(`${where}: rows[${start} .. ${start + count}) is outside the ${rows.length} row indices`);
  }
  const n = count * rowLength;
  if (out.length < n) {
    throw new ValueError(`${where}: out holds ${out.length} values, ${count} rows of ${rowLength} need ${n}`);
  }
  const srcRows = Math.floor(srcLength / rowLength);
  for (let r = start; r < start + count; r++) {
    if (rows[r]! >= srcRows) {
      throw new ValueError(`${where}: rows[${r}] = ${rows[r]!} is out of range for ${srcRows} rows of ${rowLength} ${unit}`);
    }
  }
  return n;
}

/**
 * out[r * rowLength + j] = src[rows[start + r] * rowLength + j] / divisor, as float32, for r < count: the rows
 * of a byte dataset picked by (shuffled) indices. Every index and length is checked before anything is
 * written; a divisor that would give Infinity or NaN is refused.
 */
export function gatherBytes(
  src: Uint8Array, rowLength: number, rows: Uint32Array, start: number, count: number, divisor: number,
  out: Float32Array,
): void {
  const n = checkPicks('gatherBytes', src.length, 'bytes', rowLength, rows, start, count, out);
  const d = Math.fround(divisor);
  if (!(d > 0) || d === Infinity) {
    throw new ValueError(`gatherBytes: divisor must be a positive number within float32 range, got ${String(divisor)}`);
  }
  const fused = hostBackendInUse() ? kernel('gatherBytes') : undefined;
  if (fused) {
    fused(src, rowLength, rows, start, count, d, out);
    return;
  }
  for (let r = 0; r < count; r++) {
    const at = rows[start + r]! * rowLength;
    out.set(src.subarray(at, at + rowLength), r * rowLength);
  }
  if (d === 1) return;
  for (let i = 0; i < n; i++) out[i] = Math.fround(out[i]! / d);
}

/**
 * out[r * rowLength + j] = src[rows[start + r] * rowLength + j] for r < count: the rows of a float dataset
 * picked by (shuffled) indices, as the data loader copies a batch. The backend's 'gatherRows' kernel when it
 * computes in host memory (the native one prefetches rows ahead and splits the batch over its threads), else
 * one TypedArray.set per row. Every index and length is checked before anything is written.
 */
export function gatherRows(
  src: Float32Array, rowLength: number, rows: Uint32Array, start: number, count: number, out: Float32Array,
): void {
  checkPicks('gatherRows', src.length, 'values', rowLength, rows, start, count, out);
  const fused = hostBackendInUse() ? kernel('gatherRows') : undefined;
  if (fused) {
    fused(src, rowLength, rows, start, count, out);
    return;
  }
  for (let r = 0; r < count; r++) {
    const at = rows[start + r]! * rowLength;
    out.set(src.subarray(at, at + rowLength), r * rowLength);
  }
}

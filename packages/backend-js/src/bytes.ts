// The loader kernels. gatherBytes: rows of a byte dataset picked by index, as float32 divided once. TypedArray.set does the
// byte -> float conversion in the engine; the division of two float32 values in double precision, rounded
// to float32 when stored, is the correctly rounded float32 quotient, as the other backends compute it.

export function gatherBytes(
  src: Uint8Array, rowLength: number, rows: Uint32Array, start: number, count: number, divisor: number,
  out: Float32Array,
): void {
  for (let r = 0; r < count; r++) {
    const at = rows[start + r]! * rowLength;
    out.set(src.subarray(at, at + rowLength), r * rowLength);
  }
  const d = Math.fround(divisor);
  if (d === 1) return;
  const n = count * rowLength;
  for (let i = 0; i < n; i++) out[i] = out[i]! / d;
}

/** gatherRows: rows of a float dataset picked by index, copied as they are. */
export function gatherRows(
  src: Float32Array, rowLength: number, rows: Uint32Array, start: number, count: number, out: Float32Array,
): void {
  for (let r = 0; r < count; r++) {
    const at = rows[start + r]! * rowLength;
    out.set(src.subarray(at, at + rowLength), r * rowLength);
  }
}

// The loader kernel: rows of a host byte dataset picked by index, widened straight into linear memory by
// TypedArray.set (no copy of the dataset into wasm), then divided in wasm, one float32 division each.

import { checkIndex, checkNumber, checkStorage } from './check.js';
import type { Context } from './context.js';
import type { WasmStorage } from './memory.js';

export function gatherBytes(
  ctx: Context, src: Uint8Array, rowLength: number, rows: Uint32Array, start: number, count: number, divisor: number,
  out: WasmStorage,
): void {
  const op = 'gatherBytes';
  if (!(src instanceof Uint8Array)) throw new TypeError(`${op}: src must be a Uint8Array`);
  if (!(rows instanceof Uint32Array)) throw new TypeError(`${op}: rows must be a Uint32Array`);
  checkIndex(op, 'rowLength', rowLength);
  checkIndex(op, 'start', start);
  checkIndex(op, 'count', count);
  checkNumber(op, 'divisor', divisor);
  if (start + count > rows.length) throw new RangeError(`${op}: rows [${start}, ${start + count}) exceed the ${rows.length} indices`);
  const n = count * rowLength;
  checkStorage(ctx.mem, op, 'out', out, n);
  const rowsInSrc = rowLength === 0 ? Infinity : Math.floor(src.length / rowLength);
  for (let r = 0; r < count; r++) {
    const row = rows[start + r]!;
    if (row >= rowsInSrc) throw new RangeError(`${op}: row index ${row} is past the ${rowsInSrc} rows of src`);
  }
  const f32 = ctx.mem.f32();
  const base = out.ptr / 4;
  for (let r = 0; r < count; r++) {
    const at = rows[start + r]! * rowLength;
    f32.set(src.subarray(at, at + rowLength), base + r * rowLength);
  }
  const d = Math.fround(divisor);
  if (d !== 1 && n > 0) ctx.wasm.divide(out.ptr, n, d);
}

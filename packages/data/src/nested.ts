// Plain JavaScript data (numbers, nested arrays, typed arrays) to one flat Float32Array plus a shape.
// Used where users hand the package their own arrays: fromArrays, fromIterable, generated datasets.

import { ValueError, fmtShape } from '@nabla/core';

/** A number, a typed array or array-like of numbers, or arrays of those nested to any depth. */
export type NumericData = number | ArrayLike<number> | readonly NumericData[];

/** The shape of `value` read along its first elements (the rest is checked while copying). */
export function shapeOf(where: string, value: NumericData): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (typeof v !== 'number') {
    if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
      throw new ValueError(`${where}: expected a number or an array of numbers, got ${v === null ? 'null' : typeof v}`);
    }
    const arr = v as ArrayLike<unknown>;
    shape.push(arr.length);
    if (arr.length === 0) break;
    v = arr[0];
  }
  return shape;
}

/**
 * Copies `value`, which must have exactly `shape`, into `out` from `offset`. `where` prefixes errors
 * (e.g. "fromArrays: x row 12"), and ragged or non-numeric data names the position that broke.
 */
export function copyNested(
  where: string, value: NumericData, shape: readonly number[], out: Float32Array, offset: number,
): number {
  return copyLevel(where, value, shape, 0, out, offset, []);
}

function copyLevel(
  where: string, value: unknown, shape: readonly number[], depth: number, out: Float32Array, offset: number,
  path: number[],
): number {
  const at = () => (path.length > 0 ? ` at [${path.join('][')}]` : '');
  if (depth === shape.length) {
    if (typeof value !== 'number') {
      throw new ValueError(`${where}: expected a number${at()}, got ${value === null ? 'null' : typeof value} ` +
        `(all rows must have shape ${fmtShape(shape)})`);
    }
    if (!Number.isFinite(value)) {
      throw new ValueError(`${where}: ${value}${at()}; expected finite numbers`);
    }
    out[offset] = value;
    return offset + 1;
  }
  const len = (value as ArrayLike<unknown> | null)?.length;
  if (typeof value !== 'object' || value === null || len !== shape[depth]) {
    const got = typeof value === 'number' ? 'a number' : typeof len === 'number' ? `length ${len}` : typeof value;
    throw new ValueError(
      `${where}: expected length ${shape[depth]}${at()}, got ${got} (all rows must have shape ${fmtShape(shape)})`,
    );
  }
  const arr = value as ArrayLike<unknown>;
  if (depth === shape.length - 1) {
    // Innermost level: copy the numbers in a flat loop rather than one recursive call per element.
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        path.push(i);
        return copyLevel(where, v, shape, depth + 1, out, offset, path); // throws with the position
      }
      out[offset++] = v;
    }
    return offset;
  }
  for (let i = 0; i < arr.length; i++) {
    path.push(i);
    offset = copyLevel(where, arr[i], shape, depth + 1, out, offset, path);
    path.pop();
  }
  return offset;
}

// Argument checks shared by the package. Each throws a ValueError that names the function, the argument
// and what was expected, so a bad call can be found from the message alone.

import { ValueError } from '@nabla/core';

export function checkPositiveInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`${where}: ${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function checkFraction(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new ValueError(`${where}: ${name} must be a number strictly between 0 and 1, got ${describe(value)}`);
  }
  return value;
}

export function checkFiniteNumber(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${where}: ${name} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/**
 * Throws if `data` holds NaN or ±Infinity, naming the row and the position within the row, so that a bad
 * value in a 60000-row dataset can be found. `rowLength` is the number of values per row.
 */
export function checkAllFinite(where: string, data: Float32Array, rowLength: number): void {
  // Sum blocks of values and test only the sums: a NaN or ±Infinity anywhere makes its block's sum
  // non-finite. A finite block can overflow to Infinity too, so a suspicious block is then scanned value
  // by value, and only a real NaN/Infinity throws. About twice as fast as testing every value.
  const BLOCK = 256;
  for (let start = 0; start < data.length; start += BLOCK) {
    const end = Math.min(start + BLOCK, data.length);
    let sum = 0;
    for (let i = start; i < end; i++) sum += data[i];
    if (sum - sum === 0) continue; // finite: the whole block is
    for (let i = start; i < end; i++) {
      const v = data[i];
      if (v - v !== 0) {
        const row = rowLength > 0 ? Math.floor(i / rowLength) : 0;
        const col = rowLength > 0 ? i % rowLength : 0;
        throw new ValueError(
          `${where}: ${String(v)} at row ${row}, position ${col} (flat index ${i}); expected finite numbers`,
        );
      }
    }
  }
}

// Unknown option keys are refused (an ignored `batch_size` would load other batches than asked for).
export { checkOptions } from '@nabla/core';

/** A short, readable rendering of a bad value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return `an object`;
  return String(value);
}

export function sizeOfShape(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

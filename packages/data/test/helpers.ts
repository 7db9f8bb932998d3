// Test helpers: temporary folders and IDX files built byte by byte (with Buffer's big-endian writers, an
// encoder independent of the DataView decoder under test).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function tempDir(): { path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-data-'));
  return { path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const CODES = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e } as const;
const SIZES = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 } as const;
export type DType = keyof typeof CODES;

/** The bytes of an IDX file holding `values` with the given dtype and dimensions. */
export function idxBytes(dtype: DType, dims: number[], values: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = CODES[dtype];
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const body = Buffer.alloc(values.length * SIZES[dtype]);
  values.forEach((v, i) => {
    const o = i * SIZES[dtype];
    if (dtype === 'uint8') body.writeUInt8(v, o);
    else if (dtype === 'int8') body.writeInt8(v, o);
    else if (dtype === 'int16') body.writeInt16BE(v, o);
    else if (dtype === 'int32') body.writeInt32BE(v, o);
    else if (dtype === 'float32') body.writeFloatBE(v, o);
    else body.writeDoubleBE(v, o);
  });
  return Buffer.concat([header, body]);
}

export function writeIdx(path: string, dtype: DType, dims: number[], values: number[], gzip = false): string {
  const bytes = idxBytes(dtype, dims, values);
  writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
  return path;
}

/** Distinct sample rows: x[i] = [i, 10 i, ...] so a row's identity can be read back from a batch. */
export function rows(n: number, width: number): { xs: number[][]; ys: number[] } {
  const xs = Array.from({ length: n }, (_, i) => Array.from({ length: width }, (_, j) => i * 10 ** j));
  return { xs, ys: Array.from({ length: n }, (_, i) => i % 3) };
}

/**
 * Fails unless the two arrays hold the same bits (NaN payloads and the sign of zero included). A byte
 * comparison: vitest's toEqual walks large typed arrays element by element and takes seconds over MNIST.
 */
export function expectSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (actual.length === expected.length && bytes(actual).equals(bytes(expected))) return;
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const i = a.findIndex((v, j) => v !== e[j]);
  throw new Error(`${what}: first difference at index ${i}: ${actual[i]} (bits 0x${a[i]!.toString(16)}), ` +
    `expected ${expected[i]} (bits 0x${e[i]!.toString(16)})`);
}

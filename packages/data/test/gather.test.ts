// The data loader's gathers (bytes and float rows): the backend's registered kernel against this package's composition, and
// every bad argument refused before anything is written.

import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { Generator, getBackendByName } from '@nabla/core';
import { backendsUnderTest, onBoth, registerReference } from '@nabla/backend-tests';
import { gatherBytes, gatherRows } from '../src/index.js';

registerReference();

for (const name of backendsUnderTest()) {
  describe(`${name}: gatherBytes`, () => {
    const gen = new Generator(21);
  it(`gatherBytes: rows of bytes by index, divided once in float32 (${'gatherBytes' in (getBackendByName(name).kernels ?? {}) ? 'kernel' : 'composed'})`, () => {
    const rowLength = 37; // not a multiple of any vector width
    const src = new Uint8Array(rowLength * 50).map(() => gen.nextUint32() & 255);
    src.fill(255, 0, rowLength); // row 0 holds the largest byte
    const rows = Uint32Array.from({ length: 40 }, () => gen.nextUint32() % 50);
    rows[3] = 0;
    rows[4] = 49;
    for (const divisor of [255, 1, 3.7, 0.1, 1e-30]) {
      const fd = Math.fround(divisor);
      const [got, want] = onBoth(name, () => {
        const out = new Float32Array(30 * rowLength + 5).fill(-1);
        gatherBytes(src, rowLength, rows, 2, 30, divisor, out);
        return out;
      });
      expect(got).toEqual(want);
      for (let r = 0; r < 30; r++) {
        for (let j = 0; j < rowLength; j++) {
          const exact = Math.fround(src[rows[2 + r]! * rowLength + j]! / fd);
          if (got[r * rowLength + j] !== exact) expect.fail(`divisor ${divisor}: row ${r}, column ${j}: ${got[r * rowLength + j]} != ${exact}`);
        }
      }
      expect([...got.subarray(30 * rowLength)]).toEqual([-1, -1, -1, -1, -1]); // nothing past count rows
    }
    const out = new Float32Array(rowLength);
    expect(() => gatherBytes(src, rowLength, Uint32Array.of(50), 0, 1, 255, out)).toThrow(/rows\[0\] = 50 is out of range for 50 rows/);
    expect(() => gatherBytes(src, rowLength, rows, 39, 2, 255, new Float32Array(2 * rowLength))).toThrow(/rows\[39 \.\. 41\) is outside/);
    expect(() => gatherBytes(src, rowLength, rows, 0, 2, 255, out)).toThrow(/out holds 37 values, 2 rows of 37 need 74/);
    expect(() => gatherBytes(src, rowLength, rows, 0, 1, 0, out)).toThrow(/divisor must be a positive number/);
    expect(() => gatherBytes(src, rowLength, rows, 0, 1, NaN, out)).toThrow(/divisor must be a positive number/);
    expect(() => gatherBytes(src, 0, rows, 0, 1, 255, out)).toThrow(/rowLength must be an integer >= 1/);
  });

  it(`gatherRows: float rows by index, copied bit for bit (${'gatherRows' in (getBackendByName(name).kernels ?? {}) ? 'kernel' : 'composed'})`, () => {
    const rowLength = 37;
    const src = new Float32Array(rowLength * 500).map(() => gen.uniform() * 2 - 1);
    src[5] = Number.NaN;
    src[6] = -0;
    src[7] = 1e-42; // a denormal: copied, never flushed
    const rows = Uint32Array.from({ length: 300 }, () => gen.nextUint32() % 500);
    rows[3] = 0;
    rows[4] = 499;
    const [got, want] = onBoth(name, () => {
      const out = new Float32Array(280 * rowLength + 5).fill(-1);
      gatherRows(src, rowLength, rows, 2, 280, out);
      return out;
    });
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    const bits = new Uint32Array(got.buffer);
    const srcBits = new Uint32Array(src.buffer);
    for (let r = 0; r < 280; r++) {
      for (let j = 0; j < rowLength; j++) {
        if (bits[r * rowLength + j] !== srcBits[rows[2 + r]! * rowLength + j]) expect.fail(`row ${r}, column ${j} differs`);
      }
    }
    expect([...got.subarray(280 * rowLength)]).toEqual([-1, -1, -1, -1, -1]);
    const out = new Float32Array(rowLength);
    expect(() => gatherRows(src, rowLength, Uint32Array.of(500), 0, 1, out)).toThrow(/rows\[0\] = 500 is out of range for 500 rows/);
    expect(() => gatherRows(src, rowLength, rows, 299, 2, new Float32Array(2 * rowLength))).toThrow(/rows\[299 \.\. 301\) is outside/);
    expect(() => gatherRows(src, rowLength, rows, 0, 2, out)).toThrow(/out holds 37 values, 2 rows of 37 need 74/);
    expect(() => gatherRows(src, 0, rows, 0, 1, out)).toThrow(/rowLength must be an integer >= 1/);
    expect(() => gatherRows(src, rowLength, rows, -1, 1, out)).toThrow(/start must be an integer >= 0/);
  });

  });
}

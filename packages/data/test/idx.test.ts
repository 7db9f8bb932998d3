import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { DataFormatError, loadIdx, readIdx, readIdxFloat32 } from '../src/index.js';
import { idxBytes, tempDir, writeIdx } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('readIdx', () => {
  test.each([
    ['uint8', [0, 1, 128, 255, 7, 9], Uint8Array],
    ['int8', [-128, -1, 0, 1, 127, 5], Int8Array],
    ['int16', [-32768, -2, 0, 3, 32767, 256], Int16Array],
    ['int32', [-2147483648, -70000, 0, 1, 2147483647, 65536], Int32Array],
    ['float32', [-1.5, 0, 0.25, 3e38, -1e-30, 1], Float32Array],
    ['float64', [-1.5, 0, 0.1, 1e300, -1e-300, Math.PI], Float64Array],
  ] as const)('%s payloads decode big-endian into their own typed array', (dtype, values, Kind) => {
    const path = writeIdx(dir.path(`${dtype}.idx`), dtype, [2, 3], [...values]);
    const out = readIdx(path);
    expect(out.dtype).toBe(dtype);
    expect(out.shape).toEqual([2, 3]);
    expect(out.data).toBeInstanceOf(Kind);
    expect([...out.data]).toEqual([...Kind.from(values)]);
  });

  test('gzipped files read the same as plain ones', () => {
    const values = Array.from({ length: 2 * 5 * 4 }, (_, i) => (i * 37) % 256);
    const plain = readIdx(writeIdx(dir.path('img.idx'), 'uint8', [2, 5, 4], values));
    const gz = readIdx(writeIdx(dir.path('img.idx.gz'), 'uint8', [2, 5, 4], values, true));
    expect(gz.shape).toEqual([2, 5, 4]);
    expect([...gz.data]).toEqual([...plain.data]);
  });

  test('readIdxFloat32 converts and scales into one Float32Array, across chunk boundaries', () => {
    // 600000 int16 values = 1.2 MB of payload: more than one 1 MiB read chunk.
    const n = 600000;
    const values = Array.from({ length: n }, (_, i) => (i % 2001) - 1000);
    const path = writeIdx(dir.path('big.idx'), 'int16', [n], values);
    const out = readIdxFloat32(path, { scale: 0.5 });
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out.data.length).toBe(n);
    for (const i of [0, 1, 524287, 524288, 524289, n - 1]) expect(out.data[i]).toBe(values[i]! * 0.5);
    const gz = readIdxFloat32(writeIdx(dir.path('big.idx.gz'), 'int16', [n], values, true), { scale: 0.5 });
    // Compared element by element: toEqual on 600000-element typed arrays is slow.
    expect(gz.data.every((v, i) => v === out.data[i])).toBe(true);
  });
});

describe('bad IDX files name the file and what was expected', () => {
  const bad = (name: string, bytes: Buffer | Uint8Array) => {
    const path = dir.path(name);
    writeFileSync(path, bytes);
    return path;
  };

  test('empty file', () => {
    const path = bad('empty.idx', Buffer.alloc(0));
    expect(() => readIdx(path)).toThrow(DataFormatError);
    expect(() => readIdx(path)).toThrow(`${path}: empty file; expected an IDX header`);
  });

  test('wrong magic number', () => {
    const path = bad('magic.idx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    expect(() => readIdx(path)).toThrow(`${path}: bad magic number 0x504b0304`);
    const type = bad('type.idx', Buffer.from([0, 0, 0x07, 1, 0, 0, 0, 1, 5]));
    expect(() => readIdx(type)).toThrow(`${type}: unknown IDX type code 0x07`);
    const rank0 = bad('rank0.idx', Buffer.from([0, 0, 8, 0]));
    expect(() => readIdx(rank0)).toThrow(/declares 0 dimensions/);
  });

  test('truncated header and truncated or oversized payload', () => {
    const full = idxBytes('uint8', [3, 2, 2], Array(12).fill(1));
    const shortHeader = bad('short-header.idx', full.subarray(0, 10));
    expect(() => readIdx(shortHeader)).toThrow(`${shortHeader}: truncated header: 3 dimensions need 16 header bytes, the file has 10`);
    const truncated = bad('truncated.idx', full.subarray(0, full.length - 5));
    expect(() => readIdx(truncated)).toThrow(
      `${truncated}: truncated: 5 bytes missing; dimensions [3, 2, 2] of uint8 need 28 bytes (header 16 + data 12), the file has 23`);
    const extra = bad('extra.idx', Buffer.concat([full, Buffer.from([1, 2])]));
    expect(() => readIdx(extra)).toThrow(`${extra}: 2 unexpected bytes after the data`);
    const tiny = bad('tiny.idx', Buffer.from([0, 0]));
    expect(() => readIdx(tiny)).toThrow(/2 bytes, too short for the 4-byte IDX magic number/);
  });

  test('a gzipped file that is truncated says so, naming the file', () => {
    const path = writeIdx(dir.path('cut.idx.gz'), 'uint8', [4, 4], Array(16).fill(3), true);
    const whole = readFileSync(path);
    const cut = bad('cut2.idx.gz', whole.subarray(0, whole.length - 8));
    expect(() => readIdx(cut)).toThrow(`${cut}: starts like a gzip file but cannot be decompressed`);
    const wrongSize = bad('size.idx.gz', gzipSync(idxBytes('uint8', [4, 4], Array(15).fill(1))));
    expect(() => readIdx(wrongSize)).toThrow(`${wrongSize} (after gunzip): truncated: 1 bytes missing`);
  });

  test('a missing file or a folder', () => {
    expect(() => readIdx(dir.path('nope.idx'))).toThrow(/nope.idx: cannot open IDX file \(ENOENT\)/);
    expect(() => readIdx(dir.path(''))).toThrow(/cannot read IDX file \(EISDIR\)/);
  });
});

describe('loadIdx', () => {
  test('images [n, h, w] become one normalized [n, h*w] float tensor; labels [n]', () => {
    const images = writeIdx(dir.path('i.idx'), 'uint8', [3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8]);
    const labels = writeIdx(dir.path('l.idx'), 'uint8', [3], [2, 0, 1]);
    const { x, y } = loadIdx(images, labels);
    expect(x.shape).toEqual([3, 4]);
    expect(x.data()[1]).toBe(1);
    expect(x.data()[2]).toBeCloseTo(0.2, 6);
    expect(y.toArray()).toEqual([2, 0, 1]);
    const raw = loadIdx(images, labels, { normalize: false, flatten: false });
    expect(raw.x.shape).toEqual([3, 2, 2]);
    expect(raw.x.toArray()).toEqual([[[0, 255], [51, 102]], [[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
  });

  test('label count mismatch, labels out of range, NaN images, non-uint8 normalize', () => {
    const images = writeIdx(dir.path('i2.idx'), 'uint8', [3, 2], [1, 2, 3, 4, 5, 6]);
    const twoLabels = writeIdx(dir.path('l2.idx'), 'uint8', [2], [0, 1]);
    expect(() => loadIdx(images, twoLabels)).toThrow(
      `${twoLabels}: has 2 labels but ${images} has 3 images; expected one label per image`);
    const big = writeIdx(dir.path('l3.idx'), 'uint8', [3], [0, 12, 1]);
    expect(() => loadIdx(images, big, { classes: 10 })).toThrow(
      `${big}: label 12 at index 1 is out of range; expected an integer in [0, 9]`);
    const negative = writeIdx(dir.path('l4.idx'), 'int8', [3], [0, -1, 1]);
    expect(() => loadIdx(images, negative)).toThrow(`${negative}: label -1 at index 1 is out of range; expected a non-negative integer`);
    const nan = writeIdx(dir.path('nan.idx'), 'float32', [2, 2], [0, 1, Number.NaN, 3]);
    const labels2 = writeIdx(dir.path('l5.idx'), 'uint8', [2], [0, 1]);
    expect(() => loadIdx(nan, labels2, { normalize: false })).toThrow(`${nan}: NaN in image 1 at value 0; expected finite numbers`);
    expect(() => loadIdx(nan, labels2)).toThrow(/normalize divides uint8 pixels by 255, but this file holds float32/);
    const matrix = writeIdx(dir.path('l6.idx'), 'uint8', [3, 1], [0, 1, 2]);
    expect(() => loadIdx(images, matrix)).toThrow(/labels must be 1-dimensional \[n\], got shape \[3, 1\]/);
    const flat = writeIdx(dir.path('i3.idx'), 'uint8', [3], [0, 1, 2]);
    expect(() => loadIdx(flat, big)).toThrow(/images need at least 2 dimensions/);
  });
});

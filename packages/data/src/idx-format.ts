// The IDX format (http://yann.lecun.com/exdb/mnist/), the format of MNIST: a big-endian header
//   0x00 0x00 <type code> <number of dimensions>, then one uint32 per dimension,
// followed by the values, big-endian, row-major. This file decodes it from any source of bytes and from bytes
// in memory (parseIdx: what a browser has after fetch()); idx.ts reads files with it.

import { ValueError, fmtShape } from '@nabla/core';
import { sizeOfShape } from './checks.js';

/** Errors in a file's content (as opposed to bad arguments): they name the file and what was expected. */
export class DataFormatError extends ValueError {
  override name = 'DataFormatError';
}

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxTypedArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray<T = IdxTypedArray> {
  dtype: IdxDType;
  shape: number[];
  data: T;
}

export interface DTypeInfo {
  dtype: IdxDType;
  bytes: number;
  make(n: number): IdxTypedArray;
}

const DTYPES: Record<number, DTypeInfo> = {
  0x08: { dtype: 'uint8', bytes: 1, make: (n) => new Uint8Array(n) },
  0x09: { dtype: 'int8', bytes: 1, make: (n) => new Int8Array(n) },
  0x0b: { dtype: 'int16', bytes: 2, make: (n) => new Int16Array(n) },
  0x0c: { dtype: 'int32', bytes: 4, make: (n) => new Int32Array(n) },
  0x0d: { dtype: 'float32', bytes: 4, make: (n) => new Float32Array(n) },
  0x0e: { dtype: 'float64', bytes: 8, make: (n) => new Float64Array(n) },
};

export const CHUNK_BYTES = 1 << 20; // a multiple of every element size
const MAX_ELEMENTS = 2 ** 31 - 1; // beyond what one typed array of this process can hold sensibly
export const MAX_HEADER_BYTES = 4 + 4 * 255; // the rank is one byte
// Deflate's worst case (stored blocks) adds 5 bytes per 64 KiB; the rest allows gzip headers and names.
export const maxCompressedSize = (inflated: number): number => inflated + Math.ceil(inflated / 8192) + (1 << 20);

/**
 * A file's bytes, read on demand: `read(position, length)` returns exactly `length` bytes, valid until the
 * next read (the file source reuses one chunk buffer).
 */
export interface ByteSource {
  label: string;
  size: number;
  read(position: number, length: number): Uint8Array;
  close(): void;
}

export function bufferSource(label: string, bytes: Uint8Array): ByteSource {
  return {
    label,
    size: bytes.length,
    read: (position, length) => bytes.subarray(position, position + length),
    close() { /* nothing held but the buffer */ },
  };
}

export interface Header {
  info: DTypeInfo;
  shape: number[];
  headerBytes: number;
}

/** The header, checked on its own: magic, type, rank and a total size one typed array can hold. */
export function parseHeader(source: ByteSource): Header {
  const { label, size } = source;
  if (size === 0) {
    throw new DataFormatError(`${label}: empty file; expected an IDX header (0x00 0x00 <type> <dimensions>)`);
  }
  if (size < 4) throw new DataFormatError(`${label}: ${size} bytes, too short for the 4-byte IDX magic number`);
  const magic = source.read(0, 4);
  const hex = Array.from(magic, (b) => b.toString(16).padStart(2, '0')).join('');
  if (magic[0] !== 0 || magic[1] !== 0) {
    throw new DataFormatError(`${label}: bad magic number 0x${hex}; an IDX file starts with two zero bytes, ` +
      'a type code and the number of dimensions (0x00000803 for MNIST images, 0x00000801 for labels)');
  }
  const info = DTYPES[magic[2]];
  if (!info) {
    throw new DataFormatError(`${label}: unknown IDX type code 0x${magic[2].toString(16).padStart(2, '0')} ` +
      `(magic 0x${hex}); expected 08 uint8, 09 int8, 0b int16, 0c int32, 0d float32 or 0e float64`);
  }
  const rank = magic[3];
  if (rank === 0) throw new DataFormatError(`${label}: magic 0x${hex} declares 0 dimensions; expected at least 1`);
  const headerBytes = 4 + 4 * rank;
  if (size < headerBytes) {
    throw new DataFormatError(`${label}: truncated header: ${rank} dimensions need ${headerBytes} header bytes, ` +
      `the file has ${size}`);
  }
  const dims = source.read(4, 4 * rank);
  const view = new DataView(dims.buffer, dims.byteOffset, dims.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 * i, false));
  const n = sizeOfShape(shape);
  if (n > MAX_ELEMENTS) {
    throw new DataFormatError(`${label}: dimensions ${fmtShape(shape)} hold ${n} values, more than ${MAX_ELEMENTS}`);
  }
  return { info, shape, headerBytes };
}

/** The header, and a file size that matches it exactly. */
export function readHeader(source: ByteSource): Header {
  const { label, size } = source;
  const { info, shape, headerBytes } = parseHeader(source);
  const n = sizeOfShape(shape);
  const expected = headerBytes + n * info.bytes;
  if (size !== expected) {
    const what = size < expected
      ? `truncated: ${expected - size} bytes missing`
      : `${size - expected} unexpected bytes after the data`;
    throw new DataFormatError(`${label}: ${what}; dimensions ${fmtShape(shape)} of ${info.dtype} need ` +
      `${expected} bytes (header ${headerBytes} + data ${n * info.bytes}), the file has ${size}`);
  }
  return { info, shape, headerBytes };
}

/** Decodes the big-endian payload chunk by chunk into `out`, times `factor` when out is a Float32Array. */
export function decodePayload(
  source: ByteSource, info: DTypeInfo, headerBytes: number, out: IdxTypedArray, factor: number,
): void {
  const total = out.length;
  const perChunk = CHUNK_BYTES / info.bytes;
  for (let start = 0; start < total; start += perChunk) {
    const count = Math.min(perChunk, total - start);
    const bytes = source.read(headerBytes + start * info.bytes, count * info.bytes);
    decodeChunk(bytes, info.dtype, out, start, count, factor);
  }
}

function decodeChunk(
  bytes: Uint8Array, dtype: IdxDType, out: IdxTypedArray, start: number, count: number, factor: number,
): void {
  if (dtype === 'uint8' && (factor === 1 || !(out instanceof Float32Array))) {
    out.set(bytes, start); // a plain copy (Uint8Array -> Uint8Array, or -> Float32Array by value)
    return;
  }
  if (out instanceof Float32Array && dtype === 'uint8') {
    // The hot path (MNIST pixels): kept separate so the loop sees one array type and stays monomorphic.
    decodeUint8Scaled(bytes, out, start, count, factor);
    return;
  }
  if (dtype === 'int8') {
    const src = new Int8Array(bytes.buffer, bytes.byteOffset, count);
    for (let i = 0; i < count; i++) out[start + i] = src[i] * factor;
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = {
    uint8: (o: number) => view.getUint8(o),
    int8: (o: number) => view.getInt8(o),
    int16: (o: number) => view.getInt16(o, false),
    int32: (o: number) => view.getInt32(o, false),
    float32: (o: number) => view.getFloat32(o, false),
    float64: (o: number) => view.getFloat64(o, false),
  }[dtype];
  const step = view.byteLength / count;
  if (factor === 1) {
    for (let i = 0; i < count; i++) out[start + i] = read(i * step);
  } else {
    for (let i = 0; i < count; i++) out[start + i] = read(i * step) * factor;
  }
}

function decodeUint8Scaled(bytes: Uint8Array, out: Float32Array, start: number, count: number, factor: number): void {
  for (let i = 0; i < count; i++) out[start + i] = bytes[i] * factor;
}

/** Options of parseIdx and parseIdxFloat32. */
export interface ParseIdxOptions {
  /** What the bytes are, for error messages (a URL or file name). Default 'IDX data'. */
  label?: string;
}

/**
 * Decodes an uncompressed IDX file held in memory (the body of a fetch(), say) into a typed array of its own
 * element type. Works everywhere, browsers included; gzipped bytes must be inflated first.
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  return parseIdxInto('parseIdx', bytes, options, (info, n) => info.make(n), 1);
}

/** parseIdx into one Float32Array, every value multiplied by `scale` (1 / 255 turns uint8 pixels into [0, 1]). */
export function parseIdxFloat32(
  bytes: Uint8Array, options: ParseIdxOptions & { scale?: number } = {},
): IdxArray<Float32Array> {
  const factor = options.scale ?? 1;
  if (!Number.isFinite(factor)) throw new DataFormatError(`parseIdxFloat32: scale must be finite, got ${factor}`);
  return parseIdxInto('parseIdxFloat32', bytes, options, (_info, n) => new Float32Array(n), factor) as IdxArray<Float32Array>;
}

function parseIdxInto(
  fn: string, bytes: Uint8Array, options: ParseIdxOptions,
  allocate: (info: DTypeInfo, n: number) => IdxTypedArray, factor: number,
): IdxArray {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${fn}: expected the file's bytes as a Uint8Array, got ${describeBytes(bytes)}`);
  }
  const label = options.label ?? 'IDX data';
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new DataFormatError(`${label}: gzipped bytes; ${fn} reads uncompressed IDX data: inflate them first ` +
      "(in a browser: new Response(blob.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer())");
  }
  const source = bufferSource(label, bytes);
  const { info, shape, headerBytes } = readHeader(source);
  const data = allocate(info, sizeOfShape(shape));
  decodePayload(source, info, headerBytes, data, factor);
  return { dtype: info.dtype, shape, data };
}

function describeBytes(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}

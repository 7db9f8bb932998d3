// IDX files (the format of MNIST, see idx-format.ts) read from disk. Gzipped files (.gz, as MNIST is
// distributed) are read too.
//
// An uncompressed file is read straight from disk in 1 MiB chunks into the output array, so reading the
// 47 MB MNIST training images as float32 holds the one output array and a small chunk, never the whole
// file beside it. A gzipped file is inflated in memory, but never to more than its header announces (plus
// a small margin): its header is inflated first, so a small file that inflates to gigabytes costs no more
// memory than the size it declares.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fmtShape } from '@nabla/core';
import { sizeOfShape } from './checks.js';
import { INFLATE_MARGIN, inflateCapped, inflateHead, isTooLarge } from './gunzip.js';
import {
  CHUNK_BYTES, DataFormatError, MAX_HEADER_BYTES, bufferSource, decodePayload, maxCompressedSize, parseHeader,
  readHeader, type ByteSource, type DTypeInfo, type IdxArray, type IdxTypedArray,
} from './idx-format.js';

export {
  DataFormatError, parseIdx, parseIdxFloat32, type IdxArray, type IdxDType, type IdxTypedArray, type ParseIdxOptions,
} from './idx-format.js';

/** Reads an IDX file into a typed array of its own element type (uint8 data stays a Uint8Array). */
export function readIdx(path: string): IdxArray {
  return readIdxInto(path, (info, n) => info.make(n), 1);
}

/**
 * Reads an IDX file of any element type straight into one Float32Array, multiplying every value by
 * `scale` on the way (1 / 255 turns uint8 pixels into [0, 1]). The memory-frugal path for large files.
 */
export function readIdxFloat32(path: string, options: { scale?: number } = {}): IdxArray<Float32Array> {
  const factor = options.scale ?? 1;
  if (!Number.isFinite(factor)) throw new DataFormatError(`readIdxFloat32: scale must be finite, got ${factor}`);
  return readIdxInto(path, (_info, n) => new Float32Array(n), factor) as IdxArray<Float32Array>;
}

function readIdxInto(
  path: string, allocate: (info: DTypeInfo, n: number) => IdxTypedArray, factor: number,
): IdxArray {
  if (typeof path !== 'string' || path.length === 0) {
    throw new DataFormatError(`readIdx: expected a file path, got ${JSON.stringify(path)}`);
  }
  const source = openSource(path);
  try {
    const { info, shape, headerBytes } = readHeader(source);
    const n = sizeOfShape(shape);
    const data = allocate(info, n);
    decodePayload(source, info, headerBytes, data, factor);
    return { dtype: info.dtype, shape, data };
  } finally {
    source.close();
  }
}

function openSource(path: string): ByteSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DataFormatError(`${path}: cannot open IDX file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let isGzip: boolean;
  let size: number;
  try {
    size = fstatSync(fd).size;
    const magic = Buffer.alloc(2);
    const got = readSync(fd, magic, 0, 2, 0);
    isGzip = got === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } catch (err) {
    closeSync(fd);
    throw new DataFormatError(`${path}: cannot read IDX file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (!isGzip) return fileSource(path, fd, size);
  try {
    return gunzipSource(path, fd, size);
  } finally {
    closeSync(fd);
  }
}

function fileSource(path: string, fd: number, size: number): ByteSource {
  const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, Math.max(size, 1)));
  return {
    label: path,
    size,
    read(position, length) {
      const buf = length <= chunk.length ? chunk : Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const got = readSync(fd, buf, done, length - done, position + done);
        if (got === 0) throw new DataFormatError(`${path}: file ended while reading (was it truncated meanwhile?)`);
        done += got;
      }
      return buf.subarray(0, length);
    },
    close() { closeSync(fd); },
  };
}

function gunzipSource(path: string, fd: number, size: number): ByteSource {
  const label = `${path} (after gunzip)`;
  const notGzip = (err: unknown): DataFormatError =>
    new DataFormatError(`${path}: starts like a gzip file but cannot be decompressed (${(err as Error).message})`);
  let head: Buffer;
  try {
    head = inflateHead(fd, size, MAX_HEADER_BYTES);
  } catch (err) {
    throw notGzip(err);
  }
  const { info, shape, headerBytes } = parseHeader(bufferSource(label, head));
  const declared = headerBytes + sizeOfShape(shape) * info.bytes;
  const describe = `dimensions ${fmtShape(shape)} of ${info.dtype} need ${declared} bytes`;
  if (size > maxCompressedSize(declared)) {
    throw new DataFormatError(`${path}: ${size} compressed bytes, more than any gzip of the ${declared} bytes its ` +
      `header announces can take (${describe})`);
  }
  const limit = declared + INFLATE_MARGIN;
  let bytes: Buffer;
  try {
    bytes = inflateCapped(fd, size, limit);
  } catch (err) {
    if (isTooLarge(err)) {
      throw new DataFormatError(`${label}: inflates to more than ${limit} bytes, where its header announces ` +
        `${declared} (${describe}); refused without inflating the rest`);
    }
    throw notGzip(err);
  }
  return bufferSource(label, bytes);
}


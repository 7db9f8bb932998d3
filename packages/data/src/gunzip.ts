// Bounded inflation of gzip files whose uncompressed size a header inside them announces (IDX). A gzip
// "bomb" (a small file that inflates to gigabytes) must cost no more than the size its header declares:
// first only enough of the stream is inflated to read that header, then the whole stream is inflated with
// a hard cap on the output, so zlib stops (and throws) as soon as the output goes past it.

import { readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';

/** Output allowed past the announced size, so that a few stray bytes are reported by count. */
export const INFLATE_MARGIN = 64 * 1024;
/** Most output one inflation of a prefix may produce while looking for the header. */
const PREFIX_OUTPUT_CAP = 1 << 20;
/** First compressed prefix tried; it doubles while it yields too little output. */
const FIRST_PREFIX = 4096;

/** Raised by zlib when maxOutputLength is exceeded. */
export function isTooLarge(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

/** Reads `length` bytes of the file from its start (fewer when the file is shorter). */
function readPrefix(fd: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const got = readSync(fd, buf, done, length - done, done);
    if (got === 0) break;
    done += got;
  }
  return buf.subarray(0, done);
}

function inflatePartial(compressed: Buffer): Buffer {
  // Z_SYNC_FLUSH: a cut-off stream yields what it decodes to so far instead of an "unexpected end" error.
  return gunzipSync(compressed, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: PREFIX_OUTPUT_CAP });
}

/**
 * The first `wanted` (or more) uncompressed bytes of the gzip file open at `fd`, `size` bytes long: fewer
 * only when the whole stream is shorter. Inflates growing prefixes of the compressed bytes; a prefix whose
 * output would pass 1 MiB is halved towards the last one that gave too little, so memory stays bounded
 * whatever the compression ratio. Throws zlib's error for data that is not valid gzip.
 */
export function inflateHead(fd: number, size: number, wanted: number): Buffer {
  let tooShort = 0; // a prefix length known to give fewer than `wanted` bytes
  let tooLong = Infinity; // a prefix length known to give more than PREFIX_OUTPUT_CAP bytes
  let length = Math.min(size, FIRST_PREFIX);
  for (;;) {
    let out: Buffer | undefined;
    try {
      out = inflatePartial(readPrefix(fd, length));
    } catch (err) {
      if (!isTooLarge(err)) throw err;
      tooLong = length;
    }
    if (out !== undefined) {
      if (out.length >= wanted || length >= size) return out;
      tooShort = length;
    }
    const next = tooLong === Infinity ? Math.min(size, 2 * length) : Math.floor((tooShort + tooLong) / 2);
    // One compressed byte inflates to at most about 1 KiB, so a prefix between the two bounds always exists.
    if (next <= tooShort || next >= tooLong) throw new Error('no prefix of the stream inflates to a readable header');
    length = next;
  }
}

/**
 * Inflates the whole gzip file open at `fd`, refusing to produce more than `limit` bytes: zlib stops and throws
 * (isTooLarge) as soon as the output passes it. Throws zlib's error for data that is not valid gzip.
 */
export function inflateCapped(fd: number, size: number, limit: number): Buffer {
  const compressed = readPrefix(fd, size);
  return gunzipSync(compressed, { maxOutputLength: limit });
}


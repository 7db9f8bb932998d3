// Hostile gzip input: a small file whose IDX header announces a few bytes but that inflates to 1 GiB must be
// refused after inflating about what the header announces, not the whole stream.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { readIdx, readIdxFloat32 } from '../src/index.js';
import { idxBytes, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

const MiB = 1 << 20;

/** A gzip file (several members, as `cat a.gz b.gz` makes) that starts with `head` and inflates past 1 GiB. */
function bomb(head: Buffer, inflatedMiB = 1024): Buffer {
  const zeros = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  return Buffer.concat([gzipSync(head), ...Array.from({ length: inflatedMiB / 16 }, () => zeros)]);
}

describe('gzip bombs', () => {
  test('a 1 MiB file announcing [1, 1] that inflates to 1 GiB is refused, and peak memory barely moves', () => {
    const path = dir.path('bomb.idx.gz');
    const bytes = bomb(idxBytes('uint8', [1, 1], [7]));
    expect(bytes.length).toBeLessThan(2 * MiB);
    writeFileSync(path, bytes);
    const before = process.resourceUsage().maxRSS; // KiB, the high-water mark of this process
    expect(() => readIdx(path)).toThrow(
      `${path} (after gunzip): inflates to more than 65549 bytes, where its header announces 13 ` +
      '(dimensions [1, 1] of uint8 need 13 bytes); refused without inflating the rest');
    expect(() => readIdxFloat32(path)).toThrow(/inflates to more than 65549 bytes/);
    const grownMiB = (process.resourceUsage().maxRSS - before) / 1024;
    expect(grownMiB).toBeLessThan(32);
  });

  test('a header that announces the full size still reads when the stream matches it', () => {
    const values = Array.from({ length: 3 * 1000 }, (_, i) => i % 251);
    const path = dir.path('fine.idx.gz');
    writeFileSync(path, gzipSync(idxBytes('uint8', [3, 1000], values)));
    const out = readIdx(path);
    expect(out.shape).toEqual([3, 1000]);
    expect(out.data[2999]).toBe(2999 % 251);
  });

  test('a few stray bytes past the announced size are counted; a header split over members still parses', () => {
    const full = idxBytes('uint8', [2, 2], [1, 2, 3, 4]);
    const extra = dir.path('extra.idx.gz');
    writeFileSync(extra, Buffer.concat([gzipSync(full.subarray(0, 6)), gzipSync(full.subarray(6)), gzipSync(Buffer.alloc(9))]));
    expect(() => readIdx(extra)).toThrow(`${extra} (after gunzip): 9 unexpected bytes after the data`);
  });

  test('a compressed file far larger than its announced content is refused before inflating it', () => {
    const path = dir.path('padded.idx.gz');
    // Stored (level 0) gzip of random bytes: 3 MiB that cannot be the gzip of the 13 bytes announced.
    const noise = Buffer.from(Array.from({ length: 3 * MiB }, (_, i) => (i * 2654435761) >>> 24));
    writeFileSync(path, Buffer.concat([gzipSync(idxBytes('uint8', [1, 1], [7])), gzipSync(noise, { level: 0 })]));
    expect(() => readIdx(path)).toThrow(/compressed bytes, more than any gzip of the 13 bytes its header announces can take/);
  });
});

// Corrupt and hostile files through the readers: every mutated IDX file (plain and gzipped) and safetensors
// file must either read or fail with the reader's own error class, never anything else; a gzip bomb must
// cost a few MiB of peak memory, not what it inflates to.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { DataFormatError, readIdx } from '../../packages/data/src/index.js';
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from '../../packages/train/src/index.js';
import { tensor } from '../../packages/core/src/index.js';
import { MiB, SoakFailure, Tally, random, randomInt, type Section } from './shared.js';

function idxBytes(dims: number[], rand: () => number): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const body = Buffer.from(Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => randomInt(rand, 256)));
  return Buffer.concat([header, body]);
}

/** One random damage: flipped bytes, a cut, extra bytes, or a rewritten header dimension. */
function mutate(bytes: Buffer, rand: () => number): Buffer {
  const out = Buffer.from(bytes);
  switch (randomInt(rand, 4)) {
    case 0:
      for (let i = 0, n = 1 + randomInt(rand, 8); i < n; i++) out[randomInt(rand, out.length)] = randomInt(rand, 256);
      return out;
    case 1:
      return out.subarray(0, randomInt(rand, out.length));
    case 2:
      return Buffer.concat([out, Buffer.alloc(1 + randomInt(rand, 64), randomInt(rand, 256))]);
    default:
      if (out.length >= 8) out.writeUInt32BE(randomInt(rand, 2 ** 32), 4 + 4 * randomInt(rand, Math.max(1, out[3]!)));
      return out;
  }
}

/** A gzip file announcing [1, 1] (13 bytes) that inflates to `mib` MiB: members of zeros after the header. */
function bomb(mib: number): Buffer {
  const zeros = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  const head = Buffer.from([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1, 7]);
  return Buffer.concat([gzipSync(head), ...Array.from({ length: Math.ceil(mib / 16) }, () => zeros)]);
}

function readsOrRefuses(path: string, tally: Tally, what: string): void {
  try {
    readIdx(path);
    tally.add('read');
  } catch (err) {
    if (!(err instanceof DataFormatError)) throw new SoakFailure(`${what}: ${String(err)} is not a DataFormatError`);
    tally.add('refused');
  }
}

export const corruptFiles: Section = {
  name: 'corrupt files: mutated IDX (plain and gzipped), safetensors, gzip bombs',
  async run({ quick, seed }) {
    const rand = random(seed);
    const path = `${process.env.TMPDIR ?? '/tmp'}/nabla-soak-${process.pid}.idx`;
    const idx = new Tally();
    const count = quick ? 300 : 5000;
    for (let i = 0; i < count; i++) {
      const valid = idxBytes([1 + randomInt(rand, 20), 1 + randomInt(rand, 30)], rand);
      const gz = rand() < 0.5;
      const damaged = mutate(gz ? gzipSync(valid) : valid, rand);
      writeFileSync(path, gz && rand() < 0.5 ? gzipSync(mutate(valid, rand)) : damaged);
      readsOrRefuses(path, idx, `IDX mutation ${i}`);
    }

    const safetensors = new Tally();
    const file = encodeSafetensors({ w: tensor([[1, 2, 3], [4, 5, 6]]), b: tensor([0.5, -0.5]) }, { epoch: '3' });
    for (let i = 0; i < count; i++) {
      const bytes = Buffer.from(file);
      for (let j = 0, n = 1 + randomInt(rand, 6); j < n; j++) bytes[randomInt(rand, bytes.length)] = randomInt(rand, 256);
      const cut = rand() < 0.2 ? bytes.subarray(0, randomInt(rand, bytes.length)) : bytes;
      try {
        decodeSafetensors(cut);
        safetensors.add('decoded');
      } catch (err) {
        if (!(err instanceof SafetensorsError)) throw new SoakFailure(`safetensors mutation ${i}: ${String(err)}`);
        safetensors.add('refused');
      }
    }

    const inflated = quick ? 256 : 1024;
    writeFileSync(path, bomb(inflated));
    const before = process.resourceUsage().maxRSS;
    const bombs = new Tally();
    readsOrRefuses(path, bombs, 'gzip bomb');
    const grownMiB = (process.resourceUsage().maxRSS - before) / 1024;
    if (bombs.get('refused') !== 1) throw new SoakFailure('a gzip bomb announcing [1, 1] was read');
    if (grownMiB > 32) throw new SoakFailure(`a gzip bomb raised peak memory by ${grownMiB.toFixed(0)} MiB`);
    return [
      `IDX files: ${idx}`,
      `safetensors: ${safetensors}`,
      `gzip bomb of ${inflated} MiB announcing [1, 1]: refused; peak RSS grew ${grownMiB.toFixed(1)} MiB ` +
        `(peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`,
    ];
  },
};

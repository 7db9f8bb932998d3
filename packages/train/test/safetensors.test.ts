// The safetensors reader and writer: bit-exact round trips, the exact bytes of the format (checked against
// a file assembled by hand here), atomic writes, and a fuzz test showing that corrupt files always give a
// SafetensorsError, never a crash, another kind of error, or a large allocation.

import '@nabla/backend-js';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator, Tensor, arange, randn, tensor } from '@nabla/core';
import {
  MAX_HEADER_BYTES, SafetensorsError, decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors,
} from '../src/index.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'nabla-safetensors-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

function bits(t: Tensor): number[] {
  const d = t.data();
  return Array.from(new Uint32Array(d.buffer, d.byteOffset, d.length));
}

/** Float32 values that a careless copy would change: NaN payloads, -0, infinities, subnormals. */
function awkwardValues(): Tensor {
  const raw = new Uint32Array([0x7fc00001, 0xffc12345, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x807fffff, 0x3f800000]);
  return new Tensor(new Float32Array(raw.buffer), [2, 4]);
}

function sample(): Map<string, Tensor> {
  return new Map<string, Tensor>([
    ['layer.0.weight', randn([5, 3], { generator: new Generator(7) })],
    ['layer.0.bias', randn([5], { generator: new Generator(8) })],
    ['scalar', tensor(3.25)],
    ['empty', new Tensor(new Float32Array(0), [0, 4])],
    ['awkward', awkwardValues()],
    ['transposed', arange(6).reshape(2, 3).T],
    ['ünïcode name', tensor([1, 2, 3])],
  ]);
}

function expectSame(actual: Map<string, Tensor>, expected: Map<string, Tensor>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, t] of expected) {
    const got = actual.get(name)!;
    expect(got.shape, name).toEqual(t.shape);
    expect(bits(got), name).toEqual(bits(t.contiguous()));
  }
}

/** Assembles a safetensors file from a header string and raw data, the way the format describes. */
function assemble(headerJson: string, data: Uint8Array, headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(headerJson);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32le(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

describe('round trips', () => {
  it('save then load is bit-exact, with metadata', async () => {
    const path = join(dir, 'roundtrip.safetensors');
    const tensors = sample();
    await saveSafetensors(path, tensors, { epoch: '3', note: 'héllo' });
    const loaded = await loadSafetensors(path);
    expectSame(loaded.tensors, tensors);
    expect(loaded.metadata).toEqual({ epoch: '3', note: 'héllo' });
    expect(new Uint8Array(await readFile(path))).toEqual(encodeSafetensors(tensors, { epoch: '3', note: 'héllo' }));
  });

  it('encode then decode is bit-exact; a plain object of tensors works too', () => {
    const tensors = { a: randn([17]), b: tensor([[1, 2], [3, 4]]) };
    const decoded = decodeSafetensors(encodeSafetensors(tensors));
    expectSame(decoded.tensors, new Map(Object.entries(tensors)));
    expect(decoded.metadata).toEqual({});
  });

  it('a file with no tensors', () => {
    const decoded = decodeSafetensors(encodeSafetensors(new Map(), { only: 'metadata' }));
    expect(decoded.tensors.size).toBe(0);
    expect(decoded.metadata).toEqual({ only: 'metadata' });
  });
});

describe('the bytes of the format', () => {
  it('reads a file assembled by hand', () => {
    const header = '{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
      '"a":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]}}';
    const file = assemble(header, f32le([0.5, 1.5, -2]));
    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('b')!.toArray()).toEqual([0.5]);
    expect(tensors.get('a')!.toArray()).toEqual([[1.5], [-2]]);
  });

  it('reads, and writes byte for byte, a file made by the reference implementation', () => {
    // safetensors 0.8.0 (Python): save_file({'a': np.arange(6, dtype=np.float32).reshape(2, 3),
    //   'b': np.array([1.5, -2], dtype=np.float32), 'z': np.zeros((0,), np.float32)}, path, metadata={'format': 'np'})
    const reference = Buffer.from(
      'yAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJucCJ9LCJhIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyLDNdLCJkYXRhX29mZnNldHMi' +
      'OlswLDI0XX0sImIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOlsyNCwzMl19LCJ6Ijp7ImR0eXBlIjoiRjMyIiwic2hh' +
      'cGUiOlswXSwiZGF0YV9vZmZzZXRzIjpbMzIsMzJdfX0gIAAAAAAAAIA/AAAAQAAAQEAAAIBAAACgQAAAwD8AAADA',
      'base64',
    );
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(reference));
    expect(metadata).toEqual({ format: 'np' });
    expect(tensors.get('a')!.toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(tensors.get('b')!.toArray()).toEqual([1.5, -2]);
    expect(tensors.get('z')!.shape).toEqual([0]);
    expect(Buffer.from(encodeSafetensors(tensors, metadata)).equals(reference)).toBe(true);
  });

  it('writes exactly: u64 LE length, JSON header padded with spaces to 8 bytes, raw LE floats', () => {
    const bytes = encodeSafetensors(new Map([['w', tensor([1, -2])], ['s', tensor(0.25)]]), { k: 'v' });
    const json = '{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"s":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}';
    const padded = json + ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
    expect(bytes).toEqual(assemble(padded, f32le([1, -2, 0.25])));
    expect((8 + padded.length) % 8).toBe(0);
  });
});

describe('atomic writes', () => {
  it('a failure during save leaves the previous file intact and no temporary file behind', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    const path = join(sub, 'model.safetensors');
    await saveSafetensors(path, { w: tensor([1, 2, 3]) });
    const before = await readFile(path);
    const broken = tensor([4, 5, 6]);
    broken.data = () => { throw new Error('disk on fire'); };
    await expect(saveSafetensors(path, { ok: tensor([9]), broken })).rejects.toThrow('disk on fire');
    expect(await readFile(path)).toEqual(before);
    expect(await readdir(sub)).toEqual(['model.safetensors']);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'replace.safetensors');
    await saveSafetensors(path, { w: tensor([1]) });
    await saveSafetensors(path, { v: tensor([2, 3]) });
    expect([...(await loadSafetensors(path)).tensors.keys()]).toEqual(['v']);
  });
});

describe('bad input', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['a non-tensor value', () => encodeSafetensors({ w: [1, 2] as never }), /'w' is not a Tensor/],
    ['the reserved name', () => encodeSafetensors({ __metadata__: tensor([1]) }), /'__metadata__' is reserved/],
    ['non-string metadata', () => encodeSafetensors({}, { epoch: 3 as never }), /metadata 'epoch' must be a string/],
    ['not a map', () => encodeSafetensors(null as never), /expected a Map or an object of named tensors/],
  ])('saving %s', (_name, call, message) => {
    expect(call).toThrow(SafetensorsError);
    expect(call).toThrow(message);
  });

  const ok = (shape: number[], offsets: [number, number]) => `{"dtype":"F32","shape":${JSON.stringify(shape)},"data_offsets":${JSON.stringify(offsets)}}`;
  it.each<[string, Uint8Array, RegExp]>([
    ['an empty file', new Uint8Array(0), /the file is 0 bytes, too short/],
    ['a header length of 2^63', assemble('{}', new Uint8Array(0), 1n << 63n), /more than the 104857600-byte limit/],
    ['a header length past the end', assemble('{}', new Uint8Array(0), 100n), /says 100 bytes, but the file has only 2 bytes after it/],
    ['invalid JSON', assemble('{"a":', new Uint8Array(0)), /not valid JSON/],
    ['a JSON array', assemble('[1, 2, 3]', new Uint8Array(0)), /does not start with a JSON object/],
    ['invalid UTF-8', assemble('{"\udc00":1}', new Uint8Array(0)).map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
    ['dtype F8_E4M3', assemble(`{"h":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}`, new Uint8Array(2)), /'h' has dtype F8_E4M3, which nabla cannot read/],
    ['an unknown dtype', assemble(`{"h":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)), /unknown dtype "F31"/],
    ['a negative dimension', assemble(`{"a":${ok([-1], [0, 4])}}`, new Uint8Array(4)), /shape must be an array of non-negative integers, got \[-1\]/],
    ['a fractional dimension', assemble(`{"a":${ok([1.5], [0, 4])}}`, new Uint8Array(4)), /non-negative integers/],
    ['a huge shape', assemble(`{"a":${ok([1e6, 1e6, 1e6], [0, 4])}}`, new Uint8Array(4)), /needs more than the 4 bytes of data/],
    ['offsets past the data', assemble(`{"a":${ok([2], [0, 8])}}`, new Uint8Array(4)), /shape \[2\] needs more than the 4 bytes|outside the 4 bytes/],
    ['reversed offsets', assemble(`{"a":${ok([0], [4, 0])}}`, new Uint8Array(4)), /data_offsets \[4, 0\] are outside/],
    ['a size that does not match the shape', assemble(`{"a":${ok([1], [0, 8])}}`, new Uint8Array(8)), /span 8 bytes, but shape \[1\] of F32 needs 4/],
    ['overlapping tensors', assemble(`{"a":${ok([2], [0, 8])},"b":${ok([2], [4, 12])}}`, new Uint8Array(12)), /'b' starts at byte 4 of the data, expected 8 \(it overlaps/],
    ['a gap', assemble(`{"a":${ok([1], [4, 8])}}`, new Uint8Array(8)), /starts at byte 4 of the data, expected 0 \(there is a gap/],
    ['trailing bytes', assemble(`{"a":${ok([1], [0, 4])}}`, new Uint8Array(8)), /cover 4 bytes of data, but the file has 8/],
    ['a missing field', assemble(`{"a":{"dtype":"F32","shape":[1]}}`, new Uint8Array(4)), /data_offsets must be two non-negative integers/],
    ['an extra field', assemble(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, new Uint8Array(4)), /unknown field\(s\) x/],
    ['non-string metadata', assemble(`{"__metadata__":{"n":1}}`, new Uint8Array(0)), /entry 'n' is 1, not a string/],
  ])('loading %s', async (name, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
    const path = join(dir, `bad-${name.replace(/\W+/g, '-')}.safetensors`);
    await writeFile(path, bytes);
    await expect(loadSafetensors(path)).rejects.toThrow(message);
  });

  it('a missing file is Node\'s ENOENT error', async () => {
    await expect(loadSafetensors(join(dir, 'nope.safetensors'))).rejects.toThrow(/ENOENT/);
  });
});

describe('fuzz: mutated files', () => {
  /** A small deterministic PRNG (mulberry32), so failures reproduce. */
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const valid = encodeSafetensors(
    new Map([['a', randn([3, 4], { generator: new Generator(1) })], ['b', tensor([1, 2])], ['c', tensor(5)], ['d', new Tensor(new Float32Array(0), [0])]]),
    { epoch: '1' },
  );
  const headerEnd = 8 + Number(new DataView(valid.buffer).getBigUint64(0, true));

  function mutate(random: () => number): Uint8Array {
    const pick = (n: number) => Math.floor(random() * n);
    const out = valid.slice();
    switch (pick(6)) {
      case 0: { // flip bits anywhere
        for (let k = 1 + pick(4); k > 0; k--) out[pick(out.length)]! ^= 1 << pick(8);
        return out;
      }
      case 1: { // flip bytes inside the header
        for (let k = 1 + pick(3); k > 0; k--) out[8 + pick(headerEnd - 8)] = pick(256);
        return out;
      }
      case 2: // truncate
        return out.slice(0, pick(out.length));
      case 3: { // a random, often huge, header length
        const view = new DataView(out.buffer);
        const choices = [BigInt(pick(out.length * 2)), 1n << BigInt(pick(64)), BigInt(MAX_HEADER_BYTES) + 1n, 0xffffffffffffffffn];
        view.setBigUint64(0, choices[pick(choices.length)]!, true);
        return out;
      }
      case 4: { // rewrite numbers in the header: offsets and shapes that overlap, overflow or go negative
        const text = new TextDecoder().decode(out.subarray(8, headerEnd));
        const numbers = [...text.matchAll(/\d+/g)];
        const target = numbers[pick(numbers.length)]!;
        const replacement = String([0, 4, 8, 12, 1e9, 2 ** 53, -4, 0.5][pick(8)]);
        const changed = text.slice(0, target.index) + replacement + text.slice(target.index! + target[0].length);
        return assemble(changed, out.subarray(headerEnd));
      }
      default: { // append or remove data bytes
        return random() < 0.5 ? Uint8Array.from([...out, ...new Array(1 + pick(8)).fill(0)]) : out.slice(0, out.length - 1 - pick(8));
      }
    }
  }

  it('2000 mutations in memory: each decodes or fails with a SafetensorsError, allocating at most the file size', () => {
    const random = rng(12345);
    let failures = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = mutate(random);
      try {
        const { tensors } = decodeSafetensors(bytes);
        let total = 0;
        for (const t of tensors.values()) total += 4 * t.storage.length;
        expect(total, `mutation ${i}`).toBeLessThanOrEqual(bytes.length);
      } catch (err) {
        if (!(err instanceof SafetensorsError)) throw new Error(`mutation ${i} threw ${String(err)}`, { cause: err });
        expect((err as Error).message).toMatch(/^decodeSafetensors: /);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(1000);
  });

  it('200 mutations on disk behave the same through loadSafetensors', async () => {
    const random = rng(777);
    const path = join(dir, 'fuzz.safetensors');
    for (let i = 0; i < 200; i++) {
      const bytes = mutate(random);
      await writeFile(path, bytes);
      let fromMemory: string | null = null;
      try { decodeSafetensors(bytes); } catch (err) { fromMemory = (err as Error).message; }
      try {
        await loadSafetensors(path);
        expect(fromMemory, `mutation ${i}`).toBeNull();
      } catch (err) {
        if (!(err instanceof SafetensorsError)) throw new Error(`mutation ${i} threw ${String(err)}`, { cause: err });
        expect(fromMemory, `mutation ${i}`).not.toBeNull();
      }
    }
  });
});

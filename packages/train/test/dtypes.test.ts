// Files written by PyTorch hold more than float32: BatchNorm's num_batches_tracked is int64, weights may be
// float16/bfloat16/float64, and integer tensors are common. They load as float32 when no value changes, and
// are refused, naming the tensor and the element, when one would. Files are assembled byte by byte here,
// as safetensors lays them out.
import '@nabla/backend-js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d } from '@nabla/layers';
import { Adam } from '@nabla/optimizers';
import { SafetensorsError, decodeSafetensors, load, loadSafetensors, restore, save } from '../src/index.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'nabla-dtypes-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** A safetensors file of [name, dtype, shape, bytes] entries laid out in order. */
function file(entries: [string, string, number[], ArrayBufferView][]): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, dtype, shape, data] of entries) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, , , data] of entries) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

const u16 = (...v: number[]): Uint16Array => Uint16Array.from(v);

describe('reading the dtypes PyTorch writes', () => {
  it.each<[string, ArrayBufferView, number[]]>([
    ['F64', Float64Array.of(1.5, -2, 0.25, 3.4028234663852886e38), [1.5, -2, 0.25, 3.4028234663852886e38]],
    ['F16', u16(0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00), [1, -2, 65504, 2 ** -24, Infinity]],
    ['BF16', u16(0x3f80, 0xc040, 0x7f80), [1, -3, Infinity]],
    ['I64', BigInt64Array.of(0n, -5n, 16777216n, 1n << 40n), [0, -5, 16777216, 2 ** 40]],
    ['U64', BigUint64Array.of(7n), [7]],
    ['I32', Int32Array.of(-2147483648, 3), [-2147483648, 3]],
    ['U32', Uint32Array.of(65536), [65536]],
    ['I16', Int16Array.of(-32768, 32767), [-32768, 32767]],
    ['U16', u16(65535), [65535]],
    ['I8', Int8Array.of(-128, 127), [-128, 127]],
    ['U8', Uint8Array.of(0, 255), [0, 255]],
    ['BOOL', Uint8Array.of(1, 0, 1), [1, 0, 1]],
  ])('%s loads as float32 with every value unchanged', async (dtype, data, expected) => {
    const bytes = file([['t', dtype, [expected.length], data]]);
    const decoded = decodeSafetensors(bytes);
    expect(Array.from(decoded.tensors.get('t')!.data())).toEqual(expected);
    expect(decoded.dtypes.get('t')).toBe(dtype);
    const path = join(dir, `${dtype}.safetensors`);
    await writeFile(path, bytes);
    expect(Array.from((await loadSafetensors(path)).tensors.get('t')!.data())).toEqual(expected);
  });

  it.each<[string, ArrayBufferView, RegExp]>([
    ['F64', Float64Array.of(1, 0.1), /tensor 'w' has dtype F64, and its element 1 \(0\.1\) is not exactly a float32 value \(it would load as 0\.10000000149011612\)/],
    ['I64', BigInt64Array.of(16777217n), /element 0 \(16777217\) is not exactly a float32 value \(it would load as 16777216\)/],
    ['I64', BigInt64Array.of((1n << 60n) + 1n), /element 0 \(1152921504606846977\) is not exactly a float32/],
    ['I32', Int32Array.of(0, 2147483647), /'w' has dtype I32, and its element 1 \(2147483647\)/],
  ])('%s values that float32 cannot hold are refused by name', async (dtype, data, message) => {
    const bytes = file([['w', dtype, [(data as unknown as { length: number }).length], data]]);
    expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
    expect(() => decodeSafetensors(bytes)).toThrow(/convert the tensor to float32 before saving/);
    const path = join(dir, `bad-${dtype}.safetensors`);
    await writeFile(path, bytes);
    await expect(loadSafetensors(path)).rejects.toThrow(message);
  });

  it('a size that does not fit the dtype is refused', () => {
    const bytes = file([['c', 'I64', [1], new Uint8Array(12)]]);
    expect(() => decodeSafetensors(bytes)).toThrow(/'c': data_offsets \[0, 12\] span 12 bytes, but shape \[1\] of I64 needs 8/);
  });

  it('a PyTorch BatchNorm1d state dict (int64 num_batches_tracked) restores into a BatchNorm1d', async () => {
    // safetensors.torch.save_file(nn.BatchNorm1d(3).state_dict()) after 7 training batches.
    const path = join(dir, 'bn.safetensors');
    await writeFile(path, file([
      ['bias', 'F32', [3], Float32Array.of(0.1, 0.2, 0.3)],
      ['num_batches_tracked', 'I64', [], BigInt64Array.of(7n)],
      ['running_mean', 'F32', [3], Float32Array.of(1, 2, 3)],
      ['running_var', 'F32', [3], Float32Array.of(4, 5, 6)],
      ['weight', 'F32', [3], Float32Array.of(1, 1, 2)],
    ]));
    const bn = new BatchNorm1d(3);
    await restore(path, bn);
    expect(bn.numBatchesTracked!.item()).toBe(7);
    expect(Array.from(bn.runningVar!.data())).toEqual([4, 5, 6]);
    expect((await load(path)).optimizer).toBeNull();
  });

  it('a checkpoint stores the optimizer\'s options under PyTorch\'s names', async () => {
    const bn = new BatchNorm1d(2);
    const optimizer = new Adam(bn.parameters(), { lr: 0.01, weightDecay: 0.1 });
    const path = join(dir, 'ckpt.safetensors');
    await save(path, bn, { optimizer });
    const { metadata } = await loadSafetensors(path);
    const groups = JSON.parse(metadata['nabla.optimizer']!).paramGroups as Record<string, unknown>[];
    expect(groups[0]).toMatchObject({ lr: 0.01, weight_decay: 0.1, betas: [0.9, 0.999] });
    expect(groups[0]).not.toHaveProperty('weightDecay');
    const again = new Adam(new BatchNorm1d(2).parameters(), { lr: 1 });
    await restore(path, new BatchNorm1d(2), { optimizer: again });
    expect(again.paramGroups[0]).toMatchObject({ lr: 0.01, weightDecay: 0.1 });
  });
});

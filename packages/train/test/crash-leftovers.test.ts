// A save killed mid-write leaves a temporary file; the next save in that folder removes it (and every other
// one a dead writer left), while the temporary file of a writer that still runs is kept.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Generator } from '@nabla/core';
import { removeStaleTempFiles, tempNameFor, writeAtomically } from '../src/atomicWrite.js';
import { killOneSaver, tempFiles } from './fixtures/crashes.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Above Linux's largest pid_max (2^22), so no process has it: the writer of a file so named is gone.
const DEAD_PID = 2 ** 31 - 2;

const bytes = (n: number, value: number): (() => Iterable<Uint8Array>) => () => [new Uint8Array(n).fill(value)];

describe('temporary files of killed saves', () => {
  test('a saver killed mid-write leaves a file that the next save removes', async () => {
    const target = join(dir, 'model.safetensors');
    const g = new Generator(5);
    // A kill can land between two saves; one of a few lands mid-write (the write of 16 MiB takes a while).
    let left = false;
    for (let i = 0; i < 4 && !left; i++) left = await killOneSaver(target, 16, () => g.uniform(), { jitterMs: 0 });
    expect(left).toBe(true);
    expect(tempFiles(dir).length).toBe(1);
    await writeAtomically(target, bytes(10, 3));
    expect(tempFiles(dir)).toEqual([]);
    expect([...readFileSync(target)]).toEqual(Array(10).fill(3));
  });

  test('a save into the folder removes the leftovers of other targets too (epoch-numbered checkpoints)', async () => {
    const leftover = join(dir, tempNameFor(join(dir, 'epoch-3.safetensors'), DEAD_PID));
    const legacy = join(dir, `.epoch-2.safetensors.${DEAD_PID}.0123456789ab.tmp`);
    const unrelated = join(dir, 'notes.tmp');
    for (const f of [leftover, legacy, unrelated]) writeFileSync(f, 'x');
    await writeAtomically(join(dir, 'epoch-4.safetensors'), bytes(4, 1));
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(unrelated)).toBe(true);
  });

  test('the temporary files of running writers and of other hosts are kept', async () => {
    const live = join(dir, tempNameFor(join(dir, 'a.safetensors'), process.ppid));
    const mine = join(dir, tempNameFor(join(dir, 'b.safetensors')));
    const otherHost = join(dir, `.c.safetensors.${DEAD_PID}.0123456789ab.ffffffff.tmp`);
    for (const f of [live, mine, otherHost]) writeFileSync(f, 'x');
    expect(await removeStaleTempFiles(dir)).toBe(0);
    for (const f of [live, mine, otherHost]) expect(existsSync(f)).toBe(true);
  });
});

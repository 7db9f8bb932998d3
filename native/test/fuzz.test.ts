// Drives every entry point with random and hostile arguments in a child process (test/fuzz-child.mjs):
// the child must finish with exit 0: no crash, only TypeError/RangeError, no write outside an array.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { nativeLoad } from '../src/index.js';

const child = fileURLToPath(new URL('./fuzz-child.mjs', import.meta.url));

describe('fuzzing the addon boundary', () => {
  it.each([1, 2, 3])('seed %i: no crash, only TypeError/RangeError, guards intact', (seed) => {
    if (!nativeLoad.ok) throw new Error(nativeLoad.reason);
    const run = spawnSync(process.execPath, [child, nativeLoad.path, String(seed), '8000'], {
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(run.signal, `child killed by ${run.signal}: ${run.stderr}`).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const counts = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(counts.calls).toBe(8000);
    // Each outcome happened, so the fuzzer exercised valid calls as well as both kinds of rejection.
    expect(counts.ok).toBeGreaterThan(600);
    expect(counts.TypeError).toBeGreaterThan(600);
    expect(counts.RangeError).toBeGreaterThan(300);
  });
});

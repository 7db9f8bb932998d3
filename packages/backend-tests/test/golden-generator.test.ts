// The committed reference vectors are what golden/gen.py writes: where PyTorch is installed, regenerate
// them into a temporary folder and compare every value with the committed files. A rerun differs from them
// by float32 rounding only (BLAS summation order), so values match to 1e-6, relative; names, shapes and
// parameters must match exactly. Without PyTorch the test is skipped and says why.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));
const TOLERANCE = 1e-6;

/** The first Python (NABLA_PYTHON, python3, Debian's /usr/bin/python3) that can import torch, or why none can. */
function findTorchPython(): { python: string } | { reason: string } {
  const candidates = [process.env.NABLA_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p));
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status === 0) return { python };
  }
  return { reason: `no Python with PyTorch found (tried ${candidates.join(', ')}; on Debian: apt-get install python3-torch)` };
}

/** Every place where `actual` differs from `expected`, as "path: expected vs actual". */
function differences(expected: unknown, actual: unknown, path = '', out: string[] = []): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(expected - actual) > TOLERANCE * Math.max(1, Math.abs(expected))) out.push(`${path}: ${expected} vs ${actual}`);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${path}: length ${expected.length} vs ${actual.length}`);
    else expected.forEach((e, i) => differences(e, actual[i], `${path}[${i}]`, out));
  } else if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) differences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (expected !== actual) {
    out.push(`${path}: ${JSON.stringify(expected)} vs ${JSON.stringify(actual)}`);
  }
  return out;
}

const torch = findTorchPython();
if ('reason' in torch) console.warn(`skipping the check of golden/gen.py against the committed vectors: ${torch.reason}`);

describe('golden/gen.py', () => {
  it('compares values within tolerance and reports every difference by path', () => {
    expect(differences({ a: [1, 2.0000001], n: 'x' }, { a: [1, 2], n: 'x' })).toEqual([]);
    expect(differences({ a: [1, 2.1], n: 'x' }, { a: [1, 2], n: 'y', extra: 1 })).toEqual(['.a[1]: 2.1 vs 2', '.n: "x" vs "y"', '.extra: undefined vs 1']);
    expect(differences([1, 2], [1])).toEqual([': length 2 vs 1']);
  });

  it.skipIf('reason' in torch)('regenerates the committed vectors', () => {
    const out = mkdtempSync(join(tmpdir(), 'nabla-golden-'));
    try {
      const run = spawnSync((torch as { python: string }).python, [join(GOLDEN, 'gen.py'), out], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const committed = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort();
      expect(readdirSync(out).filter((f) => f.endsWith('.json')).sort()).toEqual(committed);
      for (const file of committed) {
        const expected: unknown = JSON.parse(readFileSync(join(GOLDEN, file), 'utf8'));
        const actual: unknown = JSON.parse(readFileSync(join(out, file), 'utf8'));
        expect(differences(expected, actual, file).slice(0, 10), file).toEqual([]);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

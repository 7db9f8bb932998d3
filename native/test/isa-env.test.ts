// NABLA_NATIVE_ISA and NABLA_NUM_THREADS are read at startup (checked in fresh processes), and forcing a
// path above what the CPU has is clamped.
import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { addon, nativeLoadPath } from './helpers.js';

function infoWith(env: Record<string, string>): { isa: string; kernels: string; threads: number } {
  const script = `console.log(JSON.stringify(require(${JSON.stringify(nativeLoadPath)}).info()))`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { isa: string; kernels: string; threads: number };
}

describe('startup settings', () => {
  it.each(['portable', 'avx2', 'avx512'])('NABLA_NATIVE_ISA=%s selects that path (clamped to the CPU)', (isa) => {
    const order = ['portable', 'avx2', 'avx512'];
    const best = addon.info().bestIsa;
    const expected = order.indexOf(isa) <= order.indexOf(best) ? isa : best;
    expect(infoWith({ NABLA_NATIVE_ISA: isa })).toMatchObject({ isa: expected, kernels: expected });
  });

  it('NABLA_NUM_THREADS sets the pool size', () => {
    expect(infoWith({ NABLA_NUM_THREADS: '1' }).threads).toBe(1);
    expect(infoWith({ NABLA_NUM_THREADS: '3' }).threads).toBe(3);
  });
});

describe('one ISA dispatch for the whole addon', () => {
  // target_clones and other IFUNCs pick their code from the CPU alone, behind NABLA_NATIVE_ISA's back: every
  // ISA-specific function must instead be chosen by the ISA in use.
  const nm = spawnSync('nm', ['--version'], { encoding: 'utf8' });
  it.skipIf(nm.status !== 0)('the binary has no IFUNC symbols (functions dispatched by the CPU alone)', () => {
    const symbols = spawnSync('nm', [nativeLoadPath], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(symbols.status).toBe(0);
    const lines = symbols.stdout.split('\n');
    expect(lines.length).toBeGreaterThan(100); // not stripped: the check means something
    expect(lines.filter((line) => / i /.test(line))).toEqual([]);
  });
});

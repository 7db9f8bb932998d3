// Importing the package never throws: with the addon absent, broken or disabled, 'native' is registered as
// unavailable and backendInfo('native') says why. With it present, 'native' is registered and available.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../src/addon.js';

async function importFresh(env: Record<string, string | undefined>): Promise<typeof import('../src/index.js')> {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  vi.resetModules();
  return import('../src/index.js');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loading and registration', () => {
  it('registers an available native backend with ISA and thread details', async () => {
    const mod = await importFresh({ NABLA_NATIVE_PATH: undefined, NABLA_NATIVE_DISABLE: undefined });
    const { backendInfo } = await import('@nabla/core');
    expect(mod.nativeLoad.ok).toBe(true);
    const info = backendInfo('native');
    expect(info.available).toBe(true);
    expect(info.details?.isa).toMatch(/^(portable|avx2|avx512)$/);
    expect(info.details?.threads).toBeGreaterThanOrEqual(1);
  });

  it("keeps freed host pages mapped on glibc, unless the environment set glibc's malloc itself", () => {
    // A fresh process each: glibc reads its malloc settings from the environment once, at start.
    const policy = (env: Record<string, string>): string =>
      execFileSync(process.execPath, ['--input-type=module', '-e',
        "import '@nabla/backend-native'; import { backendInfo } from '@nabla/core';" +
        'process.stdout.write(String(backendInfo("native").details?.malloc));'],
      { cwd: packageRoot, env: { ...process.env, ...env }, encoding: 'utf8' });
    const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
    if (glibc === undefined) {
      expect(policy({})).toBe("the C library's defaults");
      return;
    }
    expect(policy({})).toMatch(/^glibc, freed blocks kept mapped/);
    expect(policy({ MALLOC_TRIM_THRESHOLD_: '131072' })).toBe('glibc, as set in the environment');
    expect(policy({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=131072' })).toBe('glibc, as set in the environment');
  });

  it('a missing binary leaves the import working and says why, pointing at the install log', async () => {
    const missing = join(tmpdir(), 'no-such-dir', 'nabla.node');
    const mod = await importFresh({ NABLA_NATIVE_PATH: missing });
    const { backendInfo } = await import('@nabla/core');
    expect(mod.nativeLoad.ok).toBe(false);
    const info = backendInfo('native');
    expect(info.available).toBe(false);
    expect(info.reason).toContain(`not built (no file at ${missing})`);
    expect(info.reason).toMatch(/install/);
    expect(info.reason).toContain('rebuild @nabla/backend-native');
  });

  it('a corrupt binary reports the load error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-'));
    const bad = join(dir, 'nabla.node');
    writeFileSync(bad, 'not an ELF file');
    try {
      await importFresh({ NABLA_NATIVE_PATH: bad });
      const { backendInfo } = await import('@nabla/core');
      expect(backendInfo('native').reason).toMatch(/loading .*nabla\.node failed: ./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a binary that does not load gives way to the next one (a prebuilt for another C runtime, then the local build)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-'));
    const bad = join(dir, 'nabla.node');
    writeFileSync(bad, 'not an ELF file');
    const good = join(packageRoot, 'build', 'Release', 'nabla.node');
    try {
      const mod = await importFresh({ NABLA_NATIVE_PATH: [bad, good].join(delimiter) });
      expect(mod.nativeLoad.ok).toBe(true);
      const { backendInfo } = await import('@nabla/core');
      expect(backendInfo('native').available).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with the addon unavailable, importing this package alone still computes: the js backend serves', async () => {
    await importFresh({ NABLA_NATIVE_DISABLE: '1' });
    const { getBackend, tensor } = await import('@nabla/core');
    expect(getBackend().name).toBe('js');
    expect(tensor([1, 2]).mul(3).toArray()).toEqual([3, 6]);
  });

  it('NABLA_NATIVE_DISABLE=1 turns it off and says so', async () => {
    await importFresh({ NABLA_NATIVE_DISABLE: '1' });
    const { backendInfo, listBackends } = await import('@nabla/core');
    expect(backendInfo('native')).toMatchObject({ available: false, reason: expect.stringContaining('NABLA_NATIVE_DISABLE') });
    expect(listBackends().map((b) => b.name)).toContain('native');
  });
});

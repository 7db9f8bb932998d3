// @nabla/backend-native: importing this module registers the 'native' backend (priority 10, above the
// JavaScript backend). If the addon cannot load, it registers 'native' as unavailable with the reason, so
// `backendInfo('native')` tells the user why and the js backend, which this package imports, serves.
// Importing never throws.

import { registerBackend, registerUnavailableBackend } from '@nabla/core';
// The fallback: wherever the addon cannot load, the js backend (registered below 'native') serves, so
// importing this package alone is always enough to compute.
import '@nabla/backend-js';

import { loadAddon, type LoadResult } from './addon.js';
import { createNativeBackend } from './backend.js';

export { createNativeBackend } from './backend.js';
export { candidatePaths, installLogPath, loadAddon, EXPECTED_ABI_VERSION } from './addon.js';
export type { LoadResult, NativeAddon } from './addon.js';

export const NATIVE_PRIORITY = 10;

function register(): LoadResult {
  try {
    const loaded = loadAddon();
    if (loaded.ok) {
      registerBackend('native', () => createNativeBackend(loaded.addon, loaded.path), NATIVE_PRIORITY);
    } else {
      registerUnavailableBackend('native', loaded.reason, NATIVE_PRIORITY);
    }
    return loaded;
  } catch (err) {
    const reason = `registering the native backend failed: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, reason };
  }
}

/** What happened when this module loaded the addon. */
export const nativeLoad: LoadResult = register();

/**
 * Forces the ISA path of the native kernels and sgemm ('portable' | 'avx2' | 'avx512', clamped to the CPU)
 * and returns the one in use. For tests and benchmarks; NABLA_NATIVE_ISA does the same at startup.
 */
export function setNativeIsa(isa: 'portable' | 'avx2' | 'avx512'): string {
  if (!nativeLoad.ok) throw new Error(`setNativeIsa: the native backend is unavailable: ${nativeLoad.reason}`);
  return nativeLoad.addon.setIsa(isa);
}

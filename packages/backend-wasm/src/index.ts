// @nabla/backend-wasm: nabla's Backend in WebAssembly SIMD, with tensors in the module's linear memory.
// Importing this module registers the 'wasm' backend with priority 5: above the JavaScript backend (0), below
// the native addon (10). In Node the module loads synchronously on first use; in a browser it must be
// fetched first, so there the backend stays unavailable (saying why) until `await initWasmBackend()`.
// Importing never throws: a module that cannot load leaves 'wasm' unavailable with the reason.

import { registerBackend, registerUnavailableBackend } from '@nabla/core';
import { WasmBackend } from './backend.js';
import type { LoadOptions } from './loader.js';

export { WasmBackend, type WasmNamedKernels } from './backend.js';
export { WasmKernels } from './kernels.js';
export { WasmMemory, WasmStorage, sizeClass, type MemoryStats } from './memory.js';
export type { WasmView } from './check.js';
export type { WasmGemmArgs } from './gemm.js';
export type { LoadOptions, Variant } from './loader.js';

export const WASM_PRIORITY = 5;

function reasonOf(err: unknown): string {
  return `the WebAssembly module could not load: ${err instanceof Error ? err.message : String(err)}`;
}

function canLoadSync(): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function';
}

function register(): void {
  try {
    if (typeof WebAssembly !== 'object') {
      registerUnavailableBackend('wasm', 'this JavaScript engine has no WebAssembly', WASM_PRIORITY);
    } else if (canLoadSync()) {
      registerBackend('wasm', () => {
        try {
          return WasmBackend.load();
        } catch (err) {
          throw new Error(reasonOf(err), { cause: err });
        }
      }, WASM_PRIORITY);
    } else {
      registerUnavailableBackend(
        'wasm', "the WebAssembly module loads asynchronously here: call `await initWasmBackend()` first", WASM_PRIORITY,
      );
    }
  } catch {
    // A registry that refuses is no reason to break the importing program; the other backends still serve.
  }
}

register();

/**
 * Loads the module (fetching it in a browser) and registers the 'wasm' backend over it, replacing the one
 * registered at import; `options.relaxed` picks the relaxed-SIMD build where the engine supports it. If the
 * module cannot load, 'wasm' is registered as unavailable with the reason, and the error is thrown.
 */
export async function initWasmBackend(options?: LoadOptions): Promise<WasmBackend> {
  try {
    const backend = await WasmBackend.init(options);
    registerBackend('wasm', () => backend, WASM_PRIORITY);
    return backend;
  } catch (err) {
    registerUnavailableBackend('wasm', reasonOf(err), WASM_PRIORITY);
    throw err;
  }
}

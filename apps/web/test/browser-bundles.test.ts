// Every package a browser page uses bundles for browsers with nothing of Node: esbuild with platform
// 'browser' and no externals (a Node built-in reached from the entry fails the build), checked once from the
// TypeScript sources and once from the built dist/ files a user installs, and the bundle scanned for
// `node:` imports besides.

import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { APP_DIR } from '../scripts/build.js';

const BROWSER_PACKAGES = [
  '@nabla/core', '@nabla/backend-js', '@nabla/backend-wasm', '@nabla/layers', '@nabla/losses', '@nabla/optimizers',
  '@nabla/data', '@nabla/data/browser',
];

interface Bundled {
  errors: string[];
  inputs: string[];
  nodeImports: string[];
}

/** Bundles `source` for browsers; never throws, so a failure is reported with esbuild's messages. */
async function bundleForBrowser(source: string, fromSources: boolean): Promise<Bundled> {
  try {
    const result = await esbuild.build({
      stdin: { contents: source, resolveDir: APP_DIR, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: fromSources ? ['@nabla/source'] : [],
      metafile: true,
      logLevel: 'silent',
    });
    const text = result.outputFiles[0]!.text;
    return {
      errors: [],
      inputs: Object.keys(result.metafile.inputs),
      nodeImports: [...text.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](node:[\w/]+)["']/g)].map((m) => m[1]!),
    };
  } catch (err) {
    const errors = (err as esbuild.BuildFailure).errors?.map((e) => `${e.text} (${e.location?.file ?? '?'})`);
    return { errors: errors ?? [String(err)], inputs: [], nodeImports: [] };
  }
}

describe('packages bundle for browsers with no Node built-in', () => {
  it('the check catches a Node built-in (control)', async () => {
    const bundled = await bundleForBrowser("export { readFileSync } from 'node:fs';", true);
    expect(bundled.errors.join('\n')).toMatch(/node:fs/);
  });

  for (const fromSources of [true, false]) {
    const from = fromSources ? 'TypeScript sources' : 'built dist/';
    for (const pkg of BROWSER_PACKAGES) {
      it(`${pkg} (${from})`, async () => {
        const bundled = await bundleForBrowser(`export * from '${pkg}';`, fromSources);
        expect(bundled.errors).toEqual([]);
        expect(bundled.inputs.filter((f) => f.startsWith('node:'))).toEqual([]);
        expect(bundled.nodeImports).toEqual([]);
        if (pkg.startsWith('@nabla/data')) {
          // The browser entry, not the Node one, and none of the files that read from disk.
          expect(bundled.inputs.some((f) => /packages\/data\/(src|dist)\/browser\.[tj]s$/.test(f))).toBe(true);
          expect(bundled.inputs.filter((f) => /packages\/data\/(src|dist)\/(index|idx|gunzip|mnist|byte-images|csv)\.[tj]s$/.test(f)))
            .toEqual([]);
        }
      });
    }
  }
});

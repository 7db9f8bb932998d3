// The tarball check must catch what it claims to catch: each rule gets a package that breaks it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tarballProblems } from '../lib/tarball.mjs';

const README = '# @nabla/x\n\n```sh\nnpm install @nabla/core @nabla/x\n```\n\n```ts\nimport { x } from \'@nabla/x\';\n```\n';
const MANIFEST = {
  name: '@nabla/x',
  version: '0.2.0',
  type: 'module',
  license: 'MIT',
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  dependencies: { '@nabla/core': '^0.2.0', 'csv-parse': '^6.1.0' },
};
const FILES = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'];

function problems({ files = FILES, manifest = MANIFEST, readme = README, expectPrebuild = true } = {}) {
  return tarballProblems({
    files, manifest, readme, expectPrebuild,
    versions: new Map([['@nabla/core', '0.2.0'], ['@nabla/x', '0.2.0']]),
    privateNames: new Set(['@nabla/backend-tests']),
  });
}

test('a complete package has no problems', () => {
  assert.deepEqual(problems(), []);
});

test('an export condition whose file does not ship is reported (the workspace-only "@nabla/source" one too)', () => {
  const manifest = { ...MANIFEST, exports: { '.': { '@nabla/source': './src/index.ts', ...MANIFEST.exports['.'] } } };
  assert.ok(problems({ manifest }).includes('its "@nabla/source" entry point src/index.ts is not in the tarball'));
});

test('relative README links must lead to shipped files; absolute links and anchors are fine', () => {
  const readme = `${README}\nSee [the root](../../README.md), [types](dist/index.d.ts), [npm](https://www.npmjs.com/), [below](#api).\n`;
  assert.deepEqual(problems({ readme }), [
    'README.md links to ../../README.md, which is not in the tarball (link absolutely or to a shipped file)',
  ]);
});

test('missing README, LICENSE and entry points are reported', () => {
  const found = problems({ files: ['package.json', 'dist/index.js'], readme: null });
  assert.ok(found.includes('has no README.md'));
  assert.ok(found.includes('has no LICENSE'));
  assert.ok(found.some((p) => p.includes('"types" entry point dist/index.d.ts is not in the tarball')));
});

test('sources, tests, maps, build info and configs are junk', () => {
  const junk = ['src/index.ts', 'test/a.test.ts', 'dist/index.js.map', 'dist/.tsbuildinfo', 'tsconfig.json',
    'vitest.config.ts', 'bench/bench.ts', 'build/Release/nabla.node', 'dist/a.spec.js', 'cpp/x.o'];
  const found = problems({ files: [...FILES, ...junk] });
  for (const file of junk) assert.ok(found.some((p) => p.endsWith(`: ${file}`)), `${file} not reported: ${found.join('; ')}`);
});

test('declaration files are not mistaken for sources', () => {
  assert.deepEqual(problems({ files: [...FILES, 'dist/ops/nn.d.ts'] }), []);
});

test('dependency ranges: workspace:, private packages, stale versions', () => {
  const manifest = { ...MANIFEST, dependencies: { '@nabla/core': 'workspace:^', '@nabla/backend-tests': '^0.1.0' } };
  const found = problems({ manifest });
  assert.ok(found.some((p) => p.includes('still "workspace:^"')));
  assert.ok(found.some((p) => p.includes('@nabla/backend-tests is private')));
  const stale = problems({ manifest: { ...MANIFEST, dependencies: { '@nabla/core': '^0.1.0' } } });
  assert.ok(stale.some((p) => p.includes('the workspace has @nabla/core@0.2.0')));
});

test('a private package as a devDependency is fine (consumers never install it)', () => {
  assert.deepEqual(problems({ manifest: { ...MANIFEST, devDependencies: { '@nabla/backend-tests': '^0.1.0' } } }), []);
});

test('README must show an install command naming the package and a code example', () => {
  assert.ok(problems({ readme: '# x\n\n```ts\nx\n```\n' }).some((p) => p.includes('no install command for @nabla/x')));
  assert.ok(problems({ readme: '```sh\nnpm install @nabla/xy\n```\n```ts\n```' }).some((p) => p.includes('no install command')));
  assert.ok(problems({ readme: '```sh\npnpm add @nabla/x\n```\n' }).some((p) => p.includes('no ```ts or ```js example')));
});

test('the native package must carry its prebuilt binary and its build inputs', () => {
  const manifest = { ...MANIFEST, name: '@nabla/backend-native' };
  const readme = README.replaceAll('@nabla/x', '@nabla/backend-native');
  const found = problems({ manifest, readme });
  assert.ok(found.includes('has no prebuilt binary prebuilds/linux-x64/nabla.node'));
  assert.ok(found.some((p) => p.includes('scripts/install.mjs')));
  assert.ok(found.some((p) => p.includes('cpp/')));
  const full = [...FILES, 'prebuilds/linux-x64/nabla.node', 'scripts/install.mjs', 'CMakeLists.txt', 'cpp/addon.cpp'];
  assert.deepEqual(problems({ manifest, readme, files: full }), []);
  assert.ok(problems({ manifest, readme, files: full, expectPrebuild: false }).includes('still has prebuilds/'));
});

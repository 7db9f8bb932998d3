// `pnpm test:install`: tests its own checks, builds and packs every public package, checks what each
// tarball holds, then installs subsets into fresh temporary projects outside the monorepo (npm and pnpm,
// with and without the native addon, with the compiler hidden) and runs example scripts there.
// Exits 1 on any failure; RELEASING.md describes each scenario.
//
//   node scripts/pack-install-test.mjs [--skip-build] [--only=id,id] [--skip=id,id] [--keep] [--out=DIR]
//
// Scenario ids: npm-js, npm-native, pnpm, no-compiler, source-build, all, wasm-no-compiler (see scripts/lib/scenarios.mjs).
// Tarballs go to DIR (default: a temp folder, deleted when everything passed). Project folders are deleted after a passing scenario
// unless --keep; a failing scenario's folder is always kept and printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { buildAll, packAll } from './lib/pack.mjs';
import { run, step } from './lib/proc.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { root } from './lib/workspace.mjs';

const { values: options } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    only: { type: 'string' },
    skip: { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log(`usage: node scripts/pack-install-test.mjs [--skip-build] [--only=ids] [--skip=ids] [--keep] [--out=DIR]\n` +
    `scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  process.exit(0);
}

function idList(text) {
  const ids = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) {
    console.error(`unknown scenario id(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
    process.exit(2);
  }
  return ids;
}
const only = idList(options.only);
const skip = idList(options.skip);
const selected = SCENARIOS.filter((s) => (only.length === 0 || only.includes(s.id)) && !skip.includes(s.id));

const started = Date.now();
const timings = [];
const results = [];
const projects = [];
// Scenarios register their project folders here; (b) reuses the folder of (a) and says so with use().
const ctx = {
  current: null,
  track(project) {
    project.usedBy = new Set([ctx.current]);
    projects.push(project);
    return project;
  },
  use(project) {
    project.usedBy.add(ctx.current);
    return project;
  },
};

async function main() {
  // The checks below are only as good as the code that reads tarballs and example output: test it first.
  const selfTest = await step('self-test of the checks (node --test scripts/test/)', () =>
    run(process.execPath, ['--test', join(root, 'scripts', 'test')], { allowFailure: true }), timings);
  const counts = /^# pass (\d+)$/m.exec(selfTest.stdout)?.[1] ?? '?';
  results.push({ id: 'self-test', title: 'self-test of the checks', ok: selfTest.code === 0,
    detail: selfTest.code === 0 ? `${counts} tests pass` : selfTest.output.trim().split('\n').slice(-30).join('\n      ') });

  if (!options['skip-build']) await step('build', buildAll, timings);
  const out = options.out ? resolve(options.out) : (ctx.tempTarballs = mkdtempSync(join(tmpdir(), 'nabla-tarballs-')));
  const packed = await step(`pack into ${out}`, () => packAll(out), timings);
  ctx.tarballs = packed.tarballs;
  ctx.nativeNoPrebuilt = packed.nativeNoPrebuilt;
  results.push({ id: 'tarballs', title: 'tarball contents', ok: packed.problems.length === 0,
    detail: packed.problems.length === 0 ? `${packed.tarballs.size} tarballs hold what they need and nothing else`
      : `${packed.problems.length} problem(s):\n      ${packed.problems.join('\n      ')}` });

  for (const scenario of selected) {
    ctx.current = scenario.id;
    const t0 = Date.now();
    try {
      const detail = await step(scenario.title, () => scenario.run(ctx), timings);
      results.push({ id: scenario.id, title: scenario.title, ok: true, detail, seconds: (Date.now() - t0) / 1000 });
    } catch (err) {
      const kept = projects.filter((p) => p.usedBy.has(scenario.id)).map((p) => p.dir).join(', ');
      results.push({ id: scenario.id, title: scenario.title, ok: false, seconds: (Date.now() - t0) / 1000,
        detail: `${err instanceof Error ? err.message : String(err)}${kept ? `\n      (project kept in ${kept})` : ''}` });
    }
  }
}

try {
  await main();
} catch (err) {
  results.push({ id: 'setup', title: 'build and pack', ok: false, detail: err instanceof Error ? err.message : String(err) });
}
const failedIds = new Set(results.filter((r) => !r.ok).map((r) => r.id));
for (const project of projects) {
  if (!options.keep && ![...project.usedBy].some((id) => failedIds.has(id))) project.remove();
}
if (ctx.tempTarballs && !options.keep && failedIds.size === 0) rmSync(ctx.tempTarballs, { recursive: true, force: true });

console.log('\n== summary');
for (const r of results) {
  console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.title}${r.seconds !== undefined ? ` (${r.seconds.toFixed(1)} s)` : ''}\n      ${r.detail}`);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

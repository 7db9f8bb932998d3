// Reruns the slowest test files while other processes keep every core busy, and fails when any single test
// takes longer than the limit: the suite must pass on a loaded 2-core machine without leaning on timeouts.
//
//   node scripts/test-under-load.mjs [--max-seconds=10] [--busy=N] [package-dir:test-file ...]
//
// --busy: how many busy-looping processes to start (default: one per core). With no files, the slowest
// files measured on a 2-core machine run. Prints each file's slowest tests; exits 1 on a failure or a test
// over the limit.
/* global process, console, URL -- a plain Node script */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const vitest = join(root, 'node_modules', '.bin', 'vitest');
if (!existsSync(vitest)) {
  console.error('test-under-load: no node_modules/.bin/vitest (run pnpm install first)');
  process.exit(2);
}

const SLOWEST = [
  'packages/backend-tests:test/reference.test.ts',
  'packages/backend-js:test/conformance.test.ts',
  'packages/data:test/mnist.test.ts',
  'packages/data:test/byte-images.test.ts',
  'packages/data:test/gzip-bomb.test.ts',
  'packages/train:test/integration.test.ts',
  'packages/train:test/crash-leftovers.test.ts',
  'native:test/gemm.test.ts',
  'native:test/bitwise.test.ts',
  'native:test/conformance.test.ts',
  'packages/distributed:test/mpi.test.ts',
];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'max-seconds': { type: 'string', default: '10' }, busy: { type: 'string' } },
});
const maxMs = Number(values['max-seconds']) * 1000;
const busyCount = values.busy === undefined ? availableParallelism() : Number(values.busy);
if (!(maxMs > 0) || !Number.isInteger(busyCount) || busyCount < 0) {
  console.error('test-under-load: --max-seconds must be a positive number and --busy a whole number >= 0');
  process.exit(2);
}

/** Groups "dir:file" arguments by package folder. */
function byPackage(specs) {
  const groups = new Map();
  for (const spec of specs) {
    const at = spec.indexOf(':');
    if (at <= 0) throw new Error(`test-under-load: expected <package-dir>:<test-file>, got '${spec}'`);
    const dir = spec.slice(0, at);
    if (!groups.has(dir)) groups.set(dir, []);
    groups.get(dir).push(spec.slice(at + 1));
  }
  return groups;
}

function run(command, args, cwd) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.once('exit', (code, signal) => done(signal ? 128 : code ?? 1));
  });
}

// Busy loops at normal priority: the tests compete with them for the cores, as with a neighbour's job.
const busy = Array.from({ length: busyCount }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopBusy = () => { for (const p of busy) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL'); };
process.once('SIGINT', () => { stopBusy(); process.exit(130); });
process.once('SIGTERM', () => { stopBusy(); process.exit(143); });

const out = mkdtempSync(join(tmpdir(), 'nabla-load-'));
const problems = [];
try {
  console.log(`== ${busyCount} busy processes (pids ${busy.map((p) => p.pid).join(', ')}); limit ${maxMs / 1000} s per test`);
  for (const [dir, files] of byPackage(positionals.length > 0 ? positionals : SLOWEST)) {
    const cwd = join(root, dir);
    if (!existsSync(cwd)) throw new Error(`test-under-load: no folder ${dir}`);
    const report = join(out, `${dir.replaceAll('/', '_')}.json`);
    const started = Date.now();
    const code = await run(vitest, ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...files], cwd);
    console.log(`== ${dir}: ${files.join(' ')}: exit ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (code !== 0) problems.push(`${dir}: vitest exited with ${code}`);
    if (!existsSync(report)) continue;
    const tests = JSON.parse(readFileSync(report, 'utf8')).testResults.flatMap((file) =>
      file.assertionResults.map((t) => ({ file: file.name.slice(root.length + 1), title: t.fullName, ms: t.duration ?? 0 })));
    tests.sort((a, b) => b.ms - a.ms);
    for (const t of tests.slice(0, 3)) console.log(`   ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.file}: ${t.title}`);
    for (const t of tests.filter((x) => x.ms > maxMs)) {
      problems.push(`${t.file}: "${t.title}" took ${(t.ms / 1000).toFixed(1)} s, over ${maxMs / 1000} s`);
    }
  }
} finally {
  stopBusy();
  rmSync(out, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`\ntest-under-load: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('\ntest-under-load: every test passed within the limit with all cores busy');

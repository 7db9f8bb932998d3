/* global process, console -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// The package's install script. Uses a prebuilt binary when one matches this platform; otherwise builds
// the addon with cmake-js (headers from node-api-headers and node-addon-api: nothing is downloaded). It
// never fails the install: when cmake, a compiler or the build is missing, it prints one line, writes the
// details to build/install.log (which the backend quotes when asked why it is unavailable) and exits 0,
// and the JavaScript backend serves.
//
//   node scripts/install.mjs            what `pnpm install` runs
//   NABLA_NATIVE_SKIP_BUILD=1           skip the build (the js backend serves)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'nabla.node');
const built = join(root, 'build', 'Release', 'nabla.node');
const logPath = join(root, 'build', 'install.log');
const rebuildHint = 'then run `npm rebuild @nabla/backend-native` (or `pnpm rebuild @nabla/backend-native`)';

/** Writes the log (first line: the summary the backend quotes), prints the summary and exits 0. */
function finish(summary, details = '') {
  try {
    mkdirSync(dirname(logPath), { recursive: true });
    writeFileSync(logPath, `${summary}\n\n${details}`);
  } catch {
    // A read-only install folder: the line below still tells the user.
  }
  console.log(`@nabla/backend-native: ${summary}`);
  process.exit(0);
}

function lastLines(text, n) {
  return text.trim().split('\n').slice(-n).join('\n');
}

try {
  if (process.env.NABLA_NATIVE_SKIP_BUILD === '1') {
    finish('native build skipped (NABLA_NATIVE_SKIP_BUILD=1); the js backend will serve');
  }
  let prebuiltFailure = '';
  if (existsSync(prebuilt)) {
    // Load it in a child first: a prebuilt binary for an older or newer C runtime fails here, and then the
    // build from source below still gives this machine the native backend.
    const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(prebuilt)})`], { encoding: 'utf8' });
    if (probe.status === 0) finish(`using the prebuilt binary ${prebuilt}`);
    prebuiltFailure = `the prebuilt binary does not load here (${lastLines(String(probe.stderr), 1)}); `;
  }

  const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
  if (cmake.error || cmake.status !== 0) {
    finish(`cmake was not found, so the native addon was not built; the js backend will serve (install cmake and a C++17 compiler, ${rebuildHint})`,
      String(cmake.error ?? cmake.stderr));
  }

  let cmakeJs;
  try {
    cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
  } catch (err) {
    finish('cmake-js is not installed, so the native addon was not built; the js backend will serve', String(err));
  }

  const started = Date.now();
  const build = spawnSync(
    process.execPath,
    [cmakeJs, 'compile', '--parallel', String(Math.max(1, availableParallelism()))],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const output = `${build.stdout ?? ''}\n${build.stderr ?? ''}`;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (build.status === 0 && existsSync(built)) {
    finish(`${prebuiltFailure}built the native addon in ${seconds} s (${built})`, output);
  }
  const noCompiler = /No CMAKE_CXX_COMPILER could be found|CMAKE_CXX_COMPILER not set|Could not find compiler|Compiler toolset is not available/;
  const why = noCompiler.test(output) ? 'no C++ compiler was found' : `the build failed (exit ${build.status ?? build.signal})`;
  finish(`${prebuiltFailure}${why}, so the native addon was not built; the js backend will serve (details in ${logPath}; fix it, ${rebuildHint})`,
    `last lines of the build output:\n${lastLines(output, 15)}\n\nfull output:\n${output}`);
} catch (err) {
  finish(`the native build could not run (${err instanceof Error ? err.message : String(err)}); the js backend will serve`);
}

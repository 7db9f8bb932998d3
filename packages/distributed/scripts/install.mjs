/* global process, console -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// The package's install script: builds the MPI addon with cmake-js (headers from node-api-headers and
// node-addon-api: nothing is downloaded). It never fails the install: when MPI (mpicc), cmake, a compiler or
// the build is missing, it prints one line, writes the details to build/install.log (which
// distributedInfo() quotes as the reason the package is unavailable) and exits 0.
//
//   node scripts/install.mjs            what `pnpm install` runs
//   NABLA_DISTRIBUTED_SKIP_BUILD=1      skip the build
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(root, 'build', 'Release', 'nabla_mpi.node');
const logPath = join(root, 'build', 'install.log');
const rebuildHint = 'then run `npm rebuild @nabla/distributed` (or `pnpm rebuild @nabla/distributed`)';

/** Writes the log (first line: the summary distributedInfo quotes), prints the summary and exits 0. */
function finish(summary, details = '') {
  try {
    mkdirSync(dirname(logPath), { recursive: true });
    writeFileSync(logPath, `${summary}\n\n${details}`);
  } catch {
    // A read-only install folder: the line below still tells the user.
  }
  console.log(`@nabla/distributed: ${summary}`);
  process.exit(0);
}

function lastLines(text, n) {
  return text.trim().split('\n').slice(-n).join('\n');
}

try {
  if (process.env.NABLA_DISTRIBUTED_SKIP_BUILD === '1') {
    finish('MPI addon build skipped (NABLA_DISTRIBUTED_SKIP_BUILD=1)');
  }
  const mpicc = spawnSync('mpicc', ['--showme:version'], { encoding: 'utf8' });
  if (mpicc.error) {
    finish(`MPI was not found (no mpicc on PATH), so the MPI addon was not built (install Open MPI or MPICH with its development files, e.g. \`apt-get install openmpi-bin libopenmpi-dev\`, ${rebuildHint})`,
      String(mpicc.error));
  }
  const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
  if (cmake.error || cmake.status !== 0) {
    finish(`cmake was not found, so the MPI addon was not built (install cmake and a C++17 compiler, ${rebuildHint})`,
      String(cmake.error ?? cmake.stderr));
  }
  let cmakeJs;
  try {
    cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
  } catch (err) {
    finish('cmake-js is not installed, so the MPI addon was not built', String(err));
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
    finish(`built the MPI addon in ${seconds} s (${built})`, output);
  }
  const noCompiler = /No CMAKE_CXX_COMPILER could be found|No CMAKE_C_COMPILER could be found|CMAKE_CXX_COMPILER not set|Could not find compiler/;
  const noMpi = /Could NOT find MPI/;
  const why = noCompiler.test(output) ? 'no C/C++ compiler was found'
    : noMpi.test(output) ? 'CMake could not find MPI\'s development files'
      : `the build failed (exit ${build.status ?? build.signal})`;
  finish(`${why}, so the MPI addon was not built (details in ${logPath}; fix it, ${rebuildHint})`,
    `last lines of the build output:\n${lastLines(output, 15)}\n\nfull output:\n${output}`);
} catch (err) {
  finish(`the MPI addon build could not run (${err instanceof Error ? err.message : String(err)})`);
}

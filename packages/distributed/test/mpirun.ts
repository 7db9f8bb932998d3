// Runs a script of test/mpi/ under `mpirun -np 2` (TypeScript through tsx, workspace packages from their
// sources) and collects its output. Tells why MPI tests cannot run here, if they cannot.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distributedInfo } from '../src/index.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Why the MPI tests are skipped here, or null when they can run. */
export function mpiUnavailable(): string | null {
  const info = distributedInfo();
  if (!info.available) return `the MPI addon is unavailable: ${info.reason}`;
  const probe = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'mpirun was not found on PATH (install openmpi-bin)';
  return null;
}

export interface MpiRun {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The JSON lines the ranks printed, by rank. */
  ranks: Record<string, unknown>[];
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nabla-dist-'));
}

/**
 * Each rank's stdout as its own file under `dir` (Open MPI writes <dir>/<job>/rank.<n>/stdout): mpirun's merged
 * stdout forwards the ranks' output in chunks, which split and interleave lines longer than a few KB.
 */
function perRankStdout(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name === 'stdout') out.push(readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

export function mpirun(script: string, args: string[] = [], ranks = 2, env: Record<string, string> = {}): MpiRun {
  const outputDir = tempDir();
  const result = spawnSync('mpirun', [
    '--allow-run-as-root', '--oversubscribe', '--output-filename', outputDir, '-np', String(ranks),
    process.execPath, '--import', 'tsx', '--conditions=@nabla/source', join(packageDir, 'test', 'mpi', script), ...args,
  ], {
    cwd: packageDir, encoding: 'utf8', env: { ...process.env, ...env },
    // A safety net only: a job that hangs fails its test instead of blocking the suite.
    timeout: 50_000, killSignal: 'SIGKILL',
  });
  const lines = perRankStdout(outputDir).flatMap((text) => text.split('\n'));
  rmSync(outputDir, { recursive: true, force: true });
  const ranksOut = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  ranksOut.sort((a, b) => Number(a.rank) - Number(b.rank));
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, ranks: ranksOut };
}

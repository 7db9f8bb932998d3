// Builds peers_sgemm (cpp/: nabla's sgemm from native/cpp/gemm, OpenBLAS's cblas_sgemm, the FMA peak probe
// of native/bench) with CMake into a temporary folder, so it always measures the sources of this checkout.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SgemmBuild {
  binary?: string;
  openblas: boolean;
  dir?: string;
  /** Why the sgemm side or OpenBLAS is missing, with how to install it. */
  notes: string[];
}

const SOURCE = fileURLToPath(new URL('../cpp', import.meta.url));

function has(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

export function buildSgemm(log: (line: string) => void): SgemmBuild {
  const missing = ['cmake', 'c++'].filter((c) => !has(c));
  if (missing.length > 0) {
    return {
      openblas: false,
      notes: [`sgemm and FMA peak skipped: ${missing.join(' and ')} not found (Debian: apt-get install cmake g++)`],
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'nabla-peers-sgemm-'));
  log(`building peers_sgemm in ${dir} ...`);
  const configure = spawnSync('cmake', ['-S', SOURCE, '-B', dir, '-DCMAKE_BUILD_TYPE=Release'], { encoding: 'utf8' });
  const build = configure.status === 0
    ? spawnSync('cmake', ['--build', dir, '-j2'], { encoding: 'utf8' })
    : configure;
  if (build.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    const tail = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    return { openblas: false, notes: [`sgemm and FMA peak skipped: the CMake build of cpp/ failed:\n${tail}`] };
  }
  const openblas = /peers_sgemm: OpenBLAS /.test(configure.stdout);
  return {
    binary: join(dir, 'peers_sgemm'),
    openblas,
    dir,
    notes: openblas ? [] : ['OpenBLAS cblas_sgemm skipped: no OpenBLAS with cblas.h found (Debian: apt-get install libopenblas-dev)'],
  };
}

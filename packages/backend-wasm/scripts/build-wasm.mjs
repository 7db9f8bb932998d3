/* global process, console */
// Compiles csrc/*.c into the committed modules wasm/nabla.wasm (SIMD128) and wasm/nabla-relaxed.wasm
// (SIMD128 + relaxed SIMD, whose sgemm uses f32x4.relaxed_madd). Needs clang and wasm-ld (LLVM >= 16);
// users never run this: the .wasm files ship in the package.
// Run: pnpm --filter @nabla/backend-wasm build:wasm   (CLANG=/path/to/clang to pick a compiler)

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const csrc = join(root, 'csrc');
const out = join(root, 'wasm');

function findClang() {
  const candidates = process.env.CLANG ? [process.env.CLANG] : ['clang-16', 'clang-17', 'clang-18', 'clang-19', 'clang'];
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  return null;
}

const clang = findClang();
if (!clang) {
  console.error(
    'build:wasm needs clang (LLVM 16 or newer) with wasm-ld. On Debian/Ubuntu: apt-get install clang-16 lld-16\n' +
    '(or set CLANG=/path/to/clang). The committed wasm/*.wasm files are used as they are until then.',
  );
  process.exit(1);
}
// lld-16 installs wasm-ld-16; clang looks for wasm-ld next to itself or on PATH under the plain name.
const version = /-(\d+)$/.exec(clang)?.[1];
const linker = version ? `-fuse-ld=/usr/bin/wasm-ld-${version}` : '-fuse-ld=lld';

const sources = readdirSync(csrc).filter((f) => f.endsWith('.c')).sort().map((f) => join(csrc, f));
const common = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-mnontrapping-fptoint',
  // No contraction into fused multiply-adds: the float64 kernels mirror backend-js operation by operation.
  '-ffp-contract=off',
  '-nostdlib', '-Wall', '-Wextra', '-Werror',
  '-Wl,--no-entry', '-Wl,--export-memory', '-Wl,--export=__heap_base', '-Wl,--import-undefined',
  '-Wl,--strip-all', '-Wl,-z,stack-size=65536', linker,
];

mkdirSync(out, { recursive: true });
for (const [name, extra] of [['nabla.wasm', []], ['nabla-relaxed.wasm', ['-mrelaxed-simd']]]) {
  const file = join(out, name);
  execFileSync(clang, [...common, ...extra, '-o', file, ...sources], { stdio: 'inherit' });
  console.log(`${name}: ${statSync(file).size} bytes`);
}

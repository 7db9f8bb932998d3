// GEMM throughput of the JS backend at the shapes the MNIST MLP uses, plus square sizes, and the cost of
// one tiny elementwise call. Best of several runs; prints a table and writes bench-output/backend-js.json.
// Run: pnpm --filter @nabla/backend-js bench

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GemmArgs } from '@nabla/core';
import { JsBackend } from '../src/index.js';

const backend = new JsBackend();

interface GemmCase { name: string; m: number; n: number; k: number; transA: boolean; transB: boolean }

function mlpCases(batch: number, sizes: number[]): GemmCase[] {
  const cases: GemmCase[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inF = sizes[l]!;
    const outF = sizes[l + 1]!;
    const layer = `L${l + 1} ${inF}->${outF}`;
    cases.push({ name: `${layer} fwd X·Wᵀ`, m: batch, n: outF, k: inF, transA: false, transB: true });
    cases.push({ name: `${layer} dW = dYᵀ·X`, m: outF, n: inF, k: batch, transA: true, transB: false });
    cases.push({ name: `${layer} dX = dY·W`, m: batch, n: inF, k: outF, transA: false, transB: false });
  }
  return cases;
}

const CASES: GemmCase[] = [
  { name: 'MNIST layer 1 fwd', m: 128, n: 256, k: 784, transA: false, transB: true },
  ...mlpCases(128, [784, 256, 128, 10]),
  { name: 'square 256', m: 256, n: 256, k: 256, transA: false, transB: false },
  { name: 'square 512', m: 512, n: 512, k: 512, transA: false, transB: false },
  { name: 'square 1024', m: 1024, n: 1024, k: 1024, transA: false, transB: false },
];

function randomArray(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

const RUNS = 15;

/** Best time per call in ms over `runs` runs, each long enough (>= 30 ms) to time reliably. */
function bestMs(fn: () => void, runs = RUNS): number {
  fn(); // warm up: let V8 optimize
  let reps = 1;
  for (;;) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) fn();
    if (performance.now() - t >= 30) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) fn();
    best = Math.min(best, (performance.now() - t) / reps);
  }
  return best;
}

const results = CASES.map((c) => {
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const args: GemmArgs = {
    transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: 1,
    a: randomArray(aRows * aCols), aOffset: 0, lda: aCols, b: randomArray(bRows * bCols), bOffset: 0, ldb: bCols,
    beta: 0, c: new Float32Array(c.m * c.n), cOffset: 0, ldc: c.n,
  };
  const ms = bestMs(() => backend.gemm(args));
  return { ...c, ms, gflops: (2 * c.m * c.n * c.k) / (ms * 1e6) };
});

// Baseline for context: the textbook i-k-j loop (float32 C, no blocking) at 256³, as in naive JS matmuls.
function naiveMatmul(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < n; p++) {
      const av = a[i * n + p]!;
      for (let j = 0; j < n; j++) c[i * n + j]! += av * b[p * n + j]!;
    }
  }
}
const naiveN = 256;
const naiveArgs = [randomArray(naiveN * naiveN), randomArray(naiveN * naiveN), new Float32Array(naiveN * naiveN)] as const;
const naiveMs = bestMs(() => naiveMatmul(...naiveArgs, naiveN));
const naiveGflops = (2 * naiveN ** 3) / (naiveMs * 1e6);

const mlp = results.filter((r) => r.name.startsWith('L'));
const mlpFlops = mlp.reduce((s, r) => s + 2 * r.m * r.n * r.k, 0);
const mlpMs = mlp.reduce((s, r) => s + r.ms, 0);

// A tiny op: the backend's add of two 16-element contiguous views (core's Tensor overhead not included).
const x16 = { storage: randomArray(16), shape: [16], strides: [1], offset: 0 };
const y16 = { storage: randomArray(16), shape: [16], strides: [1], offset: 0 };
const out16 = new Float32Array(16);
const tinyAddUs = bestMs(() => backend.binary('add', x16, y16, out16)) * 1000;

console.log(`gemm (C = op(A)·op(B), float32 in, float64 accumulate), best of ${RUNS} runs`);
console.log(['case'.padEnd(26), 'm'.padStart(5), 'n'.padStart(5), 'k'.padStart(5), 'tA', 'tB', 'ms'.padStart(9), 'GFLOP/s'.padStart(8)].join(' '));
for (const r of results) {
  console.log([
    r.name.padEnd(26), String(r.m).padStart(5), String(r.n).padStart(5), String(r.k).padStart(5),
    r.transA ? ' T' : ' N', r.transB ? ' T' : ' N', r.ms.toFixed(3).padStart(9), r.gflops.toFixed(2).padStart(8),
  ].join(' '));
}
console.log(`MLP 784-256-128-10 step, batch 128 (9 GEMMs): ${mlpMs.toFixed(2)} ms, ${(mlpFlops / (mlpMs * 1e6)).toFixed(2)} GFLOP/s`);
console.log(`baseline: naive i-k-j loop at ${naiveN}³: ${naiveGflops.toFixed(2)} GFLOP/s`);
console.log(`binary add of two 16-element views: ${tinyAddUs.toFixed(3)} µs per call`);

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-output');
mkdirSync(outDir, { recursive: true });
const report = {
  backend: 'js',
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  date: new Date().toISOString(),
  gemm: results.map(({ name, m, n, k, transA, transB, ms, gflops }) => ({ name, m, n, k, transA, transB, ms, gflops })),
  mlpStep: { batch: 128, sizes: [784, 256, 128, 10], gemmMs: mlpMs, gflops: mlpFlops / (mlpMs * 1e6) },
  naiveIkjGflops256: naiveGflops,
  tinyAddMicroseconds: tinyAddUs,
};
writeFileSync(join(outDir, 'backend-js.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`wrote ${join(outDir, 'backend-js.json')}`);

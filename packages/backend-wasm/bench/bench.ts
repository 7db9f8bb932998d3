// sgemm throughput of the wasm kernels beside TensorFlow.js 4.22's wasm backend (XNNPACK, SIMD, 1 thread)
// and @nabla/backend-js, in one process, alternating between them and keeping the best of several runs:
// 1024² and the nine GEMMs of one MLP 784-256-128-10 training step at batch 128 (with the transposes a
// training step uses). Then elementwise and fused kernels against backend-js. Prints markdown tables;
// writes bench-output/backend-wasm.json.
// Run: pnpm --filter @nabla/backend-wasm bench   (BENCH_ROUNDS=n for more rounds, BENCH_RELAXED=1 for the FMA build)

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { JsBackend } from '@nabla/backend-js';
import { WasmKernels } from '../src/index.js';

interface Case { name: string; m: number; n: number; k: number; transA: boolean; transB: boolean; mlp: boolean }

function mlpCases(batch: number, sizes: number[]): Case[] {
  const cases: Case[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inF = sizes[l]!, outF = sizes[l + 1]!;
    const layer = `L${l + 1} ${inF}->${outF}`;
    cases.push({ name: `${layer} Y = X·Wᵀ`, m: batch, n: outF, k: inF, transA: false, transB: true, mlp: true });
    cases.push({ name: `${layer} dW = dYᵀ·X`, m: outF, n: inF, k: batch, transA: true, transB: false, mlp: true });
    cases.push({ name: `${layer} dX = dY·W`, m: batch, n: inF, k: outF, transA: false, transB: false, mlp: true });
  }
  return cases;
}

const CASES: Case[] = [
  { name: 'square 1024', m: 1024, n: 1024, k: 1024, transA: false, transB: false, mlp: false },
  ...mlpCases(128, [784, 256, 128, 10]),
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function randomArray(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Repetitions that make one timed sample last at least 40 ms. */
function calibrate(fn: () => void): number {
  fn();
  fn();
  for (let reps = 1; ; reps *= 2) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) fn();
    if (performance.now() - t >= 40) return reps;
  }
}

function sample(fn: () => void, reps: number): number {
  const t = performance.now();
  for (let r = 0; r < reps; r++) fn();
  return (performance.now() - t) / reps;
}

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
setThreadsCount(1);
await tf.setBackend('wasm');
await tf.ready();

const wk = WasmKernels.load({ relaxed: process.env.BENCH_RELAXED === '1' });
const js = new JsBackend();
const IMPLS = ['nabla-wasm', 'tfjs-wasm', 'nabla-js'] as const;
type Impl = (typeof IMPLS)[number];

const results = CASES.map((c) => {
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const aData = randomArray(aRows * aCols), bData = randomArray(bRows * bCols);
  const a = wk.alloc(aData.length), b = wk.alloc(bData.length), cs = wk.alloc(c.m * c.n);
  wk.write(a, 0, aData);
  wk.write(b, 0, bData);
  const common = { transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: 1, aOffset: 0, lda: aCols, bOffset: 0, ldb: bCols, beta: 0, cOffset: 0, ldc: c.n };
  const jsC = new Float32Array(c.m * c.n);
  const ta = tf.tensor2d(aData, [aRows, aCols]), tb = tf.tensor2d(bData, [bRows, bCols]);
  const fns: Record<Impl, () => void> = {
    'nabla-wasm': () => wk.gemm({ ...common, a, b, c: cs }),
    // The wasm backend computes when the op is called; disposing returns the output to its allocator.
    'tfjs-wasm': () => tf.matMul(ta, tb, c.transA, c.transB).dispose(),
    'nabla-js': () => js.gemm({ ...common, a: aData, b: bData, c: jsC }),
  };
  // Same answer from all three (a sanity check, not a test).
  fns['nabla-wasm']();
  const ref = tf.matMul(ta, tb, c.transA, c.transB);
  const refData = ref.dataSync();
  ref.dispose();
  const got = wk.read(cs);
  let maxErr = 0;
  for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - refData[i]!));
  if (maxErr > 1e-3 * Math.sqrt(c.k)) throw new Error(`${c.name}: results differ from tfjs by ${maxErr}`);

  const reps = Object.fromEntries(IMPLS.map((i) => [i, calibrate(fns[i])])) as Record<Impl, number>;
  const best = Object.fromEntries(IMPLS.map((i) => [i, Infinity])) as Record<Impl, number>;
  const rounds = c.m * c.n * c.k > 1e8 ? Math.max(3, Math.ceil(ROUNDS / 2)) : ROUNDS;
  for (let r = 0; r < rounds; r++) {
    for (const impl of IMPLS) best[impl] = Math.min(best[impl], sample(fns[impl], reps[impl]));
  }
  ta.dispose();
  tb.dispose();
  for (const s of [a, b, cs]) wk.release(s);
  const flops = 2 * c.m * c.n * c.k;
  return { ...c, flops, ms: best, gflops: Object.fromEntries(IMPLS.map((i) => [i, flops / (best[i] * 1e6)])) as Record<Impl, number> };
});

const mlp = results.filter((r) => r.mlp);
const mlpFlops = mlp.reduce((s, r) => s + r.flops, 0);
const mlpGflops = Object.fromEntries(
  IMPLS.map((i) => [i, mlpFlops / (mlp.reduce((s, r) => s + r.ms[i], 0) * 1e6)]),
) as Record<Impl, number>;

const cpu = cpus()[0]?.model ?? 'unknown';
const date = new Date().toISOString();
const fmt = (x: number) => x.toFixed(2);
console.log(`sgemm GFLOP/s, 1 thread, best of ${ROUNDS} alternating runs — ${date.slice(0, 10)}, ${cpu}, Node ${process.version}, nabla variant ${wk.variant}`);
console.log('');
console.log('| GEMM | m | n | k | op | nabla wasm | tfjs-wasm 4.22 | ratio | nabla js |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const op = `${r.transA ? 'T' : 'N'}${r.transB ? 'T' : 'N'}`;
  console.log(`| ${r.name} | ${r.m} | ${r.n} | ${r.k} | ${op} | ${fmt(r.gflops['nabla-wasm'])} | ${fmt(r.gflops['tfjs-wasm'])} | ${fmt(r.gflops['nabla-wasm'] / r.gflops['tfjs-wasm'])}× | ${fmt(r.gflops['nabla-js'])} |`);
}
console.log(`| **MLP step, 9 GEMMs summed** | | | | | **${fmt(mlpGflops['nabla-wasm'])}** | **${fmt(mlpGflops['tfjs-wasm'])}** | **${fmt(mlpGflops['nabla-wasm'] / mlpGflops['tfjs-wasm'])}×** | ${fmt(mlpGflops['nabla-js'])} |`);

// Elementwise and fused kernels over 2^20 elements against backend-js's loops, ns per element.
const N = 1 << 20;
const hostX = Float32Array.from({ length: N }, () => Math.random() * 10 - 5);
const wx = wk.alloc(N), wo = wk.alloc(N), wp = wk.alloc(N), wm = wk.alloc(N), wv = wk.alloc(N);
wk.write(wx, 0, hostX);
wk.write(wp, 0, hostX);
wk.fill(wm, 0, 0, N);
wk.fill(wv, 0, 0, N);
const ho = new Float32Array(N), hp = hostX.slice(), hm = new Float32Array(N), hv = new Float32Array(N);
const wView = { storage: wx, shape: [N], strides: [1], offset: 0 };
const hView = { storage: hostX, shape: [N], strides: [1], offset: 0 };
const wT = { storage: wx, shape: [1024, 1024], strides: [1, 1024], offset: 0 };
const hT = { storage: hostX, shape: [1024, 1024], strides: [1, 1024], offset: 0 };
const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 };
const kernels: [string, () => void, () => void][] = [
  ['add', () => wk.binary('add', wView, wView, wo), () => js.binary('add', hView, hView, ho)],
  ['exp', () => wk.unary('exp', wView, wo), () => js.unary('exp', hView, ho)],
  ['log', () => wk.unary('log', wView, wo), () => js.unary('log', hView, ho)],
  ['copy of a transposed 1024²', () => wk.copy(wT, wo), () => js.copy(hT, ho)],
  ['sum', () => wk.reduce('sum', wView, [0], wo), () => js.reduce('sum', hView, [0], ho)],
  ['relu', () => wk.activation('relu', 0, wx, wo), () => js.activation('relu', 0, hostX, ho)],
  ['sigmoid', () => wk.activation('sigmoid', 0, wx, wo), () => js.activation('sigmoid', 0, hostX, ho)],
  ['tanh', () => wk.activation('tanh', 0, wx, wo), () => js.activation('tanh', 0, hostX, ho)],
  ['adamStep', () => wk.adamStep(wp, wx, wm, wv, null, adam), () => js.kernels.adamStep(hp, hostX, hm, hv, null, adam)],
];
const elementwise = kernels.map(([name, w, h]) => {
  const reps = [calibrate(w), calibrate(h)];
  const best = [Infinity, Infinity];
  for (let r = 0; r < ROUNDS; r++) {
    best[0] = Math.min(best[0]!, sample(w, reps[0]!));
    best[1] = Math.min(best[1]!, sample(h, reps[1]!));
  }
  return { name, wasmNs: (best[0]! * 1e6) / N, jsNs: (best[1]! * 1e6) / N };
});
// Per-call overhead: checks, plan and the call into wasm, on two 16-element views.
const w16 = { storage: wk.alloc(16), shape: [16], strides: [1], offset: 0 };
const h16 = { storage: new Float32Array(16), shape: [16], strides: [1], offset: 0 };
const o16 = wk.alloc(16), ho16 = new Float32Array(16);
const tiny = [calibrate(() => wk.binary('add', w16, w16, o16)), calibrate(() => js.binary('add', h16, h16, ho16))];
const tinyUs = [Infinity, Infinity];
for (let r = 0; r < ROUNDS; r++) {
  tinyUs[0] = Math.min(tinyUs[0]!, sample(() => wk.binary('add', w16, w16, o16), tiny[0]!) * 1000);
  tinyUs[1] = Math.min(tinyUs[1]!, sample(() => js.binary('add', h16, h16, ho16), tiny[1]!) * 1000);
}

console.log('');
console.log(`Elementwise and fused kernels, 2^20 elements, ns per element (best of ${ROUNDS})`);
console.log('');
console.log('| kernel | nabla wasm | nabla js | speed-up |');
console.log('|---|---|---|---|');
for (const e of elementwise) console.log(`| ${e.name} | ${e.wasmNs.toFixed(2)} | ${e.jsNs.toFixed(2)} | ${(e.jsNs / e.wasmNs).toFixed(1)}× |`);
console.log('');
console.log(`add of two 16-element views, per call: nabla wasm ${tinyUs[0]!.toFixed(3)} µs, nabla js ${tinyUs[1]!.toFixed(3)} µs`);

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-output');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'backend-wasm.json'), JSON.stringify({
  node: process.version, cpu, date, variant: wk.variant, rounds: ROUNDS,
  gemm: results.map(({ name, m, n, k, transA, transB, ms, gflops }) => ({ name, m, n, k, transA, transB, ms, gflops })),
  mlpStep: { batch: 128, sizes: [784, 256, 128, 10], gflops: mlpGflops },
  elementwise,
  tinyAddMicroseconds: { wasm: tinyUs[0], js: tinyUs[1] },
}, null, 2) + '\n');

// Per-call overhead of tiny ops through the native backend (the JavaScript wrapper, the Node-API call and
// argument checking; the kernel work on 4 elements is a few nanoseconds), then the time of larger kernels,
// native against the js backend.
//
//   pnpm --filter @nabla/backend-native bench
//
// Tiny ops report process CPU time per call (best of several runs), which stays meaningful on a machine
// shared with other jobs; larger ops report wall time (they use the thread pool).
import type { Backend, View } from '@nabla/core';

import { createNativeBackend, nativeLoad } from '../src/index.js';

if (!nativeLoad.ok) {
  console.error(`bench: the native addon is unavailable: ${nativeLoad.reason}`);
  process.exit(1);
}
const addon = nativeLoad.addon;
const native = createNativeBackend(addon);
const core = await import('@nabla/core');
await import('@nabla/backend-js');
const js = core.setBackend('js') as Backend;

const CALLS = 500_000;
const RUNS = 7;

function perCall(name: string, fn: () => void): void {
  for (let i = 0; i < 100_000; i++) fn(); // warm up: JIT and inline caches
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / CALLS);
  }
  console.log(`${name.padEnd(62)} ${best.toFixed(0).padStart(5)} ns`);
}

const view = (storage: Float32Array, shape: number[], strides: number[]): View => ({ storage, shape, strides, offset: 0 });
const a = view(new Float32Array([1, 2, 3, 4]), [2, 2], [2, 1]);
const b = view(new Float32Array([5, 6]), [2, 2], [0, 1]);
const out = new Float32Array(4);
const meta = Float64Array.from([2, 2, 2, 0, 2, 1, 0, 0, 1]);
const add = addon.binaryOps.indexOf('add');

console.log(`native ${JSON.stringify(addon.info())}\n`);
console.log(`${'tiny op (4 elements), CPU time per call'.padEnd(62)} ${'best'.padStart(8)}`);
perCall('raw addon.binary(add) [2,2] + broadcast [2], no wrapper', () => addon.binary(add, meta, a.storage, b.storage, out));
perCall('native backend.binary(add) [2,2] + broadcast [2]', () => native.binary('add', a, b, out));
perCall('js backend.binary(add) [2,2] + broadcast [2]', () => js.binary('add', a, b, out));
perCall('native backend.binary(add), fresh output array per call', () => native.binary('add', a, b, new Float32Array(4)));
perCall('native backend.unary(neg) [2,2]', () => native.unary('neg', a, out));
perCall('native backend.activation(relu)', () => native.activation!('relu', 0, a.storage, out));
perCall('native backend.fill', () => native.fill(out, 1, 0, 4));
perCall('native backend.reduce(sum) [2,2] over axis 1', () => native.reduce('sum', a, [1], out));

// Through the public Tensor API: core's checks, a fresh output and a Tensor per op.
const ta = core.tensor([[1, 2], [3, 4]]);
const tb = core.tensor([5, 6]);
for (const name of ['native', 'js']) {
  core.setBackend(name);
  perCall(`core.add(tensor [2,2], tensor [2]) on '${name}'`, () => { core.add(ta, tb); });
}

// Larger kernels with preallocated outputs: wall ms, best of a few.
function wall(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const start = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}
const N = 1024;
const big = core.randn([N, N]).data();
const row = core.randn([N]).data();
const x = core.randn([128, 784]).data();
const w = core.randn([256, 784]).data();
const wide = new Float32Array(N * N);
const y = new Float32Array(128 * 256);
const bigView = view(big, [N, N], [N, 1]);
const cases: [string, (k: Backend) => void][] = [
  ['add [1024,1024] + [1024] (broadcast)', (k) => k.binary('add', bigView, view(row, [N, N], [0, 1]), wide)],
  ['exp [1024,1024]', (k) => k.unary('exp', bigView, wide)],
  ['sigmoid [1024,1024]', (k) => k.activation!('sigmoid', 0, big, wide)],
  ['sum [1024,1024] over axis 0', (k) => k.reduce('sum', bigView, [0], wide)],
  ['sum [1024,1024] over axis 1', (k) => k.reduce('sum', bigView, [1], wide)],
  ['copy of the transpose of [1024,1024]', (k) => k.copy(view(big, [N, N], [1, N]), wide)],
  ['linear relu [128,784] x [256,784]^T + b', (k) => k.linear!(x, w, row.subarray(0, 256), 128, 784, 256, 'relu', 0, y, null)],
];
console.log(`\n${'kernel, preallocated output: wall ms'.padEnd(42)} ${'native'.padStart(9)} ${'js'.padStart(9)}`);
for (const [name, fn] of cases) {
  const n = wall(() => fn(native), 9);
  const j = wall(() => fn(js), 3);
  console.log(`${name.padEnd(42)} ${n.toFixed(3).padStart(9)} ${j.toFixed(3).padStart(9)}`);
}

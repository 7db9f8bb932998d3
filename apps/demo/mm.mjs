import '@nabla/backend-native';
import { randn, setNumThreads, getBackend } from '@nabla/core';
setNumThreads(1);
const a = randn([128, 784]), b = randn([784, 256]);
const flops = 2 * 128 * 784 * 256;
async function run(label, yieldEach) {
  let best = 1e9;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < 200; i++) { a.matmul(b); if (yieldEach) await new Promise(setImmediate); }
    const u = process.cpuUsage(t0); const s = (u.user + u.system) / 1e6;
    best = Math.min(best, s);
  }
  console.log(label, (flops * 200 / best / 1e9).toFixed(1), 'GFLOP/s (cpu time)');
}
await run('sync', false);
await run('yield', true);
const c = new Float32Array(128 * 256);
let best = 1e9;
for (let rep = 0; rep < 5; rep++) { const t0 = process.cpuUsage(); for (let i = 0; i < 200; i++) getBackend().gemm({ transA: false, transB: false, m: 128, n: 256, k: 784, alpha: 1, a: a.storage, aOffset: 0, lda: 784, b: b.storage, bOffset: 0, ldb: 256, beta: 0, c, cOffset: 0, ldc: 256 }); const u = process.cpuUsage(t0); best = Math.min(best, (u.user + u.system) / 1e6); }
console.log('reused C', (flops * 200 / best / 1e9).toFixed(1));

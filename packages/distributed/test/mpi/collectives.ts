// Run by mpi.test.ts under mpirun with 2 ranks: each collective of the process group and the addon's checks
// that need MPI up. Prints one JSON line per rank.
import { tensor } from '@nabla/core';
import '@nabla/backend-js';
import { initDistributed } from '@nabla/distributed';

const group = initDistributed({ timeoutMs: 20_000 });
const { rank, worldSize } = group;
const results: Record<string, unknown> = { rank, worldSize, threadLevel: group.threadLevel };

const f32 = Float32Array.from([rank + 1, 10 * (rank + 1), 0.5]);
group.allreduce(f32);
results.sum32 = Array.from(f32);

const f64 = Float64Array.from([rank === 0 ? 0.1 : 0.2]);
group.allreduce(f64);
results.sum64 = f64[0];

// In place on a tensor's own memory: a view into the middle of a larger storage.
const t = tensor([[1, 2], [3, 4]]);
group.allreduce(t.slice(0, 1, 2));
results.tensor = t.toArray();

const big = new Float32Array(1 << 16).fill(rank + 1);
const work = group.allreduceAsync(big.subarray(100, 200));
work.wait();
results.async = [big[99], big[100], big[199], big[200]];

const mean = Float32Array.from([rank + 1, 3 * rank]);
group.allreduceMean(mean);
const meanWork = group.allreduceAsync(Float64Array.from([rank]), { mean: true });
meanWork.wait();
results.mean = Array.from(mean);
results.testAfterWait = meanWork.test();

const b = Float32Array.from(rank === 0 ? [7, 8] : [0, 0]);
group.broadcast(b, 0);
results.broadcast = Array.from(b);
const fromOne = Float64Array.from([rank]);
group.broadcast(fromOne, 1);
results.broadcastFrom1 = fromOne[0];

group.barrier();
const errors: string[] = [];
for (const bad of [
  () => group.broadcast(b, 2),
  () => group.broadcast(b, 0.5),
  () => group.allreduce(new Int32Array(2) as never),
]) {
  try {
    bad();
    errors.push('no error');
  } catch (err) {
    errors.push(`${(err as Error).name}: ${(err as Error).message}`);
  }
}
results.errors = errors;
group.barrier();
console.log(JSON.stringify(results));

// Run by mpi.test.ts under mpirun with 2 ranks: the mistakes a user makes with the process group and
// DistributedDataParallel that every rank can recover from, because every rank notices them together (the
// ranks compare their calls or models first). Each is tried in turn; the ranks then go on to the next one
// in step. Prints one JSON line per rank: what each attempt gave ("ok: ..." or the error).
import '@nabla/backend-js';
import { Tensor, manualSeed, tensor } from '@nabla/core';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { DistributedDataParallel, initDistributed } from '@nabla/distributed';

const group = initDistributed({ timeoutMs: 20_000 });
const { rank } = group;
const results: Record<string, string> = {};

function attempt(name: string, f: () => unknown): void {
  try {
    results[name] = `ok: ${JSON.stringify(f())}`;
  } catch (err) {
    results[name] = `${(err as Error).name}: ${(err as Error).message}`;
  }
}

function mlp(hidden: number): Sequential {
  manualSeed(1 + rank);
  return new Sequential(new Linear(4, hidden), new ReLU(), new Linear(hidden, 2));
}

// Arrays whose memory is gone, or shared between threads.
attempt('detached', () => {
  const a = new Float32Array(4);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  group.allreduce(a);
});
attempt('sharedArrayBuffer', () => {
  const a = new Float32Array(new SharedArrayBuffer(12)).fill(rank + 1);
  group.allreduce(a);
  return Array.from(a);
});
attempt('asyncOptions', () => group.allreduceAsync(new Float32Array(2), null as never));
attempt('timeout', () => {
  group.timeoutMs = Number.NaN;
});

// isShared of anything, and of a tensor over a shared buffer.
const shared = group.sharedBuffer(6);
attempt('isShared', () => [null, undefined, 5, {}, new Float32Array(2), tensor([1]), shared.subarray(2), new Tensor(shared, [2, 3])]
  .map((x) => group.isShared(x)));
attempt('sharedLengths', () => group.sharedBuffer(rank === 0 ? 10 : 12).length);

// Models and options that differ between the ranks.
attempt('shapes', () => new DistributedDataParallel(mlp(rank === 0 ? 3 : 5)));
attempt('count', () => new DistributedDataParallel(rank === 0 ? mlp(3) : new Sequential(new Linear(4, 3))));
attempt('bucketCap', () => new DistributedDataParallel(mlp(3), { bucketCapMb: rank === 0 ? 1 : 0.5 }));
attempt('frozen', () => {
  const m = mlp(3);
  if (rank === 1) m.parameters()[0]!.requiresGrad = false;
  return new DistributedDataParallel(m).bucketCount;
});
attempt('broadcastBuffers', () => new DistributedDataParallel(mlp(3), { broadcastBuffers: rank === 0 }));

// A model wrapped twice, and options of the wrong type (the same on every rank).
const model = mlp(3);
const ddp = new DistributedDataParallel(model);
attempt('nested', () => new DistributedDataParallel(ddp));
attempt('twice', () => new DistributedDataParallel(model));
ddp.detachHooks();
attempt('afterDetach', () => new DistributedDataParallel(model).bucketCount);
attempt('overlap', () => new DistributedDataParallel(mlp(3), { overlap: 'no' as never }));
attempt('group', () => new DistributedDataParallel(mlp(3), { group: {} as never }));

group.finalize();
attempt('initAfterFinalize', () => initDistributed().rank);
attempt('sharedBufferAfterFinalize', () => group.sharedBuffer(4).length);
console.log(JSON.stringify({ rank, ...results }));

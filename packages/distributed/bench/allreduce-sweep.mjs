/* global process, console -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// Run under mpirun by scaling.mjs: times an in-place float32 allreduce for message sizes 4 KB .. 64 MB and
// prints one JSON line (rank 0) with the median seconds per size, for a plain Float32Array and (when the ranks
// sum through shared memory) for a sharedBuffer of the same size, which is summed where it is.
import { initDistributed } from '@nabla/distributed';

const group = initDistributed({ timeoutMs: 120_000 });
const results = [];
function time(buffer, reps) {
  group.allreduce(buffer); // warm: first touch of the pages, connection set-up
  const times = [];
  for (let r = 0; r < reps; r++) {
    group.barrier();
    const t0 = process.hrtime.bigint();
    group.allreduce(buffer);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return times.sort((a, b) => a - b);
}
for (let bytes = 4096; bytes <= 64 * 1024 * 1024; bytes *= 4) {
  const reps = Math.max(5, Math.min(200, Math.floor((32 * 1024 * 1024) / bytes)));
  const plain = time(new Float32Array(bytes / 4).fill(1), reps);
  const sharedBuffer = group.sharedBuffer(bytes / 4).fill(1);
  const shared = group.isShared(sharedBuffer) ? time(sharedBuffer, reps) : null;
  results.push({
    bytes, reps, median: plain[plain.length >> 1], best: plain[0],
    ...(shared ? { sharedMedian: shared[shared.length >> 1], sharedBest: shared[0] } : {}),
  });
}
if (group.isMain) console.log(JSON.stringify({ path: group.allreducePath, allreduce: results }));

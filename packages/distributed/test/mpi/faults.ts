// Run by mpi.test.ts under mpirun with 2 ranks: rank 1 fails in the way argv[2] names while rank 0 waits in
// a collective; the job must end with a non-zero exit and say why.
//   throw    rank 1 throws an uncaught error
//   reject   rank 1 leaves a promise rejection unhandled
//   kill     rank 1 is killed (SIGKILL)
//   exit     rank 1 exits with code 3 without finalizing
//   stuck    rank 1 never joins the collective: rank 0's deadline (1 s) aborts the job
//   unused   a parameter gets no gradient in a step: the next forward names it and aborts the job
//   unusedLast  the same in the last step, with no forward after it: the exit names it and aborts the job
//   unusedFinalize  the same, and the program calls finalize(): finalize names it and aborts the job
//   shared   rank 0 reduces a shared buffer, rank 1 a plain array of the same length: the ranks notice
//   count    the ranks reduce arrays of different lengths: the ranks notice (also through MPI_Allreduce)
//   empty    the same with an empty array on rank 0
//   broadcast  the ranks broadcast arrays of different lengths: the ranks notice before MPI copies anything
//   kinds    rank 0 broadcasts while rank 1 waits in a barrier: the ranks notice at once
//   root     each rank broadcasts from itself: the ranks notice instead of both sending
import '@nabla/backend-js';
import { tensor } from '@nabla/core';
import { Linear, Sequential } from '@nabla/layers';
import { DistributedDataParallel, initDistributed } from '@nabla/distributed';

const mode = process.argv[2];
const group = initDistributed({ timeoutMs: mode === 'stuck' ? 1000 : 30_000 });
group.barrier();
if (mode === 'unused') {
  const first = new Linear(2, 2);
  const ddp = new DistributedDataParallel(new Sequential(first, new Linear(2, 2)));
  const x = tensor([[1, 2]]);
  first(x).sum().backward(); // the second layer takes no part
  ddp(x);
  console.log('rank 0 passed the collective, which it must not');
} else if (mode === 'unusedLast' || mode === 'unusedFinalize') {
  const first = new Linear(2, 2);
  new DistributedDataParallel(new Sequential(first, new Linear(2, 2)), { bucketCapMb: 0.00001 });
  first(tensor([[1, 2]])).sum().backward(); // its gradients are not averaged: the program must not end well
  if (mode === 'unusedFinalize') group.finalize();
} else if (mode === 'shared' || mode === 'count' || mode === 'empty') {
  const shared = group.sharedBuffer(8);
  const mine = mode === 'shared' ? (group.rank === 0 ? shared : new Float32Array(8))
    : new Float32Array(mode === 'empty' ? 3 * group.rank : 8 + group.rank);
  group.allreduce(mine);
  console.log(`rank ${group.rank} passed the collective, which it must not`);
} else if (mode === 'kinds') {
  if (group.rank === 0) group.broadcast(new Float32Array(4));
  else group.barrier();
  console.log(`rank ${group.rank} passed the collective, which it must not`);
} else if (mode === 'broadcast' || mode === 'root') {
  group.broadcast(new Float32Array(mode === 'root' ? 4 : 4 + group.rank), mode === 'root' ? group.rank : 0);
  console.log(`rank ${group.rank} passed the collective, which it must not`);
} else if (group.rank === 1) {
  if (mode === 'throw') throw new Error('rank 1 fails on purpose');
  if (mode === 'reject') void Promise.reject(new Error('rank 1 rejects on purpose'));
  if (mode === 'kill') process.kill(process.pid, 'SIGKILL');
  if (mode === 'exit') process.exit(3);
  if (mode === 'stuck') setTimeout(() => undefined, 60_000);
} else {
  group.allreduce(new Float32Array(4));
  console.log('rank 0 passed the collective, which it must not');
}

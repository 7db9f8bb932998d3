// Run by mpi.test.ts under mpirun with 2 ranks: NABLA_DISTRIBUTED_SHARED_MEMORY=0 reaches rank 1 only (as on a
// machine that mpirun did not pass it to with -x). The ranks must agree on one path, and sum on it. Prints
// one JSON line per rank.
import { initDistributed } from '@nabla/distributed';

const rankFromLauncher = process.env.OMPI_COMM_WORLD_RANK ?? process.env.PMI_RANK;
if (rankFromLauncher === '1') process.env.NABLA_DISTRIBUTED_SHARED_MEMORY = '0';
const group = initDistributed({ timeoutMs: 20_000 });
const sum = Float32Array.from([group.rank + 1, 0.5]);
group.allreduce(sum);
console.log(JSON.stringify({ rank: group.rank, allreducePath: group.allreducePath, sum: Array.from(sum) }));

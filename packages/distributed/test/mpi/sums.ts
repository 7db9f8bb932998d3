// Run by mpi.test.ts under mpirun (2 to 4 ranks, with the shared-memory allreduce on one or two machines, or
// MPI_Allreduce; NABLA_DISTRIBUTED_RANKS_PER_MACHINE makes consecutive ranks count as one machine): sums and
// means of buffers whose float sums round, of sizes from empty to several chunks of the shared window, each
// checked against the exact expected bits computed here from every rank's data. Prints one JSON line per rank.
import { initDistributed } from '@nabla/distributed';

const group = initDistributed({ timeoutMs: 20_000 });
const { rank, worldSize } = group;
const perMachine = Number(process.env.NABLA_DISTRIBUTED_RANKS_PER_MACHINE ?? worldSize);

/** Rank r's values: reproducible, of mixed magnitude, so that a sum in another order would differ. */
function values(r: number, n: number, Kind: Float32ArrayConstructor | Float64ArrayConstructor): Float32Array | Float64Array {
  const out = new Kind(n);
  let s = 12345 + 7919 * r;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * 10 ** ((i % 7) - 3);
  }
  return out;
}

const round = (x: number, single: boolean): number => (single ? Math.fround(x) : x);

const mismatches: string[] = [];
let checked = 0;
for (const Kind of [Float32Array, Float64Array]) {
  const single = Kind === Float32Array;
  // 1.5M float32 (6 MB) and 600k float64 (4.8 MB) take more than one 4 MiB chunk of the window.
  for (const n of [0, 1, 3, 1000, single ? 1_500_000 : 600_000]) {
    for (const mean of [false, true]) {
      const mine = values(rank, n, Kind);
      if (mean) group.allreduceMean(mine);
      else group.allreduce(mine);
      const all = Array.from({ length: worldSize }, (_, r) => values(r, n, Kind));
      for (let i = 0; i < n; i++) {
        // Each machine's ranks in rank order, then the machines' sums (the test runs at most two machines,
        // whose two sums add alike in either order).
        let s = 0;
        for (let first = 0; first < worldSize; first += perMachine) {
          let m = all[first]![i]!;
          for (let r = first + 1; r < Math.min(first + perMachine, worldSize); r++) m = round(m + all[r]![i]!, single);
          s = first === 0 ? m : round(s + m, single);
        }
        const want = mean ? round(s / worldSize, single) : s;
        if (!Object.is(mine[i], want)) {
          mismatches.push(`${Kind.name} n=${n} mean=${mean} [${i}]: ${mine[i]} != ${want}`);
          break;
        }
      }
      checked++;
    }
  }
}
// Buffers in the machine's shared memory are summed where they are (no chunks, no copies): whole, in a
// different order than they were made, and through a view at an offset.
let sharedChecked = 0;
const sharedBuffers = [1000, 1_500_000, 1].map((n) => group.sharedBuffer(n));
const shared = sharedBuffers.every((b) => group.isShared(b));
for (const [buffer, lo, hi] of [[sharedBuffers[1]!, 0, 1_500_000], [sharedBuffers[0]!, 0, 1000], [sharedBuffers[0]!, 10, 990],
  [sharedBuffers[2]!, 0, 1], [sharedBuffers[1]!, 1_500_000, 1_500_000]] as const) {
  for (const mean of [false, true]) {
    const view = buffer.subarray(lo, hi);
    view.set(values(rank, hi - lo, Float32Array));
    if (mean) group.allreduceMean(view);
    else group.allreduce(view);
    const all = Array.from({ length: worldSize }, (_, r) => values(r, hi - lo, Float32Array));
    for (let i = 0; i < hi - lo; i++) {
      let s = 0;
      for (let first = 0; first < worldSize; first += perMachine) {
        let m = all[first]![i]!;
        for (let r = first + 1; r < Math.min(first + perMachine, worldSize); r++) m = Math.fround(m + all[r]![i]!);
        s = first === 0 ? m : Math.fround(s + m);
      }
      const want = mean ? Math.fround(s / worldSize) : s;
      if (!Object.is(view[i], want)) {
        mismatches.push(`shared n=${hi - lo} at ${lo} mean=${mean} [${i}]: ${view[i]} != ${want}`);
        break;
      }
    }
    sharedChecked++;
  }
}
console.log(JSON.stringify({ rank, worldSize, allreducePath: group.allreducePath, checked, sharedChecked, shared, mismatches }));

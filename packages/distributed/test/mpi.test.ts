// The package under mpirun (2 ranks; the bit-exact sums also on 3 and 4): collectives, training
// equivalence with one process, checkpoints, and failures that must end the job. Skipped, with the reason,
// where mpirun or the addon is missing.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import '@nabla/backend-js';
import { DataLoader } from '@nabla/data';
import { fit } from '@nabla/train';
import { mpiUnavailable, mpirun, tempDir } from './mpirun.js';
import { BATCH, EPOCHS, SHUFFLE_SEED, dataset, loss, model, optimizer } from './mpi/problem.js';

const why = mpiUnavailable();
if (why) console.warn(`@nabla/distributed: MPI tests skipped: ${why}`);

function floats(base64: string): Float32Array {
  const b = Buffer.from(base64, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

describe.skipIf(why !== null)('under mpirun (2 ranks unless a test says otherwise)', () => {
  it('sums, broadcasts and waits in place, and checks its arguments', () => {
    const run = mpirun('collectives.ts');
    expect(run.status, run.stderr).toBe(0);
    expect(run.ranks).toHaveLength(2);
    for (const r of run.ranks) {
      expect(r.worldSize).toBe(2);
      expect(r.sum32).toEqual([3, 30, 1]);
      expect(r.sum64).toBe(0.1 + 0.2);
      expect(r.tensor).toEqual([[1, 2], [6, 8]]); // only the sliced row, in place
      expect(r.mean).toEqual([1.5, 1.5]);
      expect(r.testAfterWait).toBe(true);
      expect(r.broadcast).toEqual([7, 8]);
      expect(r.broadcastFrom1).toBe(1);
      expect(r.errors).toEqual([
        'RangeError: broadcast: root must be an integer in 0..1, got 2',
        'RangeError: broadcast: root must be an integer in 0..1, got 0.5',
        'TypeError: allreduce: expected a Float32Array, a Float64Array or a Tensor, got Int32Array',
      ]);
    }
    // Elements outside the subarray are untouched; inside it, 1 + 2.
    expect(run.ranks[0]!.async).toEqual([1, 3, 3, 1]);
    expect(run.ranks[1]!.async).toEqual([2, 3, 3, 2]);
  });

  it.each<{ ranks: number; env: Record<string, string>; path: string }>([
    { ranks: 2, env: {}, path: 'shared memory' },
    { ranks: 3, env: {}, path: 'shared memory' },
    // Two "machines" of two ranks each: sums within each, then between the two over MPI.
    { ranks: 4, env: { NABLA_DISTRIBUTED_RANKS_PER_MACHINE: '2' }, path: 'shared memory within each of 2 machines, MPI between them' },
    { ranks: 2, env: { NABLA_DISTRIBUTED_SHARED_MEMORY: '0' }, path: 'MPI_Allreduce (NABLA_DISTRIBUTED_SHARED_MEMORY=0)' },
  ])('sums and means to the last bit on $ranks ranks: $path', ({ ranks, env, path }) => {
    const run = mpirun('sums.ts', [], ranks, env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.ranks).toHaveLength(ranks);
    for (const r of run.ranks) {
      expect(r.mismatches).toEqual([]);
      expect(r.checked).toBe(20);
      expect(r.allreducePath).toBe(path);
      // sharedBuffer's arrays are in shared memory whenever the ranks sum through it, and sum alike.
      expect(r.sharedChecked).toBe(10);
      expect(r.shared).toBe(path.startsWith('shared memory'));
    }
  });

  it('NABLA_DISTRIBUTED_SHARED_MEMORY=0 on some ranks only: every rank takes MPI_Allreduce', () => {
    const run = mpirun('setting-on-some.ts');
    expect(run.status, run.stderr).toBe(0);
    expect(run.ranks).toHaveLength(2);
    for (const r of run.ranks) {
      expect(r.allreducePath).toBe('MPI_Allreduce (NABLA_DISTRIBUTED_SHARED_MEMORY=0 on some ranks, so on all)');
      expect(r.sum).toEqual([3, 1]);
    }
  });

  it('a script started without mpirun is a job of one process that trains as without the package', () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'mpi', 'one-process.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@nabla/source', script], {
      cwd: join(dirname(fileURLToPath(import.meta.url)), '..'), encoding: 'utf8', timeout: 50_000, killSignal: 'SIGKILL',
    });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('{'))!) as Record<string, unknown>;
    expect(out).toEqual({
      rank: 0, worldSize: 1, allreducePath: 'MPI_Allreduce (one rank)', sums: [1, 2], shared: [3, false],
      share: dataset().length, samples: [dataset().length, dataset().length], lossFell: true,
      afterFinalize: 'sharedBuffer: MPI was finalized; it cannot be used again in this process',
    });
  });

  it('a launcher of another MPI (its size in the environment, a job of one in MPI) is an error, not N lone jobs', () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'mpi', 'one-process.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@nabla/source', script], {
      cwd: join(dirname(fileURLToPath(import.meta.url)), '..'), encoding: 'utf8', timeout: 50_000, killSignal: 'SIGKILL',
      env: { ...process.env, PMI_SIZE: '2', PMI_RANK: '1' }, // what MPICH's mpirun sets
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/initDistributed: PMI_SIZE=2 says the launcher started 2 processes, but MPI sees a job of 1: mpirun belongs to another MPI library than the one the addon was built with \(Open MPI/);
    expect(run.stdout).not.toMatch(/worldSize/);
  });

  it('fit on 2 ranks with batch B gives bitwise-identical replicas, equal to 1 process with batch 2B', async () => {
    const checkpoint = join(tempDir(), 'ddp.safetensors');
    const run = mpirun('train.ts', [checkpoint]);
    expect(run.status, run.stderr).toBe(0);
    const [r0, r1] = run.ranks as { weights: string[]; buckets: number; bucketsShared: boolean; checkpointMatches: boolean; samples: number[] }[];
    expect(r0!.buckets).toBeGreaterThan(1);
    expect(r0!.bucketsShared && r1!.bucketsShared).toBe(true);
    expect(r0!.weights).toEqual(r1!.weights);
    expect(r0!.checkpointMatches && r1!.checkpointMatches).toBe(true);
    expect(r0!.samples).toEqual(Array(EPOCHS).fill(dataset().length));

    // The reference: one process, batch 2B, the same shuffle seed, rank 0's initial weights.
    const net = model(1);
    const loader = new DataLoader(dataset(), { batchSize: 2 * BATCH, shuffle: true, seed: SHUFFLE_SEED });
    await fit(net, loader, { loss, optimizer: optimizer(net), epochs: EPOCHS, progress: false });
    const reference = net.parameters().map((p) => p.data());
    // Normwise relative difference per tensor: the two sum the same gradients in a different order, so they
    // differ by float32 rounding only.
    r0!.weights.map(floats).forEach((w, i) => {
      const ref = reference[i]!;
      expect(w.length).toBe(ref.length);
      let diff = 0;
      let norm = 0;
      for (let j = 0; j < w.length; j++) {
        diff += (w[j]! - ref[j]!) ** 2;
        norm += ref[j]! ** 2;
      }
      expect(Math.sqrt(diff / norm)).toBeLessThan(1e-6);
    });
  });

  it('keeps BatchNorm statistics as rank 0\'s and copies gradients that zeroGrad dropped into the buckets', () => {
    const run = mpirun('ddp-cases.ts');
    expect(run.status, run.stderr).toBe(0);
    const [r0, r1] = run.ranks as Record<string, { params: string; buffersBefore: string; buffers: string }>[];
    expect(r0!.batchNorm!.params).toBe(r1!.batchNorm!.params);
    // Each rank's last training step moved its own statistics; the first eval forward makes them rank 0's.
    expect(r0!.batchNorm!.buffersBefore).not.toBe(r1!.batchNorm!.buffersBefore);
    expect(r1!.batchNorm!.buffers).toBe(r0!.batchNorm!.buffersBefore);
    expect(r0!.batchNorm!.buffers).toBe(r0!.batchNorm!.buffersBefore);
    // Dropped gradients (views put back at forward, or fresh ones copied into the buckets), reduced during
    // backward, give the very same weights as kept ones reduced after it.
    expect(r0!.dropped!.params).toBe(r0!.kept!.params);
    expect(r1!.dropped!.params).toBe(r0!.kept!.params);
    expect(r0!.droppedLate!.params).toBe(r0!.kept!.params);
    expect(r1!.droppedLate!.params).toBe(r0!.kept!.params);
  });

  it('mistakes every rank notices together throw a clear error on every rank, and the job goes on', () => {
    const run = mpirun('misuse.ts');
    expect(run.status, run.stderr).toBe(0);
    expect(run.ranks).toHaveLength(2);
    const [r0, r1] = run.ranks as Record<string, string>[];
    for (const r of [r0!, r1!]) {
      expect(r.detached).toBe('TypeError: allreduce: buffer is detached (its ArrayBuffer was transferred or freed); ' +
        'pass an array that owns its memory');
      expect(r.sharedArrayBuffer).toBe('ok: [3,3,3]');
      expect(r.asyncOptions).toBe('ValueError: allreduceAsync: options must be an object, got null');
      expect(r.timeout).toMatch(/^ValueError: ProcessGroup.timeoutMs: timeoutMs must be a number > 0 \(or Infinity\), got the number NaN/);
      expect(r.isShared).toBe('ok: [false,false,false,false,false,false,true,true]');
      expect(r.sharedLengths).toMatch(/^RangeError: sharedBuffer: the ranks asked for different lengths \(1[02] here, 10 to 12 across the ranks\)/);
      expect(r.nested).toBe('ValueError: DistributedDataParallel: the module is already a DistributedDataParallel; wrap the model once');
      expect(r.twice).toMatch(/^ValueError: DistributedDataParallel: parameter 0\.weight is already averaged by another DistributedDataParallel/);
      expect(r.afterDetach).toBe('ok: 1');
      expect(r.overlap).toBe('ValueError: DistributedDataParallel: overlap must be true or false, got a string ("no")');
      expect(r.group).toMatch(/^ValueError: DistributedDataParallel: group must be the ProcessGroup of initDistributed\(\)/);
      expect(r.initAfterFinalize).toMatch(/^Error: initDistributed: MPI was finalized in this process/);
      expect(r.sharedBufferAfterFinalize).toBe('Error: sharedBuffer: MPI was finalized; it cannot be used again in this process');
    }
    // Rank 0 learns which rank differs; that rank says how.
    const differs = (what: string) => `ValueError: DistributedDataParallel: rank 1 wrapped a model or options that differ from rank 0's in ${what}; ` +
      'every rank must wrap the same model with the same options';
    for (const name of ['shapes', 'count', 'bucketCap', 'frozen', 'broadcastBuffers']) {
      expect(r0![name]).toMatch(/^ValueError: DistributedDataParallel: rank\(s\) 1 wrapped a model or options that differ from rank 0's/);
    }
    expect(r1!.shapes).toBe(differs('the parameters (here 4 parameters, 37 values in all; on rank 0 4 parameters, 23 values)'));
    expect(r1!.count).toBe(differs('the parameters (here 2 parameters, 15 values in all; on rank 0 4 parameters, 23 values)'));
    expect(r1!.bucketCap).toBe(differs('bucketCapMb (here 0.5, on rank 0 1)'));
    expect(r1!.frozen).toBe(differs('which parameters require grad (here 3, on rank 0 4; freeze the same ones on every rank before wrapping)'));
    expect(r1!.broadcastBuffers).toBe(differs('broadcastBuffers (here false, on rank 0 true)'));
  });

  it('the README example runs and learns', () => {
    const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');
    const example = /```js\n(\/\/ train\.mjs\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    // Inside the package, so that its imports resolve as they do for a user.
    const script = join(dirname(fileURLToPath(import.meta.url)), 'mpi', 'readme-example.generated.mjs');
    writeFileSync(script, example!);
    try {
      const run = mpirun('readme-example.generated.mjs');
      expect(run.status, run.stderr).toBe(0);
      const accuracy = Number(/2 rank\(s\), final accuracy ([\d.]+)/.exec(run.stdout)?.[1]);
      expect(accuracy).toBeGreaterThan(0.8);
      expect(run.stdout.match(/epoch 5\/5/g)).toHaveLength(1); // rank 0 alone prints
    } finally {
      rmSync(script, { force: true });
    }
  });

  it.each([
    ['throw', /rank 1: uncaught exception, aborting the job:\nError: rank 1 fails on purpose/],
    ['reject', /rank 1: unhandled promise rejection, aborting the job:\nError: rank 1 rejects on purpose/],
    ['exit', /rank 1: exiting with code 3 before finalize; aborting the job/],
    ['kill', /rank 1 .* exited on signal 9/],
    ['stuck', /rank 0: allreduce of 4 float32 values did not complete within 1 s/],
    ['unused', /DistributedDataParallel: parameter\(s\) 1\.bias, 1\.weight received no gradient in the last backward/],
    ['unusedLast', /parameter\(s\) 1\.bias, 1\.weight received no gradient in the last backward, so the gradients of that step were not averaged/],
    ['unusedFinalize', /parameter\(s\) 1\.bias, 1\.weight received no gradient in the last backward, so the gradients of that step were not averaged/],
    ['shared', /allreduce of 8 float32 values: the ranks on this machine passed different buffers/],
    ['count', /allreduce of \d float32 values: the ranks on this machine passed different buffers/],
    ['empty', /rank 0: allreduce of 0 float32 values: the ranks on this machine passed different buffers/],
    ['broadcast', /broadcast of [45] float32 values from rank 0: the ranks made different calls \(element count [45] here, 4 to 5 across the ranks\)/],
    ['root', /broadcast of 4 float32 values from rank [01]: the ranks made different calls \(root [01] here, 0 to 1 across the ranks\)/],
    ['kinds', /rank 1: barrier: the ranks called different collectives \(each rank's message names its own\)/],
  ])('a rank that fails (%s) ends the whole job with a non-zero exit and the reason', (mode, message) => {
    const run = mpirun('faults.ts', [mode]);
    expect(run.signal).toBeNull(); // ended by itself, not by the safety net
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(message);
    expect(run.stdout).not.toMatch(/passed the collective/);
  });

  it('ranks that reduce different lengths through MPI_Allreduce end the job saying so, before MPI copies anything', () => {
    // MPI itself would truncate, or sum memory past the shorter array: the ranks compare their calls first.
    const run = mpirun('faults.ts', ['count'], 2, { NABLA_DISTRIBUTED_SHARED_MEMORY: '0' });
    expect(run.signal).toBeNull();
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/allreduce of [89] float32 values: the ranks made different calls \(element count [89] here, 8 to 9 across the ranks\)/);
    expect(run.stdout + run.stderr).not.toMatch(/MPI_ERR_TRUNCATE/);
    expect(run.stdout).not.toMatch(/passed the collective/);
  });
});

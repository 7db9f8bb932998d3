/* global process, console -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// Data-parallel scaling: what is measured here, and what is projected from it.
//
//   pnpm --filter @nabla/distributed bench        (needs the built package, mpirun and the MPI addon)
//
// Measured, on this machine, in this run:
//   - allreduce (in place, float32, 2 ranks over loopback / shared memory) for 4 KB .. 64 MB, fitted to
//     t(n) = alpha + beta * n;
//   - the training step (forward, backward, SGD) of the MNIST MLP 784-256-128-10 (235k parameters) and of
//     one 10x wider (784-2560-1280-10), batch 64, one process, one thread;
//   - samples/s of 2 ranks x 1 thread (DistributedDataParallel, batch 64 each), against its peers in the
//     same run: 1 rank x 1 thread (batch 64), and 1 process with 2 threads (batch 128, the same global batch);
//   - what gradient averaging adds to a 2-rank step (the same steps timed with and without it, alternating);
//   - where a 2-rank step's time goes: each rank's compute, the wait for the later rank, the reduction itself
//     (bench/step-timeline.mjs).
// Modelled (not measured): samples/s on 2..64 machines over 10 and 100 Gb/s links, with a ring allreduce,
//   t_comm = 2(p-1)/p * bytes / bandwidth + 2(p-1) * latency, with an assumed per-message latency.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// --bind-to none: Open MPI binds each of 1 or 2 ranks to one core by default, and Node's own threads (the
// garbage collector's) then share that core with JavaScript: 1 rank ran about 1.6x slower bound than not.
const MPIRUN = ['--allow-run-as-root', '--oversubscribe', '--bind-to', 'none'];
const ROUNDS = Number(process.env.NABLA_BENCH_ROUNDS ?? 2);

function runJson(command, args, env = {}) {
  const r = spawnSync(command, args, { cwd: here, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${command} ${args.join(' ')} printed no result:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line);
}

const node = process.execPath;
const steps = (args) => runJson(node, [join(here, 'steps.mjs'), ...args]);
const mpiSteps = (np, args) => runJson('mpirun', [...MPIRUN, '-np', String(np), node, join(here, 'steps.mjs'), '--mpi', ...args]);

const probe = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  // Skipped, not failed: `pnpm bench` runs every package's benchmark, and MPI is optional.
  console.log('@nabla/distributed bench skipped: mpirun was not found (install openmpi-bin libopenmpi-dev)');
  process.exit(0);
}
const { distributedInfo } = await import('@nabla/distributed');
const info = distributedInfo();
if (!info.available) {
  console.log(`@nabla/distributed bench skipped: the MPI addon is unavailable: ${info.reason}`);
  process.exit(0);
}

const fmt = (v, d = 1) => v.toFixed(d);
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const mb = (bytes) => bytes / (1024 * 1024);

// ---- measured: allreduce ----------------------------------------------------------------------------
// Ranks run in lockstep (each step waits for the slowest), so other load on the machine costs 2 ranks far more
// than 1 process: the load average is printed with the figures.
const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');
console.log(`# Data-parallel scaling (${info.library})`);
console.log(`${availableParallelism()} cores; load average at start: ${load()}\n`);
const { path: allreducePath, allreduce: sweep } = runJson('mpirun', [...MPIRUN, '-np', '2', node, join(here, 'allreduce-sweep.mjs')]);
// Least squares on the medians, weighted by 1/t so that small messages (latency) count as much as large ones.
let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
for (const { bytes, median: t } of sweep) {
  const w = 1 / (t * t);
  sw += w; sx += w * bytes; sy += w * t; sxx += w * bytes * bytes; sxy += w * bytes * t;
}
const beta = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
const alpha = (sy - beta * sx) / sw;
console.log(`MEASURED allreduce, 2 ranks on this machine, float32 in place (through ${allreducePath}):`);
const withShared = sweep.some((s) => s.sharedMedian !== undefined);
console.log('  size        median      best        GB/s (median)   fit alpha+beta*n' +
  (withShared ? '   sharedBuffer: median      best' : ''));
for (const { bytes, median: t, best, sharedMedian, sharedBest } of sweep) {
  const size = bytes >= 1 << 20 ? `${mb(bytes)} MB` : `${bytes / 1024} KB`;
  const shared = sharedMedian === undefined ? '' : `   ${fmt(sharedMedian * 1e6, 0).padStart(20)} us ${fmt(sharedBest * 1e6, 0).padStart(8)} us`;
  console.log(`  ${size.padEnd(10)}  ${fmt(t * 1e6, 0).padStart(8)} us ${fmt(best * 1e6, 0).padStart(8)} us   ` +
    `${fmt(bytes / t / 1e9, 2).padStart(8)}         ${fmt((alpha + beta * bytes) * 1e6, 0).padStart(8)} us${shared}`);
}
console.log(`  fit (plain arrays): alpha = ${fmt(alpha * 1e6, 1)} us, beta = ${fmt(beta * 1e9, 3)} ns/byte (${fmt(1 / beta / 1e9, 2)} GB/s)\n`);

// ---- measured: steps and peers ----------------------------------------------------------------------
const models = {};
for (const width of [1, 10]) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(steps(['--width', String(width), '--threads', '1', ...(width === 1 ? [] : ['--steps', '6', '--warmup', '3'])]));
  models[width] = { params: rounds[0].params, step: median(rounds.map((x) => x.stepSeconds)), best: Math.min(...rounds.map((x) => x.bestStepSeconds)) };
}
console.log('MEASURED training step (forward + backward + SGD), batch 64, 1 process, 1 thread:');
for (const [width, m] of Object.entries(models)) {
  console.log(`  ${width === '1' ? 'MNIST MLP 784-256-128-10  ' : '10x wider 784-2560-1280-10'}  ${String(m.params).padStart(8)} params  ` +
    `${fmt(m.step * 1e3, 2)} ms median (${fmt(m.best * 1e3, 2)} best), gradients ${fmt(mb(m.params * 4), 2)} MB`);
}

// Peers alternate within each round, so a change in machine load touches them alike.
const peers = { two: [], twoNoSync: [], one: [], threads: [], overhead: [], cpuOverhead: [] };
for (let r = 0; r < ROUNDS + 1; r++) {
  const two = mpiSteps(2, ['--threads', '1', '--batch', '64', '--sync', 'both']);
  const one = mpiSteps(1, ['--threads', '1', '--batch', '64']);
  const threads = steps(['--threads', '2', '--batch', '128']);
  peers.two.push(two.samplesPerSecond);
  peers.twoNoSync.push((2 * 64) / two.nosyncStepSeconds);
  peers.one.push(one.samplesPerSecond);
  peers.threads.push(threads.samplesPerSecond);
  peers.overhead.push((two.stepSeconds - two.nosyncStepSeconds) / two.stepSeconds);
  peers.cpuOverhead.push((two.cpuStepSeconds - two.nosyncCpuStepSeconds) / two.cpuStepSeconds);
}
const show = (name, a) => `  ${name.padEnd(46)} ${fmt(median(a), 0).padStart(8)} samples/s median, ${fmt(Math.max(...a), 0).padStart(8)} best`;
console.log('\nMEASURED MNIST MLP samples/s, same run, alternating (global batch = ranks x 64):');
console.log(show('2 ranks x 1 thread (DistributedDataParallel)', peers.two));
console.log(show('1 rank x 1 thread (peer)', peers.one));
console.log(show('1 process x 2 threads, batch 128 (peer)', peers.threads));
console.log(show('2 ranks x 1 thread, the same steps unaveraged', peers.twoNoSync));
console.log(`  2 ranks / 1 rank:              ${fmt(median(peers.two) / median(peers.one), 2)}x (median), ` +
  `${fmt(Math.max(...peers.two) / Math.max(...peers.one), 2)}x (best)`);
console.log(`  2 ranks / 1 process 2 threads: ${fmt(median(peers.two) / median(peers.threads), 2)}x (median), ` +
  `${fmt(Math.max(...peers.two) / Math.max(...peers.threads), 2)}x (best)`);
// Without averaging, the ranks do not wait for each other: what is left is two processes sharing the machine,
// the most that any data-parallel scheme could reach on it.
console.log(`  2 ranks unaveraged / 1 rank:   ${fmt(median(peers.twoNoSync) / median(peers.one), 2)}x (median): ` +
  'two processes sharing this machine, the bound for data parallelism here');
console.log(`  gradient averaging share of a 2-rank step: ${fmt(100 * median(peers.overhead), 1)}% (median of rounds; ` +
  'step time with DistributedDataParallel vs the same steps without averaging)');
console.log(`  the same in CPU time of rank 0 (all its threads; waiting for a core does not count): ` +
  `${fmt(100 * median(peers.cpuOverhead), 1)}%`);

// Where a 2-rank step's time goes (bench/step-timeline.mjs says how each part is measured).
const timeline = runJson('mpirun', [...MPIRUN, '-np', '2', node, join(here, 'step-timeline.mjs'), '--batch', '64']);
const part = (name, p) => `  ${name.padEnd(62)} ${fmt(p.median, 0).padStart(6)} us median, ${fmt(p.mean, 0).padStart(6)} mean, ${fmt(p.p90, 0).padStart(6)} p90`;
console.log(`\nMEASURED where a 2-rank step goes (batch 64 per rank, ${timeline.steps} steps, stamps on the shared monotonic clock):`);
console.log(part('step, start to start', timeline.step));
console.log(part('rank 0: start -> gradients handed to the allreduce', timeline.compute0));
console.log(part('rank 1: the same', timeline.compute1));
console.log(part('skew: how long the earlier rank waits for the later one', timeline.skew));
console.log(part('transfer: later hand-over -> first rank with the mean', timeline.transfer));

const wide = { two: [], one: [] };
for (let r = 0; r < ROUNDS; r++) {
  wide.two.push(mpiSteps(2, ['--width', '10', '--threads', '1', '--batch', '64', '--steps', '6', '--warmup', '3', '--rounds', '2']).samplesPerSecond);
  wide.one.push(mpiSteps(1, ['--width', '10', '--threads', '1', '--batch', '64', '--steps', '6', '--warmup', '3', '--rounds', '2']).samplesPerSecond);
}
console.log(show('10x wider MLP: 2 ranks x 1 thread', wide.two));
console.log(show('10x wider MLP: 1 rank x 1 thread (peer)', wide.one));
console.log(`  10x wider, 2 ranks / 1 rank:   ${fmt(median(wide.two) / median(wide.one), 2)}x (median)`);
const mlpComm = alpha + beta * models[1].params * 4;
console.log(`  the allreduce of the MNIST MLP's gradients alone (fit above): ${fmt(mlpComm * 1e6, 0)} us, ` +
  `${fmt((100 * mlpComm) / models[1].step, 1)}% of its 1-thread step`);
console.log(`  load average after these runs: ${load()}`);

// ---- modelled: many machines ------------------------------------------------------------------------
const links = [
  { name: '10 Gb/s', bytesPerSecond: 10e9 / 8, latency: 20e-6 },
  { name: '100 Gb/s', bytesPerSecond: 100e9 / 8, latency: 5e-6 },
];
console.log('\nMODELLED samples/s on p machines (1 rank each, batch 64 per rank), from the measured 1-thread step:');
console.log('  ring allreduce t_comm = 2(p-1)/p * gradient bytes / bandwidth + 2(p-1) * latency; latency ASSUMED');
console.log(`  (${links.map((l) => `${l.name}: ${l.latency * 1e6} us`).join(', ')}); no overlap of backward and communication`);
console.log('  (the lower figure) and full overlap (the upper one, in brackets).');
for (const [width, m] of Object.entries(models)) {
  const bytes = m.params * 4;
  console.log(`\n  ${width === '1' ? 'MNIST MLP' : '10x wider MLP'} (${fmt(mb(bytes), 2)} MB of gradients, step ${fmt(m.step * 1e3, 2)} ms):`);
  console.log(`  machines  ${links.map((l) => l.name.padStart(26)).join('')}`);
  for (const p of [2, 4, 8, 16, 32, 64]) {
    const cells = links.map((l) => {
      const comm = (2 * (p - 1) / p) * bytes / l.bytesPerSecond + 2 * (p - 1) * l.latency;
      const low = (p * 64) / (m.step + comm);
      const high = (p * 64) / Math.max(m.step, comm);
      return `${fmt(low, 0)} [${fmt(high, 0)}]`.padStart(26);
    });
    console.log(`  ${String(p).padStart(8)}  ${cells.join('')}`);
  }
}

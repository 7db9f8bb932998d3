// Benchmark of the data pipeline on the real MNIST: loading the training set into a tensor, and one
// shuffled epoch of batches of 128. Prints a table and writes bench-output/data.json.
// Run: pnpm bench (after a build; turbo's bench task builds first).

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataLoader, TensorDataset, loadMnist, standardize } from '../src/index.js';

const REPEATS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `fn` REPEATS times (after one warm-up run) and returns the median and minimum in milliseconds. */
function time(fn: () => void): { medianMs: number; minMs: number } {
  fn();
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    fn();
    runs.push(performance.now() - start);
  }
  return { medianMs: round(median(runs)), minMs: round(Math.min(...runs)) };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const train = loadMnist({ split: 'train' });
const dataset = new TensorDataset(train.x, train.y);
let checksum = 0; // consumed so the loops cannot be optimised away

const results = {
  loadMnistTrain: time(() => { checksum += loadMnist({ split: 'train' }).x.size; }),
  loadMnistTest: time(() => { checksum += loadMnist({ split: 'test' }).x.size; }),
  tensorDataset: time(() => { checksum += new TensorDataset(train.x, train.y).length; }),
  epochShuffledBatch128: time(() => {
    const loader = new DataLoader(dataset, { batchSize: 128, shuffle: true, seed: 1 });
    for (const batch of loader) checksum += batch.x.shape[0]!;
  }),
  epochSequentialBatch128: time(() => {
    const loader = new DataLoader(dataset, { batchSize: 128 });
    for (const batch of loader) checksum += batch.x.shape[0]!;
  }),
  standardizeFitApply: time(() => { checksum += standardize(train.x).apply(train.x).size; }),
};

const report = {
  benchmark: '@nabla/data on real MNIST (60000 × 784 train, 10000 test)',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  // Other work on the machine skews timings; the 1-minute load average at the end says how busy it was.
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  repeats: REPEATS,
  unit: 'ms (median and minimum of the repeats, after one warm-up)',
  results,
  checksum,
};

for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(26)} median ${String(r.medianMs).padStart(7)} ms   min ${String(r.minMs).padStart(7)} ms`);
}
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-output', 'data.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${out}`);

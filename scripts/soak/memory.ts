// Memory over many epochs: the MNIST loop in a child process per backend and loop kind, its resident set size
// read after every epoch. Memory must come back without dispose(): the later epochs may not sit higher than
// the early ones (after the first, which warms the pools up). The synchronous loop on wasm never yields to
// the event loop, so there only the spilling of least recently used blocks keeps memory flat.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SoakFailure, type Section } from './shared.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'memory-child.ts');

interface Run {
  label: string;
  args: string[];
}

function runs(quick: boolean): Run[] {
  // quick: a tenth of MNIST, and a low spill threshold so that the wasm run spills within seconds.
  const epochs = quick ? '6' : '50';
  const samples = quick ? '6000' : '60000';
  return [
    { label: 'native, for await', args: ['native', epochs, samples, 'await'] },
    { label: 'wasm, synchronous loop', args: ['wasm', quick ? '6' : '20', samples, 'sync', ...(quick ? ['48'] : [])] },
  ];
}

function rssByEpoch(run: Run): number[] {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@nabla/source', CHILD, ...run.args], {
    encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) {
    throw new SoakFailure(`${run.label}: the training process exited with ${child.status ?? child.signal}: ${child.stderr.slice(-2000)}`);
  }
  const lines = child.stdout.trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; rssMb: number; loss: number });
  for (const { epoch, loss } of lines) {
    if (!Number.isFinite(loss)) throw new SoakFailure(`${run.label}: loss ${loss} after epoch ${epoch}`);
  }
  return lines.map((l) => l.rssMb);
}

export const memory: Section = {
  name: 'memory over epochs',
  async run({ quick }) {
    const out: string[] = [];
    for (const run of runs(quick)) {
      const rss = rssByEpoch(run);
      // The first epoch fills the pools; compare the last third with the epochs after it.
      const third = Math.max(1, Math.floor((rss.length - 1) / 3));
      const early = Math.max(...rss.slice(1, 1 + third));
      const late = Math.max(...rss.slice(-third));
      const allowed = early * 1.1 + 16;
      out.push(`${run.label}: ${rss.length} epochs, RSS ${rss[0]} MB after the first, ${early} MB at most early, ${late} MB at most late, peak ${Math.max(...rss)} MB`);
      if (late > allowed) {
        throw new SoakFailure(`${run.label}: RSS grew from ${early} MB to ${late} MB (allowed ${allowed.toFixed(0)}): ${rss.join(' ')}`);
      }
    }
    return out;
  },
};

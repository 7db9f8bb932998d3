// The addon's boundary fuzzer (native/test/fuzz-child.mjs) at soak scale: many seeds, many calls each, every
// one in a fresh process; a crash, an unexpected error class or a write outside an array fails the soak.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { nativeLoad } from '../../native/src/index.js';
import { SoakFailure, Tally, type Section } from './shared.js';

const child = fileURLToPath(new URL('../../native/test/fuzz-child.mjs', import.meta.url));

export const fuzz: Section = {
  name: 'fuzz: hostile calls into every native entry point',
  async run({ quick, seed }) {
    if (!nativeLoad.ok) return [`skipped: the native addon did not load (${nativeLoad.reason})`];
    const seeds = quick ? 2 : 8;
    const calls = quick ? 4000 : 40000;
    const total = new Tally();
    const lines: string[] = [];
    for (let s = seed; s < seed + seeds; s++) {
      const run = spawnSync(process.execPath, [child, nativeLoad.path, String(s), String(calls)], { encoding: 'utf8' });
      if (run.signal !== null || run.status !== 0) {
        throw new SoakFailure(`fuzz seed ${s}: ${run.signal ? `killed by ${run.signal}` : `exit ${run.status}`}\n${run.stderr}`);
      }
      const counts = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, number>;
      for (const [k, v] of Object.entries(counts)) total.add(k, v);
      lines.push(`seed ${s}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
    return [...lines, `total: ${total}`];
  },
};

// `pnpm soak`: the long versions of the fuzz, corrupt-file and crash tests, with counts printed. The test
// suite runs small versions of each; this runs them at a scale that takes a few minutes.
//
//   pnpm soak [--quick] [--only=fuzz,corrupt,kills,memory] [--seed=N]
import { parseArgs } from 'node:util';

import { corruptFiles } from './corrupt-files.js';
import { fuzz } from './fuzz.js';
import { kills } from './kills.js';
import { memory } from './memory.js';
import type { Section } from './shared.js';

const SECTIONS: Record<string, Section> = { fuzz, corrupt: corruptFiles, kills, memory };

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const names = values.only ? values.only.split(',') : Object.keys(SECTIONS);
const unknown = names.filter((n) => !(n in SECTIONS));
const seed = Number(values.seed);
if (unknown.length > 0 || !Number.isInteger(seed)) {
  console.error(`soak: unknown section(s) ${unknown.join(', ') || '-'} or bad --seed; sections: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of names) {
  const section = SECTIONS[name]!;
  const started = Date.now();
  console.log(`== ${section.name}${values.quick ? ' (quick)' : ''}`);
  try {
    for (const line of await section.run({ quick: values.quick, seed })) console.log(`   ${line}`);
    console.log(`   ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed++;
    console.error(`   FAILED: ${(err as Error).stack ?? String(err)}`);
  }
}
process.exit(failed > 0 ? 1 : 0);

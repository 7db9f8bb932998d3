// Savers killed mid-write (SIGKILL) over and over into one folder: what they leave behind must be gone after
// the next save, so a training run that keeps crashing cannot fill the disk.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { writeAtomically } from '../../packages/train/src/index.js';
import { killOneSaver, tempFiles } from '../../packages/train/test/fixtures/crashes.js';
import { MiB, SoakFailure, random, type Section } from './shared.js';

export const kills: Section = {
  name: 'kills: savers of a large checkpoint killed mid-write, then one more save',
  async run({ quick, seed }) {
    const rand = random(seed);
    const dir = mkdtempSync(join(tmpdir(), 'nabla-soak-kills-'));
    try {
      const target = join(dir, 'model.safetensors');
      const count = quick ? 3 : 200;
      const mib = quick ? 4 : 21;
      let midWrite = 0;
      let mostFiles = 0;
      for (let i = 0; i < count; i++) {
        if (await killOneSaver(target, mib, rand)) midWrite++;
        mostFiles = Math.max(mostFiles, tempFiles(dir).length);
      }
      const left = tempFiles(dir);
      const bytes = left.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
      await writeAtomically(target, () => [new Uint8Array(MiB)]);
      const after = tempFiles(dir);
      if (after.length > 0) throw new SoakFailure(`${after.length} temporary files outlived the next save: ${after.join(', ')}`);
      return [
        `${count} savers of ${mib} MiB killed, ${midWrite} of them mid-write`,
        `temporary files at most ${mostFiles} at once; ${left.length} (${(bytes / MiB).toFixed(1)} MiB) before the next save, 0 after`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

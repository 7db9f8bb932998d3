// `train` end to end on a small slice: each backend runs in its own child process (started through tsx
// from the sources), both start from identical weights, and their first-step losses agree.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backendInfo } from '@nabla/core';
import '../src/backends.js';
import { trainCommand } from '../src/train/command.js';
import type { TrainResult } from '../src/train/worker.js';

const out = mkdtempSync(join(tmpdir(), 'nabla-demo-train-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('train', () => {
  it('trains on every available backend from identical weights and writes the table, JSON and plots', async () => {
    const lines: string[] = [];
    await trainCommand({ epochs: 2, limit: 256, testLimit: 500, backends: 'native,js', seed: 7, out, progress: false },
      (line) => lines.push(line));
    const text = lines.join('\n');
    const saved = JSON.parse(readFileSync(join(out, 'train', 'results.json'), 'utf8')) as {
      agreement: { ok: boolean; message: string }; results: TrainResult[]; figures: { png: string }[];
      recipe: { lrSchedule: string };
    };
    expect(saved.recipe.lrSchedule).toBe('cosine'); // the recipe's default
    expect(text).toMatch(/Adam lr 0\.001 with cosine decay to 0/);
    const expected = ['native', 'js'].filter((b) => backendInfo(b).available);
    expect(saved.results.map((r) => r.backend)).toEqual(expected);
    for (const r of saved.results) {
      expect(r.samplesPerEpoch).toBe(256);
      expect(r.epochs).toHaveLength(2);
      expect(r.epochs.map((e) => e.lr)).toEqual([1e-3, 5e-4]); // cosine decay over 2 epochs, stepped per epoch
      expect(r.stepLoss).toHaveLength(4);
      expect(r.samplesPerSecond).toBeGreaterThan(0);
      expect(r.peakRssMb).toBeGreaterThan(10);
      expect(r.testAccuracy).toBeGreaterThan(0.1);
      expect(text).toMatch(new RegExp(`^${r.backend} `, 'm'));
    }
    expect(saved.agreement.ok).toBe(true);
    expect(text).toContain(saved.agreement.message);
    if (expected.length === 2) expect(saved.agreement.message).toMatch(/identical initial weights.*first-step losses agree/);
    for (const f of saved.figures) expect(existsSync(join(out, 'train', f.png))).toBe(true);
  }, 120_000);

  it('refuses unknown backends by name', async () => {
    await expect(trainCommand({ epochs: 1, backends: 'cuda', seed: 1, lrSchedule: 'constant', out, progress: false }, () => {}))
      .rejects.toThrow(/--backends: unknown backend 'cuda'; known: /);
  });
});

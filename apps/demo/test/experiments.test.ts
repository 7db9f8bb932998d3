// `experiments --quick` end to end on small MNIST slices: every experiment produces its figures (real PNG
// and SVG files), a verdict and a table, and the HTML report shows them all, checked in headless Chromium.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { experimentsCommand, type ExperimentsRun } from '../src/experiments/command.js';
import { EXPERIMENTS } from '../src/experiments/index.js';

const CHROMIUM = '/usr/bin/chromium';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let out: string;
let run: ExperimentsRun;
const lines: string[] = [];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'nabla-demo-'));
  run = await experimentsCommand({ quick: true, out }, (line) => lines.push(line));
}, 120_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('experiments --quick', () => {
  it('runs every experiment with a verdict, a table and figures', () => {
    expect(run.experiments.map((e) => e.id)).toEqual(EXPERIMENTS.map((e) => e.id));
    for (const e of run.experiments) {
      expect(e.verdict.text.length, e.id).toBeGreaterThan(20);
      expect(e.lesson.length, e.id).toBeGreaterThan(20);
      expect(['shown', 'not-shown', 'inconclusive'], e.id).toContain(e.verdict.outcome);
      expect(e.table.rows.length, e.id).toBeGreaterThan(0);
      expect(e.figures.length, e.id).toBeGreaterThan(0);
      expect(lines.join('\n')).toContain(e.verdict.text);
    }
    const dir = join(out, 'experiments');
    const saved = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ExperimentsRun;
    expect(saved.experiments.map((e) => e.verdict)).toEqual(run.experiments.map((e) => e.verdict));
  });

  it('says plainly that a quick run cannot settle the lessons that need training', () => {
    for (const id of ['scaling', 'batch-size', 'optimizer', 'learning-rate', 'batch-norm']) {
      const e = run.experiments.find((x) => x.id === id)!;
      expect(e.verdict.outcome, id).toBe('inconclusive');
      expect(e.verdict.text, id).toMatch(/quick run .* too small to settle/i);
    }
  });

  it('writes every figure as a PNG and an SVG', () => {
    const dir = join(out, 'experiments');
    for (const f of run.experiments.flatMap((e) => e.figures)) {
      const png = readFileSync(join(dir, f.png));
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE), f.png).toBe(true);
      expect(png.length, f.png).toBeGreaterThan(5_000);
      const svg = readFileSync(join(dir, f.svg), 'utf8');
      expect(svg, f.svg).toMatch(/^<svg[^>]*>/);
      expect(svg, f.svg).toContain('<path');
    }
  });

  it('computes verdicts from the measured numbers', () => {
    const vanishing = run.experiments.find((e) => e.id === 'vanishing')!;
    const norms = vanishing.numbers as Record<string, number[]>;
    const ratio = (name: string): number => norms[name]![0]! / norms[name]![norms[name]!.length - 1]!;
    expect(vanishing.verdict.text).toContain(ratio('sigmoid').toExponential(1));
    expect(vanishing.verdict.text).toContain(ratio('ReLU (default init)').toExponential(1));
    expect(vanishing.verdict.outcome).toBe(ratio('sigmoid') < ratio('ReLU (default init)') / 100 ? 'shown' : 'not-shown');
    const gallery = run.experiments.find((e) => e.id === 'gallery')!;
    const numbers = gallery.numbers as { maxDerivative: Record<string, number>; atWrongProbability: Record<string, number>; identical: string[] };
    expect(numbers.maxDerivative.sigmoid).toBeCloseTo(0.25, 3);
    expect(numbers.maxDerivative.ReLU).toBe(1);
    expect(gallery.verdict.text).toContain(numbers.atWrongProbability.BCE!.toFixed(2));
    expect(gallery.verdict.text).toContain(numbers.atWrongProbability['MSE of p']!.toFixed(2));
    // Curves that are one function are drawn as one entry that names them all.
    expect(numbers.identical).toContain('BCE = log loss = categorical CE');
    expect(numbers.identical).toContain('BCE with logits = cross-entropy');
  });

  it.skipIf(!existsSync(CHROMIUM))('renders every figure of the HTML report in headless Chromium', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(out, 'experiments', 'report.html')).href, { waitUntil: 'load' });
      const images = await page.$$eval('img.figure', (imgs) =>
        (imgs as HTMLImageElement[]).map((img) => ({ alt: img.getAttribute('alt'), complete: img.complete, width: img.naturalWidth, height: img.naturalHeight })));
      const figures = run.experiments.flatMap((e) => e.figures);
      expect(images.map((i) => i.alt)).toEqual(figures.map((f) => f.title));
      for (const img of images) {
        expect(img.complete, img.alt ?? '').toBe(true);
        expect(img.width, img.alt ?? '').toBeGreaterThan(0);
        expect(img.height, img.alt ?? '').toBeGreaterThan(0);
      }
      const verdicts = await page.$$eval('.verdict[data-outcome]', (els) =>
        els.map((e) => ({ outcome: e.getAttribute('data-outcome'), text: e.querySelector('.verdict-text')?.textContent, background: (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor })));
      expect(verdicts.map((v) => ({ outcome: v.outcome, text: v.text }))).toEqual(run.experiments.map((e) => ({ outcome: e.verdict.outcome, text: e.verdict.text })));
      // The box's colour follows its outcome: one colour per outcome, different outcomes different colours.
      const colours = new Map<string, Set<string>>();
      for (const v of verdicts) colours.set(v.outcome!, (colours.get(v.outcome!) ?? new Set()).add(v.background));
      for (const set of colours.values()) expect(set.size).toBe(1);
      const distinct = new Set([...colours.values()].map((set) => [...set][0]));
      expect(distinct.size).toBe(colours.size);
      // Figures are shown at (nearly) the width they were drawn for, so their text is legible: at 1280 px,
      // no figure is scaled below 90% of its natural width.
      await page.setViewportSize({ width: 1280, height: 900 });
      const scales = await page.$$eval('img.figure', (imgs) => imgs.map((img) => {
        const i = img as unknown as { width: number; naturalWidth: number };
        return i.width / (i.naturalWidth / 2);
      }));
      for (const scale of scales) expect(scale).toBeGreaterThan(0.9);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

if (!existsSync(CHROMIUM)) {
  console.warn(`skipping the headless-Chromium report check: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

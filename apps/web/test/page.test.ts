// The page in headless Chromium: builds dist/, serves it on a free localhost port, trains on wasm, then
// switches to js through the page's own controls, and checks what a user would see.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, type BuildResult } from '../scripts/build.js';
import { serve, type StaticServer } from '../scripts/serve.js';
import type { PageState } from '../src/main.js';

const CHROMIUM = '/usr/bin/chromium';
const STEPS = 60;

if (!existsSync(CHROMIUM)) {
  console.warn(`skipping the page test in headless Chromium: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

const readState = (page: Page): Promise<PageState> => page.evaluate(() => window.__nabla);

/** Waits until the current run has paused (its steps done) or the page failed; returns the state. */
async function pausedAfter(page: Page, steps: number, run: number): Promise<PageState> {
  await page.waitForFunction(
    ([s, r]) => window.__nabla.state === 'error' || (window.__nabla.state === 'paused' && window.__nabla.runs === r &&
      window.__nabla.step >= s),
    [steps, run] as const,
    { timeout: 20_000, polling: 50 },
  );
  const state = await readState(page);
  expect(state.error).toBeNull();
  return state;
}

/** Pixels of the canvas close to an RGB colour (the curves are the only things drawn in their colours). */
function pixelsOf(page: Page, rgb: [number, number, number]): Promise<number> {
  return page.evaluate((c) => {
    const plot = document.getElementById('plot') as HTMLCanvasElement;
    // Read a copy, so the page's own canvas is never read back (the browser warns about that).
    const copy = document.createElement('canvas');
    [copy.width, copy.height] = [plot.width, plot.height];
    const ctx = copy.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(plot, 0, 0);
    const px = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i]! - c[0]) < 24 && Math.abs(px[i + 1]! - c[1]) < 24 && Math.abs(px[i + 2]! - c[2]) < 24) n++;
    }
    return n;
  }, rgb);
}

const LOSS_RGB: [number, number, number] = [0x1f, 0x77, 0xb4];
const ACCURACY_RGB: [number, number, number] = [0xff, 0x7f, 0x0e];

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.skipIf(!existsSync(CHROMIUM))('the page in headless Chromium', () => {
  let built: BuildResult;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    built = await build();
    server = await serve();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    await page.goto(`${server.url}?backend=wasm&steps=${STEPS}&autostart=1`, { waitUntil: 'load' });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("bundles only browser code: no Node built-in, @nabla/data's browser entry without its file readers", () => {
    const offending = built.inputs.filter((f) =>
      /^node:|packages\/train\/|packages\/data\/src\/(index|idx|gunzip|mnist|byte-images|csv)\.ts$/.test(f));
    expect(offending).toEqual([]);
    expect(built.inputs.some((f) => f.includes('packages/backend-wasm/'))).toBe(true);
    expect(built.inputs.some((f) => f.endsWith('packages/data/src/browser.ts'))).toBe(true);
  });

  it('trains on wasm: the loss falls, the test accuracy rises, the plot is drawn', async () => {
    const state = await pausedAfter(page, STEPS, 1);
    expect(problems).toEqual([]);
    expect(state.backend).toBe('wasm');
    expect(state.info).toMatchObject({ name: 'wasm', available: true });
    expect(state.wasmUnavailable).toBeNull();
    expect(state.step).toBe(STEPS);
    expect(state.losses).toHaveLength(STEPS);
    expect(state.losses.every(Number.isFinite)).toBe(true);
    const first = mean(state.losses.slice(0, 5)), last = mean(state.losses.slice(-5));
    expect(first).toBeGreaterThan(1.8); // about ln 10 = 2.30 from a random start
    expect(last).toBeLessThan(first * 0.6);
    expect(state.accuracies.map((a) => a.step)).toEqual([0, STEPS]);
    expect(state.accuracies[1]!.accuracy).toBeGreaterThan(0.6);
    expect(state.accuracies[1]!.accuracy).toBeGreaterThan(state.accuracies[0]!.accuracy + 0.3);
    expect(state.samplesPerSecond).toBeGreaterThan(0);
    expect(await pixelsOf(page, LOSS_RGB)).toBeGreaterThan(200);
    expect(await pixelsOf(page, ACCURACY_RGB)).toBeGreaterThan(50);
    expect(await page.textContent('#served')).toContain('Backend serving this run: wasm');
    expect(await page.textContent('#start')).toBe('Resume');
  });

  it('switches to js from the page controls and begins a new run there', async () => {
    await page.selectOption('#backend', 'js');
    expect(await page.textContent('#start')).toBe('Start');
    await page.click('#start');
    const state = await pausedAfter(page, STEPS, 2);
    expect(problems).toEqual([]);
    expect(state.backend).toBe('js');
    expect(state.info).toMatchObject({ name: 'js', available: true });
    expect(state.losses).toHaveLength(STEPS);
    expect(mean(state.losses.slice(-5))).toBeLessThan(mean(state.losses.slice(0, 5)) * 0.6);
    expect(await page.textContent('#previous')).toContain('previous run on wasm');
    expect(await page.textContent('#served')).toContain('Backend serving this run: js');
  });

  it('Stop pauses an open-ended run and Resume continues it', async () => {
    const other = await browser.newPage();
    const errors: string[] = [];
    other.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    other.on('pageerror', (err) => errors.push(err.message));
    try {
      await other.goto(`${server.url}?backend=wasm&autostart=1`, { waitUntil: 'load' });
      await other.waitForFunction(() => window.__nabla.step >= 10, null, { timeout: 10_000, polling: 20 });
      expect(await other.textContent('#start')).toBe('Stop');
      await other.click('#start');
      await other.waitForFunction(() => window.__nabla.state === 'paused', null, { timeout: 5_000, polling: 20 });
      const paused = await readState(other);
      await other.waitForTimeout(200);
      expect((await readState(other)).step).toBe(paused.step);
      expect(await other.textContent('#start')).toBe('Resume');
      await other.click('#start');
      await other.waitForFunction((s) => window.__nabla.step > s + 5, paused.step, { timeout: 10_000, polling: 20 });
      const resumed = await readState(other);
      expect(resumed.runs).toBe(1);
      expect(resumed.losses.slice(0, paused.step)).toEqual(paused.losses);
      expect(errors).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

// The conformance suite in headless Chromium, on js and on wasm: bundles test/conformance/page.ts, serves it
// on a free localhost port, and checks every case the page reports (the failing ones by name).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { NO_CHROMIUM, hasChromium, launchChromium } from '../scripts/chromium.js';
import { serve, type StaticServer } from '../scripts/serve.js';
import { buildConformancePage } from './conformance/build.js';
import type { CaseResult, ConformanceState } from './conformance/page.js';

if (!hasChromium()) console.warn(`skipping the conformance suite in headless Chromium: ${NO_CHROMIUM}`);

describe.skipIf(!hasChromium())('the conformance suite in headless Chromium', () => {
  let dir: string;
  let server: StaticServer;
  let browser: Browser;
  let results: CaseResult[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nabla-conformance-'));
    await buildConformancePage(dir);
    server = await serve(dir);
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
    });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__conformance?.state !== 'running', null, { timeout: 50_000, polling: 100 });
    const state: ConformanceState = await page.evaluate(() => window.__conformance);
    expect(state.error).toBeNull();
    results = state.results;
    expect(state.skipped).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const on = (backend: string): CaseResult[] => results.filter((r) => r.backend === backend);

  it('every case passes on js and on wasm', () => {
    expect(problems).toEqual([]);
    const failures = results.filter((r) => r.error !== null).map((r) => `${r.name}: ${r.error}`);
    expect(failures).toEqual([]);
  });

  it('ran the whole suite on both backends: primitives, fused kernels, gradients, PyTorch vectors', () => {
    for (const backend of ['js', 'wasm']) {
      const names = on(backend).map((r) => r.name);
      expect(names.length, backend).toBeGreaterThan(120);
      for (const part of ['elementwise primitives', 'gradients against finite differences', 'PyTorch reference vectors']) {
        expect(names.filter((n) => n.startsWith(`${backend}: ${part}`)).length, `${backend}: ${part}`).toBeGreaterThan(1);
      }
      expect(names).toContain(`${backend}: PyTorch reference vectors > MLP: logits, loss and every parameter gradient`);
    }
    // The wasm backend's own PyTorch-vector file: every loss, the layers, the optimizer trajectories.
    const wasmGolden = on('wasm').map((r) => r.name).filter((n) => /^wasm: (losses|layers|optimizer trajectories) against PyTorch/.test(n));
    expect(wasmGolden.length).toBeGreaterThan(20);
  });
});

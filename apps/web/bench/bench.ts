// Training speed of the wasm backend in headless Chromium against Node, on one machine in one run: the MNIST
// MLP 784-256-128-10 with Adam, batch 128, one thread (train-loop.ts, the same code on both sides), in rounds
// that alternate Node and Chromium so that a busy machine slows each about equally. Prints samples/s per
// round, best and median of each, and the ratio Node / Chromium.
// Run: pnpm --filter @nabla/web bench   (BENCH_STEPS per round, BENCH_WARMUP, BENCH_ROUNDS to change)

import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { backendInfo, setBackend } from '@nabla/core';
import '@nabla/backend-wasm';
import { NO_CHROMIUM, hasChromium, launchChromium } from '../scripts/chromium.js';
import { serve } from '../scripts/serve.js';
import { BATCH, SIZES, trainLoop, type TrainResult } from './train-loop.js';

const STEPS = Number(process.env.BENCH_STEPS ?? 100);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
for (const [name, v, min] of [['BENCH_STEPS', STEPS, 1], ['BENCH_WARMUP', WARMUP, 0], ['BENCH_ROUNDS', ROUNDS, 1]] as const) {
  if (!Number.isInteger(v) || v < min) {
    console.error(`${name} must be an integer >= ${min}, got ${process.env[name]}`);
    process.exit(2);
  }
}
if (!hasChromium()) {
  // Skipped with a note, as the other benchmarks skip a peer that is not installed: `pnpm bench` goes on.
  console.log(`skipping the browser benchmark: ${NO_CHROMIUM}`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'nabla-bench-web-'));
await esbuild.build({
  entryPoints: [fileURLToPath(new URL('page.ts', import.meta.url))],
  outfile: join(dir, 'page.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['@nabla/source'],
  minify: true,
  logLevel: 'silent',
});
writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="page.js"></script>\n');
copyFileSync(createRequire(import.meta.url).resolve('@nabla/backend-wasm/wasm/nabla.wasm'), join(dir, 'nabla.wasm'));

const server = await serve(dir);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(server.url, { waitUntil: 'load' });
  const chromiumInfo = await page.evaluate(() => window.__ready);
  setBackend('wasm');
  const nodeInfo = backendInfo('wasm');
  const version = browser.version();
  console.log(`MLP ${SIZES.join('-')}, Adam, batch ${BATCH}, wasm backend (1 thread): ${ROUNDS} rounds of ` +
    `${STEPS} steps after ${WARMUP} warm-up steps, Node ${process.versions.node} and Chromium ${version} alternating`);
  console.log(`  Node:     ${JSON.stringify(nodeInfo.details)}`);
  console.log(`  Chromium: ${JSON.stringify(chromiumInfo.details)}`);

  const setImmediateTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const node: number[] = [];
  const chromium: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which side goes first, so neither always follows the other.
    const sides: [string, () => Promise<TrainResult>, number[]][] = [
      ['node', () => trainLoop(STEPS, WARMUP, setImmediateTurn), node],
      ['chromium', () => page.evaluate(([s, w]) => window.__train(s, w), [STEPS, WARMUP] as const), chromium],
    ];
    if (round % 2 === 1) sides.reverse();
    const line: string[] = [];
    for (const [name, run, into] of sides) {
      const { samplesPerSecond, loss } = await run();
      into.push(samplesPerSecond);
      line.push(`${name} ${Math.round(samplesPerSecond)} samples/s (loss ${loss.toFixed(4)})`);
    }
    console.log(`  round ${round + 1}: ${line.join(', ')}`);
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const best = (xs: number[]): number => Math.max(...xs);
  console.log('');
  console.log(`  Node      best ${Math.round(best(node))}  median ${Math.round(median(node))} samples/s`);
  console.log(`  Chromium  best ${Math.round(best(chromium))}  median ${Math.round(median(chromium))} samples/s`);
  console.log(`  Node / Chromium: best ${(best(node) / best(chromium)).toFixed(2)}x, ` +
    `median ${(median(node) / median(chromium)).toFixed(2)}x (1.00x: as fast in the browser)`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

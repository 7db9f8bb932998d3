import { describe, expect, it } from 'vitest';
import { checkAgreement, resultsTable } from '../src/train/command.js';
import type { TrainResult } from '../src/train/worker.js';
import { medianRun } from '../src/bench/command.js';
import { curveStats, rateVerdict, type RateRun } from '../src/experiments/learningRate.js';
import { formatTable } from '../src/table.js';
import { escapeHtml } from '../src/report.js';
import { useBackend } from '../src/backends.js';
import { MLP_SHAPES, gemmGflops } from '../src/bench/matmul.js';
import { addOverhead } from '../src/bench/overhead.js';

function result(backend: string, firstStepLoss: number, initialWeights = 'abc', samplesPerSecond = 1000): TrainResult {
  return {
    backend, description: backend, threads: 1, initialWeights, firstStepLoss, samplesPerEpoch: 256, epochs: [], stepLoss: [],
    samplesPerSecond, secondsPerEpoch: 1, testAccuracy: 0.9, peakRssMb: 100,
  };
}

describe('first-step agreement', () => {
  it('agrees within float tolerance, and says so', () => {
    const a = checkAgreement([result('native', 2.302585), result('js', 2.3025862)]);
    expect(a.ok).toBe(true);
    expect(a.message).toMatch(/identical initial weights \(digest abc\); first-step losses agree/);
  });

  it('flags different losses and different weights', () => {
    expect(checkAgreement([result('native', 2.30), result('js', 2.31)]).ok).toBe(false);
    const w = checkAgreement([result('native', 2.3, 'abc'), result('js', 2.3, 'def')]);
    expect(w.ok).toBe(false);
    expect(w.message).toMatch(/DIFFERENT initial weights/);
    expect(checkAgreement([result('js', 2.3)]).message).toMatch(/only one backend/);
  });

  it('puts the speedup over js in the table', () => {
    const table = resultsTable([result('native', 2.3, 'a', 30_000), result('js', 2.3, 'a', 2_000)]);
    expect(table).toMatch(/native .* 15\.0x/);
    expect(table).toMatch(/js .* 1\.0x/);
  });
});

describe('bench rounds', () => {
  it('keep the median of several rounds, and every round', () => {
    const run = (samplesPerSecond: number, peakRssMb: number) => ({
      backend: 'native', threads: 1, warmupSteps: 1, steps: 1, samples: 1, seconds: 1, samplesPerSecond, peakRssMb,
    });
    const m = medianRun([run(70_000, 1), run(50_000, 2), run(80_000, 3)]);
    expect(m.samplesPerSecond).toBe(70_000);
    expect(m.peakRssMb).toBe(1);
    expect(m.rounds).toEqual([70_000, 50_000, 80_000]);
    expect(medianRun([run(60_000, 1), run(50_000, 2)]).samplesPerSecond).toBe(50_000); // the lower of two
  });
});

describe('loss-curve statistics', () => {
  it('find a blow-up, spikes above the recent level, and the final level', () => {
    const flat = Array.from({ length: 30 }, () => 2.3);
    const blowUp = curveStats(Float64Array.from([2, 50, 20, ...flat.slice(3)]));
    expect(blowUp.peakOverStart).toBe(25);
    expect(blowUp.diverged).toBe(true);
    expect(blowUp.final).toBeCloseTo(2.3);
    const spiky = curveStats(Float64Array.from(flat.map((v, i) => (i === 25 ? 6 : v))));
    expect(spiky.spikes).toBe(1);
    expect(spiky.diverged).toBe(false);
    // A small loss doubling (0.05 -> 0.12) is a hard batch, not a spike.
    const late = curveStats(Float64Array.from(flat.map((_, i) => (i === 25 ? 0.12 : 0.05))));
    expect(late.spikes).toBe(0);
    expect(curveStats(Float64Array.from([2, Number.NaN, 2, 2])).diverged).toBe(true);
  });

  it('call a steady loss at chance a failure to learn, not stability', () => {
    const run = (lr: number, loss: number[], testAccuracy: number): RateRun => ({ lr, steps: loss.length, stats: curveStats(Float64Array.from(loss)), testAccuracy });
    const dead = run(0.1, Array.from({ length: 40 }, () => 2.302), 0.113);
    const good = run(0.001, Array.from({ length: 40 }, (_, i) => 2.3 * 0.95 ** i), 0.95);
    const tiny = run(1e-5, Array.from({ length: 40 }, () => 2.29), 0.3);
    const v = rateVerdict(dead, good, tiny, false);
    expect(v.outcome).toBe('shown');
    expect(v.text).toMatch(/lr 0\.1 is unstable: it failed to learn \(test accuracy 11\.3%/);
    expect(rateVerdict(good, good, tiny, false).outcome).toBe('not-shown');
    expect(rateVerdict(dead, good, tiny, true).outcome).toBe('inconclusive');
  });
});

describe('text and HTML helpers', () => {
  it('aligns table columns', () => {
    expect(formatTable(['name', 'n'], [['a', 1], ['bbb', 22]])).toBe('name   n\n----  --\na      1\nbbb   22');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('bench pieces', () => {
  it('time a correct gemm and a real add through the public API', () => {
    useBackend('js');
    for (const shape of [MLP_SHAPES[2]!, MLP_SHAPES[4]!]) {
      expect(gemmGflops(shape, { minSeconds: 0.001, rounds: 1 })).toBeGreaterThan(0);
    }
    const overhead = addOverhead(1000);
    expect(overhead.ops).toBe(1000);
    expect(overhead.microsecondsPerOp).toBeCloseTo((overhead.seconds / 1000) * 1e6, 6);
  });
});

// The verdicts are computed from numbers: each outcome (shown, not shown, too little data to tell) follows
// from the numbers given, and the text says what they were.

import { describe, expect, it } from 'vitest';
import { clearGap, compareArms } from '../src/experiments/common.js';
import { batchNormVerdict, type BatchNormArm } from '../src/experiments/batchNorm.js';
import { vanishingVerdict } from '../src/experiments/vanishing.js';
import { galleryVerdict, mergeIdentical, partialOverlaps } from '../src/experiments/gallery.js';
import { comparisonNote } from '../src/train/command.js';
import type { TrainResult } from '../src/train/worker.js';
import { verdictBox } from '../src/report.js';
import { accuracySpec, accuracyZoomFloor, lineSpec } from '../src/charts.js';

const texts = { shown: 'A wins.', notShown: 'B wins.', tooClose: 'Too close.' };

describe('training comparisons', () => {
  it('call a gap within twice the standard error too close to tell', () => {
    expect(clearGap(0.975, 0.970, 10_000)).toBe(true);
    expect(clearGap(0.975, 0.972, 10_000)).toBe(false);
    expect(clearGap(0.80, 0.70, 500)).toBe(true);
    expect(clearGap(0.80, 0.78, 500)).toBe(false);
  });

  it('give each of the three outcomes', () => {
    expect(compareArms({ favoured: 0.97, other: 0.90, testImages: 10_000, quick: false, ...texts })).toEqual({ outcome: 'shown', text: 'A wins.' });
    expect(compareArms({ favoured: 0.90, other: 0.97, testImages: 10_000, quick: false, ...texts })).toEqual({ outcome: 'not-shown', text: 'B wins.' });
    expect(compareArms({ favoured: 0.971, other: 0.970, testImages: 10_000, quick: false, ...texts })).toEqual({ outcome: 'inconclusive', text: 'Too close.' });
  });

  it('never settle a lesson in a quick run, and say what the run saw so far', () => {
    const wrongWay = compareArms({ favoured: 0.288, other: 0.620, testImages: 500, quick: true, ...texts });
    expect(wrongWay.outcome).toBe('inconclusive');
    expect(wrongWay.text).toMatch(/quick run .* too small to settle .* So far: B wins\./);
    expect(compareArms({ favoured: 0.8, other: 0.4, testImages: 500, quick: true, ...texts }).text).toMatch(/So far: A wins\./);
  });
});

function arm(name: string, norms: number[], stepsToTarget: number | null): BatchNormArm {
  return { name, norms, curve: [], steps: 938, stepsToTarget, secondsToTarget: stepsToTarget === null ? null : 4.8, finalAccuracy: stepsToTarget === null ? 0.1 : 0.93 };
}

describe('the BatchNorm verdict', () => {
  it('is shown when BatchNorm keeps the gradient and reaches the accuracy sooner', () => {
    const v = batchNormVerdict(arm('plain', [1e-7, 0.5], null), arm('bn', [1, 0.6], 150), false);
    expect(v.outcome).toBe('shown');
    expect(v.text).toMatch(/reaches 85\.0% after 150 steps \(4\.8 s\).*does not reach 85\.0% in 938 steps/);
  });

  it('is not shown, and says which part failed, when the numbers disagree', () => {
    const v = batchNormVerdict(arm('plain', [0.5, 0.5], 100), arm('bn', [0.6, 0.6], 200), false);
    expect(v.outcome).toBe('not-shown');
    expect(v.text).toMatch(/did not keep clearly more gradient.*did not reach the target accuracy sooner/);
    expect(batchNormVerdict(arm('plain', [1e-7, 0.5], null), arm('bn', [1, 0.6], 150), true).outcome).toBe('inconclusive');
  });
});

describe('the vanishing-gradient verdict', () => {
  it('states what ReLU loses with the default initialisation', () => {
    const v = vanishingVerdict({ name: 'sigmoid', norms: [1.2e-8, 1] }, { name: 'ReLU', norms: [3.4e-3, 1] }, { name: 'He', norms: [3, 1] });
    expect(v.outcome).toBe('shown');
    expect(v.text).toMatch(/ReLU with the default initialisation loses gradient as well, though far less: 3\.4e-3/);
    expect(vanishingVerdict({ name: 's', norms: [1e-3, 1] }, { name: 'r', norms: [3e-3, 1] }, { name: 'h', norms: [1, 1] }).outcome).toBe('not-shown');
  });
});

describe('the gallery', () => {
  it('merges curves that are one function and keeps those that differ anywhere', () => {
    const x = [0, 1, 2];
    const merged = mergeIdentical([
      { name: 'hinge', x, y: [1, 0, 0] }, { name: 'MAE', x, y: [1, 0, 1] }, { name: 'BCE', x, y: [2, 1, 0.5] }, { name: 'log loss', x, y: [2, 1, 0.5] },
    ]);
    expect(merged.map((c) => c.name)).toEqual(['hinge', 'MAE', 'BCE = log loss']);
  });

  it('names curves that coincide over part of the range', () => {
    const x = Array.from({ length: 17 }, (_, i) => -2 + i / 4);
    const hinge = { name: 'hinge', x, y: x.map((z) => Math.max(0, 1 - z)) };
    const mae = { name: 'MAE', x, y: x.map((z) => Math.abs(z - 1)) };
    const mse = { name: 'MSE', x, y: x.map((z) => (z - 1) ** 2) };
    expect(partialOverlaps([hinge, mae, mse], 'z')).toEqual(['hinge = MAE for z from -2.0 to 1.0']);
  });

  it('judges the losses from their values, not from a fixed sentence', () => {
    const numbers = {
      maxDerivative: { sigmoid: 0.25, tanh: 1, swish: 1.1 },
      atWrongProbability: { BCE: 4.61, 'MSE of p': 0.98, 'MAE of p': 0.99 },
      atWrongScore: { MSE: 16, hinge: 4 },
    };
    const v = galleryVerdict(numbers);
    expect(v.outcome).toBe('shown');
    expect(v.text).toMatch(/log losses give 4\.61 .* \(0\.98, 0\.99\).*at z = -3, MSE 16\.00, hinge 4\.00/);
    expect(galleryVerdict({ ...numbers, atWrongProbability: { BCE: 1.5, 'MSE of p': 0.98, 'MAE of p': 0.99 } }).outcome).toBe('not-shown');
  });
});

describe('the report and the train table', () => {
  it('colour and label the verdict box by outcome', () => {
    expect(verdictBox({ outcome: 'inconclusive', text: 'x < y' })).toBe(
      '<p class="verdict inconclusive" data-outcome="inconclusive"><strong>Too little data to tell.</strong> <span class="verdict-text">x &lt; y</span></p>');
  });

  it('compare accuracy only when every backend saw the same samples', () => {
    const run = (backend: string, samplesPerEpoch: number) => ({ backend, samplesPerEpoch, epochs: [{}, {}] }) as unknown as TrainResult;
    expect(comparisonNote([run('native', 20_096), run('js', 20_096)])).toMatch(/same 20,096 samples per epoch for 2 epoch\(s\).*like for like/);
    expect(comparisonNote([run('native', 60_000), run('js', 20_096)])).toMatch(/compare their speed only/);
    expect(comparisonNote([run('js', 20_096)])).toBe('');
  });
});

describe('accuracy charts', () => {
  const series = (ys: number[]) => [{ name: 'a', x: ys.map((_, i) => i + 1), y: ys }];

  it('start at 0, and add a zoomed panel with its range in the title when every value is high', () => {
    expect(accuracyZoomFloor(series([0.921, 0.956]))).toBe(0.9);
    expect(accuracyZoomFloor(series([0.975, 0.99]))).toBe(0.95);
    expect(accuracyZoomFloor(series([0.1, 0.9]))).toBeNull();
    const zoomed = JSON.stringify(accuracySpec({ title: 't', xTitle: 'x', yTitle: 'y', series: series([0.921, 0.956]) }));
    expect(zoomed).toContain('"domain":[0,1]');
    expect(zoomed).toContain('"domain":[0.9,1]');
    expect(zoomed).toContain('zoomed in: 90% to 100%');
    const plain = JSON.stringify(accuracySpec({ title: 't', xTitle: 'x', yTitle: 'y', series: series([0.1, 0.9]) }));
    expect(plain).toContain('"domain":[0,1]');
    expect(plain).not.toContain('zoomed');
  });

  it('give every series its own dash pattern, so coinciding curves stay apart', () => {
    const spec = lineSpec({ title: 't', xTitle: 'x', yTitle: 'y', series: [...series([1, 2]), { name: 'b', x: [1, 2], y: [1, 2] }] }) as { encoding: { strokeDash: { scale: { range: number[][] } } } };
    const [a, b] = spec.encoding.strokeDash.scale.range;
    expect(a).not.toEqual(b);
  });
});

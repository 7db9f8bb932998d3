// Learning rate: Adam at 0.1 and 0.001 (and 1e-5, to show the other end), loss per step. Instability is
// measured as what it is: the loss running away from where it started (divergence), sudden jumps above its
// recent level (spikes), and a network that ends where it began (failure to learn). Step-to-step jitter is
// not a measure of it: a network that died at chance has a perfectly steady loss.

import { Adam } from '@nabla/optimizers';
import { steps, writeLineChart } from '../charts.js';
import { recipeModel } from '../recipe.js';
import { QUICK_CAVEAT, type Experiment, type Verdict, mean, pct, trainOnMnist } from './common.js';

/**
 * A step is a spike when its loss is above this multiple of the median of the steps just before it, and at
 * least SPIKE_MIN_JUMP above it (late in a good run the loss is small and a hard batch doubles it: no spike).
 */
export const SPIKE_FACTOR = 2;
export const SPIKE_MIN_JUMP = 0.5;
/** Steps in the window whose median a spike is measured against. */
export const SPIKE_WINDOW = 20;
/** A loss that rises above this multiple of its first value has run away (a spike stays below it). */
export const DIVERGED_FACTOR = 5;
/** Ten classes: a network whose test accuracy stays below twice chance has not learned. */
export const FAILED_ACCURACY = 0.2;

export interface LossCurveStats {
  first: number;
  /** Mean loss over the last tenth of the steps. */
  final: number;
  /** The highest loss of the run over the first step's loss: far above 1 when the run blew up. */
  peakOverStart: number;
  /** Steps whose loss jumped above SPIKE_FACTOR x the median of the SPIKE_WINDOW steps before (see SPIKE_MIN_JUMP). */
  spikes: number;
  /** A loss that became NaN or infinite, or ran away to more than DIVERGED_FACTOR times its starting value. */
  diverged: boolean;
}

function median(xs: ArrayLike<number>): number {
  const sorted = Array.from(xs).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function curveStats(loss: Float64Array): LossCurveStats {
  const tenth = Math.max(3, Math.floor(loss.length / 10));
  let peak = -Infinity;
  let finite = true;
  for (let i = 0; i < loss.length; i++) {
    if (!Number.isFinite(loss[i]!)) finite = false;
    else if (loss[i]! > peak) peak = loss[i]!;
  }
  let spikes = 0;
  for (let i = SPIKE_WINDOW; i < loss.length; i++) {
    const before = median(loss.subarray(i - SPIKE_WINDOW, i));
    if (loss[i]! > SPIKE_FACTOR * before && loss[i]! - before > SPIKE_MIN_JUMP) spikes++;
  }
  const peakOverStart = peak / loss[0]!;
  return {
    first: loss[0]!,
    final: mean(loss.subarray(loss.length - tenth)),
    peakOverStart,
    spikes,
    diverged: !finite || peakOverStart > DIVERGED_FACTOR,
  };
}

export interface RateRun {
  lr: number;
  steps: number;
  stats: LossCurveStats;
  testAccuracy: number;
}

/** The signs of instability a run showed, in words; empty when it showed none. */
export function instabilitySigns(run: RateRun): string[] {
  const s = run.stats;
  const signs: string[] = [];
  if (s.diverged) signs.push(`its loss ran away to ${s.peakOverStart.toFixed(0)}x its starting value`);
  if (s.spikes > 0) signs.push(`it spiked ${s.spikes} time${s.spikes === 1 ? '' : 's'} (a step above ${SPIKE_FACTOR}x the median of the ${SPIKE_WINDOW} before)`);
  if (run.testAccuracy < FAILED_ACCURACY) signs.push(`it failed to learn (test accuracy ${pct(run.testAccuracy)}, chance is 10%)`);
  return signs;
}

export function rateVerdict(big: RateRun, good: RateRun, tiny: RateRun, quick: boolean): Verdict {
  const signs = instabilitySigns(big);
  const goodSigns = instabilitySigns(good);
  const goodText = `lr ${good.lr} ${goodSigns.length === 0 ? 'learned steadily' : `was not clean either (${goodSigns.join('; ')})`}, ` +
    `ending at loss ${good.stats.final.toFixed(3)} and ${pct(good.testAccuracy)} test accuracy`;
  const bigText = signs.length > 0
    ? `lr ${big.lr} is unstable: ${signs.join('; ')}; ${goodText}.`
    : `lr ${big.lr} showed no instability here (no divergence, no spikes, ${pct(big.testAccuracy)} test accuracy); ${goodText}.`;
  const slow = tiny.stats.final > 2 * good.stats.final;
  const tinyText = slow
    ? ` At the other end, lr ${tiny.lr} is too small: after ${tiny.steps} steps its loss is still ${tiny.stats.final.toFixed(3)}.`
    : ` lr ${tiny.lr} was not clearly slower (loss ${tiny.stats.final.toFixed(3)}).`;
  if (quick) return { outcome: 'inconclusive', text: `${QUICK_CAVEAT} So far: ${bigText}${tinyText}` };
  const shown = signs.length > 0 && goodSigns.length < signs.length && good.testAccuracy > big.testAccuracy;
  return { outcome: shown ? 'shown' : 'not-shown', text: `${bigText}${tinyText}` };
}

export const RATES = [0.1, 0.001, 0.00001] as const;

export const learningRate: Experiment = {
  id: 'learning-rate',
  title: 'Learning rate',
  question: 'What do a too-large (0.1) and a too-small (1e-5) learning rate do to training, next to 0.001?',
  lesson: 'A learning rate of 0.1 is too large for Adam: training is unstable (the loss diverges or spikes, or the ' +
    'network fails to learn), while 0.001 learns steadily.',
  async run(ctx) {
    const epochs = ctx.quick ? 2 : 1;
    const runs: (RateRun & { loss: Float64Array })[] = [];
    for (const lr of RATES) {
      const model = recipeModel();
      const r = await trainOnMnist(ctx, { model, optimizer: new Adam(model.parameters(), { lr }), epochs, batchSize: 64 });
      const loss = Float64Array.from(r.history.stepLoss.values());
      runs.push({ lr, loss, steps: loss.length, stats: curveStats(loss), testAccuracy: r.testAccuracy[r.testAccuracy.length - 1]! });
    }
    const [big, good, tiny] = runs as [typeof runs[0], typeof runs[0], typeof runs[0]];
    const figure = await writeLineChart(ctx.dir, 'learning-rate', {
      title: 'Adam: training loss per step at three learning rates', xTitle: 'step', yTitle: 'training loss (log scale)', logY: true,
      series: runs.map((r) => ({ name: `lr ${r.lr}`, x: steps(r.loss.length, 1), y: r.loss })),
    });
    return {
      verdict: rateVerdict(big, good, tiny, ctx.quick),
      figures: [figure],
      table: {
        headers: ['learning rate', 'first loss', 'peak / first loss', 'loss spikes', 'final loss', 'test accuracy', 'instability'],
        rows: runs.map((r) => {
          const signs = [r.stats.diverged ? 'diverged' : '', r.stats.spikes > 0 ? 'spikes' : '', r.testAccuracy < FAILED_ACCURACY ? 'failed to learn' : '']
            .filter(Boolean);
          return [r.lr, r.stats.first.toFixed(3), r.stats.peakOverStart.toFixed(1), r.stats.spikes, r.stats.final.toFixed(3),
            pct(r.testAccuracy), signs.length > 0 ? signs.join(', ') : 'none'];
        }),
      },
      numbers: Object.fromEntries(runs.map((r) => [String(r.lr), { ...r.stats, steps: r.steps, testAccuracy: r.testAccuracy }])),
    };
  },
};

// Learning rate: Adam at 0.1 and 0.001 (and 1e-5, to show the other end), loss per step. Too large a rate
// makes the loss jump about and stall high; too small a rate makes it fall slowly.

import { Adam } from '@nabla/optimizers';
import { steps, writeLineChart } from '../charts.js';
import { recipeModel } from '../recipe.js';
import { type Experiment, mean, trainOnMnist } from './common.js';

export interface LossCurveStats {
  /** Mean loss over the first tenth of the steps. */
  early: number;
  /** Mean loss over the last tenth. */
  final: number;
  /** Mean |loss change| between consecutive steps over the second half, relative to the loss there. */
  jitter: number;
  /** The highest loss of the run over the first step's loss: far above 1 when the run blew up. */
  peakOverStart: number;
}

export function curveStats(loss: Float64Array): LossCurveStats {
  const tenth = Math.max(3, Math.floor(loss.length / 10));
  const half = loss.subarray(Math.floor(loss.length / 2));
  let peak = -Infinity;
  for (let i = 0; i < loss.length; i++) if (loss[i]! > peak) peak = loss[i]!;
  let jumps = 0;
  for (let i = 1; i < half.length; i++) jumps += Math.abs(half[i]! - half[i - 1]!);
  return {
    early: mean(loss.subarray(0, tenth)),
    final: mean(loss.subarray(loss.length - tenth)),
    jitter: half.length > 1 ? jumps / (half.length - 1) / mean(half) : NaN,
    peakOverStart: peak / loss[0]!,
  };
}

export const RATES = [0.1, 0.001, 0.00001] as const;

export const learningRate: Experiment = {
  id: 'learning-rate',
  title: 'Learning rate',
  question: 'What do a too-large (0.1) and a too-small (1e-5) learning rate do to the loss, next to 0.001?',
  async run(ctx) {
    const epochs = ctx.quick ? 2 : 1;
    const runs = [];
    for (const lr of RATES) {
      const model = recipeModel();
      const r = await trainOnMnist(ctx, { model, optimizer: new Adam(model.parameters(), { lr }), epochs, batchSize: 64 });
      const loss = Float64Array.from(r.history.stepLoss.values());
      runs.push({ lr, loss, stats: curveStats(loss), testAccuracy: r.testAccuracy[r.testAccuracy.length - 1]! });
    }
    const [big, good, tiny] = runs as [typeof runs[0], typeof runs[0], typeof runs[0]];
    const figure = await writeLineChart(ctx.dir, 'learning-rate', {
      title: 'Adam: loss per step at three learning rates', xTitle: 'step', yTitle: 'training loss (log scale)', logY: true,
      series: runs.map((r) => ({ name: `lr ${r.lr}`, x: steps(r.loss.length, 1), y: r.loss })),
    });
    const parts: string[] = [];
    const blewUp = big.stats.peakOverStart > 2;
    const unstable = blewUp || big.stats.jitter > 1.5 * good.stats.jitter || big.stats.final > 1.5 * good.stats.final;
    parts.push(unstable
      ? `lr 0.1 is too large: its loss ${blewUp ? `shoots up to ${big.stats.peakOverStart.toFixed(0)}x its starting value and ` : ''}` +
        `ends at ${big.stats.final.toFixed(3)} (vs ${good.stats.final.toFixed(3)} at 0.001)`
      : `lr 0.1 was not clearly unstable here (final loss ${big.stats.final.toFixed(3)} vs ${good.stats.final.toFixed(3)} at 0.001)`);
    const slow = tiny.stats.final > 2 * good.stats.final;
    parts.push(slow
      ? `lr 1e-5 is too small: after ${tiny.loss.length} steps its loss is still ${tiny.stats.final.toFixed(3)}`
      : `lr 1e-5 was not clearly slower (final loss ${tiny.stats.final.toFixed(3)})`);
    return {
      verdict: `${parts.join('; ')}.`,
      figures: [figure],
      table: {
        headers: ['learning rate', 'early loss', 'final loss', 'peak / first loss', 'step-to-step jitter', 'test accuracy'],
        rows: runs.map((r) => [r.lr, r.stats.early.toFixed(3), r.stats.final.toFixed(3), r.stats.peakOverStart.toFixed(1),
          r.stats.jitter.toFixed(3), `${(r.testAccuracy * 100).toFixed(1)}%`]),
      },
      numbers: Object.fromEntries(runs.map((r) => [String(r.lr), { ...r.stats, testAccuracy: r.testAccuracy }])),
    };
  },
};

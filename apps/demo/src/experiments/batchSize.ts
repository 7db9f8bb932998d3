// Batch size: 32 versus 10000 for the same number of epochs. With 60000 samples that is 1875 updates per
// epoch against 6: the big batch sees every sample just as often but takes far fewer steps.

import { Adam } from '@nabla/optimizers';
import { writeLineChart } from '../charts.js';
import { RECIPE, recipeModel } from '../recipe.js';
import { type Experiment, epochsAxis, last, pct, trainOnMnist } from './common.js';

export const batchSize: Experiment = {
  id: 'batch-size',
  title: 'Batch size',
  question: 'For the same few epochs, do small batches (many updates) or huge batches (few updates) learn more?',
  async run(ctx) {
    const epochs = ctx.quick ? 2 : 3;
    const samples = ctx.data('train').x.shape[0]!;
    const sizes = [32, Math.min(10_000, samples)];
    const runs = [];
    for (const size of sizes) {
      const model = recipeModel();
      const optimizer = new Adam(model.parameters(), { lr: RECIPE.lr });
      const r = await trainOnMnist(ctx, { model, optimizer, epochs, batchSize: size });
      runs.push({ size, updatesPerEpoch: Math.ceil(samples / size), ...r });
    }
    const [small, big] = runs as [typeof runs[0], typeof runs[0]];
    const figure = await writeLineChart(ctx.dir, 'batch-size', {
      title: 'Batch size: test accuracy per epoch', xTitle: 'epoch', yTitle: 'test accuracy', points: true,
      series: runs.map((r) => ({ name: `batch ${r.size} (${r.updatesPerEpoch} updates/epoch)`, x: epochsAxis(epochs), y: r.testAccuracy })),
    });
    const gap = last(small.testAccuracy) - last(big.testAccuracy);
    const verdict = gap > 0.01
      ? `Updates count: batch ${small.size} (${small.updatesPerEpoch} updates/epoch) reaches ${pct(last(small.testAccuracy))} after ${epochs} epochs; batch ${big.size} (${big.updatesPerEpoch} updates/epoch) only ${pct(last(big.testAccuracy))}.`
      : gap < -0.01
        ? `Unexpected: batch ${big.size} did better (${pct(last(big.testAccuracy))} vs ${pct(last(small.testAccuracy))}).`
        : `No clear difference after ${epochs} epochs: ${pct(last(small.testAccuracy))} vs ${pct(last(big.testAccuracy))}.`;
    return {
      verdict,
      figures: [figure],
      table: {
        headers: ['batch size', 'updates/epoch', ...epochsAxis(epochs).map((e) => `test acc. epoch ${e}`), 'samples/s'],
        rows: runs.map((r) => [r.size, r.updatesPerEpoch, ...r.testAccuracy.map(pct), Math.round(r.history.samplesPerSecond)]),
      },
      numbers: { runs: runs.map((r) => ({ batchSize: r.size, updatesPerEpoch: r.updatesPerEpoch, testAccuracy: r.testAccuracy })) },
    };
  },
};

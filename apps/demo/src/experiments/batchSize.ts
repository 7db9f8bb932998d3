// Batch size: 32 versus 10000 for the same number of epochs. With 60000 samples that is 1875 updates per
// epoch against 6: the big batch sees every sample just as often but takes far fewer steps.

import { Adam } from '@nabla/optimizers';
import { writeAccuracyChart } from '../charts.js';
import { RECIPE, recipeModel } from '../recipe.js';
import { type Experiment, compareArms, epochsAxis, last, pct, trainOnMnist } from './common.js';

export const batchSize: Experiment = {
  id: 'batch-size',
  title: 'Batch size',
  question: 'For the same few epochs, do small batches (many updates) or huge batches (few updates) learn more?',
  lesson: 'Over a few epochs, batches of 32 beat batches of 10,000: every epoch sees the same samples, but the ' +
    'small batches make hundreds of times more updates.',
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
    const figure = await writeAccuracyChart(ctx.dir, 'batch-size', {
      title: 'Batch size: test accuracy per epoch', xTitle: 'epoch', yTitle: 'test accuracy', points: true,
      series: runs.map((r) => ({ name: `batch ${r.size} (${r.updatesPerEpoch} updates/epoch)`, x: epochsAxis(epochs), y: r.testAccuracy })),
    });
    const describe = (r: typeof small): string => `batch ${r.size} (${r.updatesPerEpoch} update${r.updatesPerEpoch === 1 ? '' : 's'} per epoch) ${pct(last(r.testAccuracy))}`;
    const bigNote = big.size < 10_000 ? ` (the quick slice has only ${samples} images, so the big batch is all of them)` : '';
    const verdict = compareArms({
      favoured: last(small.testAccuracy), other: last(big.testAccuracy), testImages: ctx.data('test').x.shape[0]!, quick: ctx.quick,
      shown: `Updates count: after ${epochs} epochs, ${describe(small)} against ${describe(big)}${bigNote}.`,
      notShown: `The big batch did as well here: ${describe(big)} against ${describe(small)} after ${epochs} epochs.`,
      tooClose: `Too close to tell after ${epochs} epochs: ${describe(small)}, ${describe(big)}.`,
    });
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

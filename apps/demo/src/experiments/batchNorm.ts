// Batch normalization: the recipe MLP with and without BatchNorm1d after each hidden Linear layer, trained
// with plain SGD (where normalising the activations helps most), loss per epoch.

import { BatchNorm1d, Linear, ReLU, Sequential } from '@nabla/layers';
import { SGD } from '@nabla/optimizers';
import { writeLineChart } from '../charts.js';
import { recipeModel } from '../recipe.js';
import { type Experiment, epochsAxis, last, pct, seeded, trainOnMnist } from './common.js';

function withBatchNorm(): Sequential {
  return new Sequential(
    new Linear(784, 256), new BatchNorm1d(256), new ReLU(),
    new Linear(256, 128), new BatchNorm1d(128), new ReLU(),
    new Linear(128, 10),
  );
}

export const batchNorm: Experiment = {
  id: 'batch-norm',
  title: 'Batch normalization',
  question: 'Does BatchNorm1d make the same MLP train faster under SGD?',
  async run(ctx) {
    const epochs = ctx.quick ? 2 : 5;
    const arms = [
      { name: 'without BatchNorm', build: () => recipeModel() },
      { name: 'with BatchNorm', build: () => seeded(withBatchNorm) },
    ];
    const runs = [];
    for (const arm of arms) {
      const model = arm.build();
      const optimizer = new SGD(model.parameters(), { lr: 0.01 });
      runs.push({ name: arm.name, ...(await trainOnMnist(ctx, { model, optimizer, epochs, batchSize: 128 })) });
    }
    const [plain, bn] = runs as [typeof runs[0], typeof runs[0]];
    const figure = await writeLineChart(ctx.dir, 'batch-norm', {
      title: 'SGD lr 0.01: training loss per epoch', xTitle: 'epoch', yTitle: 'training loss', points: true,
      series: runs.map((r) => ({ name: r.name, x: epochsAxis(epochs), y: r.history.series('loss') })),
    });
    const lossPlain = last(plain.history.series('loss'));
    const lossBn = last(bn.history.series('loss'));
    const verdict = lossBn < 0.9 * lossPlain
      ? `BatchNorm speeds training up: loss ${lossBn.toFixed(3)} vs ${lossPlain.toFixed(3)} without after ${epochs} epochs (test accuracy ${pct(last(bn.testAccuracy))} vs ${pct(last(plain.testAccuracy))}).`
      : lossPlain < 0.9 * lossBn
        ? `BatchNorm did not help here: loss ${lossBn.toFixed(3)} with vs ${lossPlain.toFixed(3)} without.`
        : `No clear difference: loss ${lossBn.toFixed(3)} with BatchNorm vs ${lossPlain.toFixed(3)} without.`;
    return {
      verdict,
      figures: [figure],
      table: {
        headers: ['model', ...epochsAxis(epochs).map((e) => `loss epoch ${e}`), 'test accuracy'],
        rows: runs.map((r) => [r.name, ...r.history.series('loss').map((v) => v.toFixed(4)), pct(last(r.testAccuracy))]),
      },
      numbers: Object.fromEntries(runs.map((r) => [r.name, { loss: r.history.series('loss'), testAccuracy: r.testAccuracy }])),
    };
  },
};

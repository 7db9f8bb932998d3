// Optimizer: plain SGD against Adam on the recipe MLP, test accuracy per epoch.

import { Adam, SGD } from '@nabla/optimizers';
import { writeAccuracyChart } from '../charts.js';
import { RECIPE, recipeModel } from '../recipe.js';
import { type Experiment, compareArms, epochsAxis, last, pct, trainOnMnist } from './common.js';

export const optimizer: Experiment = {
  id: 'optimizer',
  title: 'SGD vs Adam',
  question: 'How much faster does Adam learn than plain SGD at their usual learning rates?',
  lesson: 'Adam learns faster than plain SGD: its per-weight step sizes adapt to the gradients, so it reaches a ' +
    'given accuracy in fewer epochs.',
  async run(ctx) {
    const epochs = ctx.quick ? 2 : 5;
    const arms = [
      { name: 'SGD lr 0.01', make: (p: ReturnType<typeof recipeModel>) => new SGD(p.parameters(), { lr: 0.01 }) },
      { name: `Adam lr ${RECIPE.lr}`, make: (p: ReturnType<typeof recipeModel>) => new Adam(p.parameters(), { lr: RECIPE.lr }) },
    ];
    const runs = [];
    for (const arm of arms) {
      const model = recipeModel();
      runs.push({ name: arm.name, ...(await trainOnMnist(ctx, { model, optimizer: arm.make(model), epochs, batchSize: RECIPE.batchSize })) });
    }
    const [sgd, adam] = runs as [typeof runs[0], typeof runs[0]];
    const figure = await writeAccuracyChart(ctx.dir, 'optimizer', {
      title: 'SGD vs Adam: test accuracy per epoch', xTitle: 'epoch', yTitle: 'test accuracy', points: true,
      series: runs.map((r) => ({ name: r.name, x: epochsAxis(epochs), y: r.testAccuracy })),
    });
    // The first epoch at which SGD matches Adam's first-epoch accuracy, if it ever does.
    const catchUp = sgd.testAccuracy.findIndex((a) => a >= adam.testAccuracy[0]!);
    const verdict = compareArms({
      favoured: last(adam.testAccuracy), other: last(sgd.testAccuracy), testImages: ctx.data('test').x.shape[0]!, quick: ctx.quick,
      shown: `Adam learns faster: ${pct(last(adam.testAccuracy))} against ${pct(last(sgd.testAccuracy))} for SGD after ${epochs} epochs; ` +
        (catchUp < 0 ? `SGD never reached Adam's first-epoch ${pct(adam.testAccuracy[0]!)}.` : `SGD needed ${catchUp + 1} epochs to match Adam's first.`),
      notShown: `SGD did as well or better here: ${pct(last(sgd.testAccuracy))} against ${pct(last(adam.testAccuracy))} for Adam after ${epochs} epochs.`,
      tooClose: `Too close to tell: Adam ${pct(last(adam.testAccuracy))}, SGD ${pct(last(sgd.testAccuracy))} after ${epochs} epochs.`,
    });
    return {
      verdict,
      figures: [figure],
      table: {
        headers: ['optimizer', ...epochsAxis(epochs).map((e) => `test acc. epoch ${e}`)],
        rows: runs.map((r) => [r.name, ...r.testAccuracy.map(pct)]),
      },
      numbers: Object.fromEntries(runs.map((r) => [r.name, r.testAccuracy])),
    };
  },
};

// Scaling: the same sigmoid MLP on raw pixels (0..255) and on pixels / 255. Raw inputs push the first
// layer's pre-activations far into the sigmoid's flat tails, where its gradient is almost zero: the
// experiment measures that share of saturated units at initialisation as well as the accuracy reached.

import { noGrad, type Tensor } from '@nabla/core';
import { Sigmoid, type Sequential } from '@nabla/layers';
import { Adam } from '@nabla/optimizers';
import { writeAccuracyChart } from '../charts.js';
import { RECIPE, buildMlp } from '../recipe.js';
import { type Experiment, compareArms, epochsAxis, last, pct, seeded, trainOnMnist, upperFirst } from './common.js';

/** |pre-activation| above this puts a sigmoid where its derivative is below 0.018. */
const SATURATED = 4;

/** Share of the first layer's pre-activations that are saturated, on the first 256 samples. */
function saturation(model: Sequential, x: Tensor): number {
  const rows = Math.min(256, x.shape[0]!);
  const z = noGrad(() => model.at(0).forward(x.slice(0, 0, rows))).data();
  let count = 0;
  for (let i = 0; i < z.length; i++) if (Math.abs(z[i]!) > SATURATED) count++;
  return count / z.length;
}

export const scaling: Experiment = {
  id: 'scaling',
  title: 'Input scaling',
  question: 'Does dividing the pixels by 255 matter for a sigmoid MLP?',
  lesson: 'Scale the inputs: raw pixels (0..255) drive sigmoid units into their flat tails, where the gradient ' +
    'vanishes, so the network learns worse than on pixels / 255.',
  async run(ctx) {
    const epochs = ctx.quick ? 2 : 3;
    const arms = [{ name: 'raw pixels 0..255', raw: true }, { name: 'pixels / 255', raw: false }];
    const runs = [];
    for (const arm of arms) {
      const model = seeded(() => buildMlp(RECIPE.layers, () => new Sigmoid()));
      const saturated = saturation(model, ctx.data('train', arm.raw).x);
      const optimizer = new Adam(model.parameters(), { lr: RECIPE.lr });
      runs.push({ ...arm, saturated, ...(await trainOnMnist(ctx, { model, optimizer, epochs, batchSize: RECIPE.batchSize, raw: arm.raw })) });
    }
    const [raw, scaled] = runs as [typeof runs[0], typeof runs[0]];
    const figure = await writeAccuracyChart(ctx.dir, 'scaling', {
      title: 'Sigmoid MLP: raw vs scaled pixels', xTitle: 'epoch', yTitle: 'test accuracy', points: true,
      series: runs.map((r) => ({ name: r.name, x: epochsAxis(epochs), y: r.testAccuracy })),
    });
    const mechanism = `raw pixels saturate ${pct(raw.saturated)} of the first layer's sigmoids at initialisation (|z| > ${SATURATED}), ` +
      `scaled pixels ${pct(scaled.saturated)}.`;
    const accuracies = `${pct(last(scaled.testAccuracy))} scaled against ${pct(last(raw.testAccuracy))} raw after ${epochs} epochs`;
    const judged = compareArms({
      favoured: last(scaled.testAccuracy), other: last(raw.testAccuracy), testImages: ctx.data('test').x.shape[0]!, quick: ctx.quick,
      shown: `Scaled inputs learn better: ${accuracies}.`,
      notShown: `Raw pixels did as well or better here (${accuracies}). A likely reason: on MNIST the saturated units ` +
        'still act as on/off pixel detectors that the later layers, trained by Adam, can learn from.',
      tooClose: `The accuracies are too close to tell apart on this test set (${accuracies}).`,
    });
    const verdict = { outcome: judged.outcome, text: `${upperFirst(mechanism)} ${judged.text}` };
    return {
      verdict,
      figures: [figure],
      table: {
        headers: ['inputs', 'saturated at init', ...epochsAxis(epochs).map((e) => `test acc. epoch ${e}`), 'final train loss'],
        rows: runs.map((r) => [r.name, pct(r.saturated), ...r.testAccuracy.map(pct), last(r.history.series('loss')).toFixed(4)]),
      },
      numbers: Object.fromEntries(runs.map((r) => [r.raw ? 'raw' : 'scaled', { saturated: r.saturated, testAccuracy: r.testAccuracy, loss: r.history.series('loss') }])),
    };
  },
};

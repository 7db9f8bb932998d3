// Vanishing gradients: a deep stack of sigmoid layers against the same stack with ReLU, gradient norm of
// each layer's weights at initialisation on one batch. sigmoid' <= 0.25, so each layer shrinks the gradient.

import type { Module } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { ReLU, Sigmoid } from '@nabla/layers';
import { writeLineChart } from '../charts.js';
import { buildMlp } from '../recipe.js';
import { type Experiment, norm, seeded } from './common.js';

const HIDDEN_LAYERS = 10;
const WIDTH = 64;

/** Gradient norm of every Linear weight, first layer first, after one backward pass on a batch. */
function gradientNorms(model: Module, x: Parameters<Module['forward']>[0], y: Parameters<Module['forward']>[0]): number[] {
  model.zeroGrad();
  new CrossEntropyLoss().forward(model.forward(x), y).backward();
  return model.namedParameters().filter(([name]) => name.endsWith('weight')).map(([, p]) => norm(p.grad!));
}

export const vanishing: Experiment = {
  id: 'vanishing',
  title: 'Vanishing gradients',
  question: `In a ${HIDDEN_LAYERS + 1}-layer MLP, how much gradient reaches the first layer with sigmoid, and with ReLU?`,
  async run(ctx) {
    const train = ctx.data('train');
    const rows = Math.min(256, train.x.shape[0]!);
    const x = train.x.slice(0, 0, rows);
    const y = train.y.slice(0, 0, rows);
    const sizes = [784, ...Array<number>(HIDDEN_LAYERS).fill(WIDTH), 10];
    const arms = [{ name: 'sigmoid', act: () => new Sigmoid() }, { name: 'ReLU', act: () => new ReLU() }];
    const runs = arms.map((arm) => {
      const model = seeded(() => buildMlp(sizes, arm.act));
      const norms = gradientNorms(model, x, y);
      return { name: arm.name, norms, ratio: norms[0]! / norms[norms.length - 1]! };
    });
    const layers = runs[0]!.norms.map((_, i) => i + 1);
    const figure = await writeLineChart(ctx.dir, 'vanishing', {
      title: 'Gradient norm per layer at initialisation', xTitle: 'layer (1 = nearest the input)', yTitle: '‖∂loss/∂W‖ (log scale)',
      logY: true, points: true, series: runs.map((r) => ({ name: r.name, x: layers, y: r.norms })),
    });
    const [sig, relu] = runs as [typeof runs[0], typeof runs[0]];
    const verdict = sig.ratio < relu.ratio / 10
      ? `Gradients vanish through sigmoid layers: the first layer gets ${sig.ratio.toExponential(1)} of the last layer's gradient norm with sigmoid, ${relu.ratio.toExponential(1)} with ReLU.`
      : `No clear vanishing here: first/last gradient norm ${sig.ratio.toExponential(1)} with sigmoid, ${relu.ratio.toExponential(1)} with ReLU.`;
    return {
      verdict,
      figures: [figure],
      table: {
        headers: ['activation', 'first layer', 'last layer', 'first / last'],
        rows: runs.map((r) => [r.name, r.norms[0]!.toExponential(2), r.norms[r.norms.length - 1]!.toExponential(2), r.ratio.toExponential(1)]),
      },
      numbers: Object.fromEntries(runs.map((r) => [r.name, r.norms])),
    };
  },
};

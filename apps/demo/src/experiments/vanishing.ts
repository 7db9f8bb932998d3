// Vanishing gradients: a deep stack of sigmoid layers against the same stack with ReLU, gradient norm of
// each layer's weights at initialisation on one batch. sigmoid' <= 0.25, so each sigmoid layer shrinks the
// gradient. ReLU's derivative is 1 where a unit is on, but half the units are off and the default
// initialisation (PyTorch's, U(±1/√fan_in), variance 1/(3·fan_in)) shrinks the signal by about √6 per layer,
// so ReLU loses gradient too; He initialisation (variance 2/fan_in) is what keeps it. All three are measured.

import { kaimingNormal, Linear, ReLU, Sigmoid, type Sequential } from '@nabla/layers';
import { writeLineChart } from '../charts.js';
import { type Experiment, type Verdict, head, seeded } from './common.js';
import { HIDDEN_LAYERS, deepStack, gradientNorms, perLayerFactor } from './deepStack.js';

function heInitialised(model: Sequential): Sequential {
  for (const m of model.modules()) if (m instanceof Linear) kaimingNormal(m.weight, { nonlinearity: 'relu' });
  return model;
}

export interface VanishingArm {
  name: string;
  norms: number[];
}

const ratio = (a: VanishingArm): number => a.norms[0]! / a.norms[a.norms.length - 1]!;

export function vanishingVerdict(sigmoid: VanishingArm, relu: VanishingArm, he: VanishingArm): Verdict {
  const describe = (a: VanishingArm): string =>
    `${ratio(a).toExponential(1)} of the last layer's gradient norm (×${perLayerFactor(a.norms).toFixed(2)} per layer)`;
  const sig = `With sigmoid the first layer gets ${describe(sigmoid)}.`;
  const reluText = ratio(relu) < 0.1
    ? ` ReLU with the default initialisation loses gradient as well, though far less: ${describe(relu)}, because half its units are ` +
      'off and the default weights shrink the signal at every layer.'
    : ` ReLU with the default initialisation keeps it: ${describe(relu)}.`;
  const heText = ` With He initialisation, ReLU's first layer gets ${describe(he)}.`;
  const shown = ratio(sigmoid) < ratio(relu) / 100;
  return shown
    ? { outcome: 'shown', text: `Gradients vanish through sigmoid layers. ${sig}${reluText}${heText}` }
    : { outcome: 'not-shown', text: `No clear vanishing through sigmoid here compared with ReLU. ${sig}${reluText}${heText}` };
}

export const vanishing: Experiment = {
  id: 'vanishing',
  title: 'Vanishing gradients',
  question: `In a ${HIDDEN_LAYERS + 1}-layer MLP, how much gradient reaches the first layer with sigmoid, and with ReLU?`,
  lesson: "Sigmoid's derivative is at most 0.25, so in a deep sigmoid network the gradient shrinks layer by layer and " +
    'the first layers barely learn; ReLU, whose derivative is 1 where it is active, keeps far more of it.',
  async run(ctx) {
    const batch = head(ctx.data('train'), 256);
    const arms: { name: string; build: () => Sequential }[] = [
      { name: 'sigmoid', build: () => deepStack(() => new Sigmoid()) },
      { name: 'ReLU (default init)', build: () => deepStack(() => new ReLU()) },
      { name: 'ReLU (He init)', build: () => heInitialised(deepStack(() => new ReLU())) },
    ];
    const runs: VanishingArm[] = arms.map((arm) => ({ name: arm.name, norms: gradientNorms(seeded(arm.build), batch.x, batch.y) }));
    const layers = runs[0]!.norms.map((_, i) => i + 1);
    const figure = await writeLineChart(ctx.dir, 'vanishing', {
      title: 'Gradient norm per layer at initialisation', xTitle: 'layer (1 = nearest the input)', yTitle: '‖∂loss/∂W‖ (log scale)',
      logY: true, points: true, series: runs.map((r) => ({ name: r.name, x: layers, y: r.norms })),
    });
    const [sigmoid, relu, he] = runs as [VanishingArm, VanishingArm, VanishingArm];
    return {
      // Gradients at initialisation need no training, so a quick run measures them as well as a full one.
      verdict: vanishingVerdict(sigmoid, relu, he),
      figures: [figure],
      table: {
        headers: ['activation', 'first layer', 'last layer', 'first / last', 'factor per layer'],
        rows: runs.map((r) => [r.name, r.norms[0]!.toExponential(2), r.norms[r.norms.length - 1]!.toExponential(2), ratio(r).toExponential(1),
          perLayerFactor(r.norms).toFixed(2)]),
      },
      numbers: Object.fromEntries(runs.map((r) => [r.name, r.norms])),
    };
  },
};

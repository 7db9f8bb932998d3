// Batch normalization against vanishing gradients: a deep stack of sigmoid layers with and without a
// BatchNorm1d before each sigmoid, trained with plain SGD (Adam would rescale the small gradients and hide
// the effect). BatchNorm keeps each sigmoid's input centred with unit spread, inside its steep middle, so
// the gradient survives the trip back through the layers. Measured: the gradient norm per layer at
// initialisation, and test accuracy during training, so the time to a given accuracy can be read off.

import { Sigmoid } from '@nabla/layers';
import { SGD } from '@nabla/optimizers';
import { writeAccuracyChart, writeLineChart } from '../charts.js';
import { QUICK_CAVEAT, type Experiment, type ExperimentContext, type Verdict, accuracyOn, head, last, pct, seeded, trainOnMnist } from './common.js';
import { deepStack, gradientNorms } from './deepStack.js';

const HIDDEN = 8;
const LR = 0.1;
const BATCH = 64;
/** The accuracy whose time to reach is compared. */
export const TARGET_ACCURACY = 0.85;
/** Test images the accuracy during training is measured on (a fixed slice: the same for both arms). */
const PROBE_IMAGES = 2_000;

export interface BatchNormArm {
  name: string;
  norms: number[];
  /** Test accuracy (on the probe slice) after each `every` steps. */
  curve: { step: number; accuracy: number }[];
  steps: number;
  /** Training seconds (probes excluded) up to the first probe at or above TARGET_ACCURACY, or null. */
  secondsToTarget: number | null;
  stepsToTarget: number | null;
  finalAccuracy: number;
}

async function trainArm(ctx: ExperimentContext, name: string, batchNorm: boolean, epochs: number, every: number): Promise<BatchNormArm> {
  const model = seeded(() => deepStack(() => new Sigmoid(), { hidden: HIDDEN, batchNorm }));
  const train = ctx.data('train');
  const batch = head(train, 256);
  const norms = gradientNorms(model, batch.x, batch.y);
  const probe = head(ctx.data('test'), PROBE_IMAGES);
  const curve = [{ step: 0, accuracy: accuracyOn(model, probe) }];
  let probeSeconds = 0;
  let target: { step: number; seconds: number } | null = null;
  const start = performance.now();
  const r = await trainOnMnist(ctx, {
    model, optimizer: new SGD(model.parameters(), { lr: LR }), epochs, batchSize: BATCH,
    callbacks: [{
      onBatchEnd(logs) {
        const step = logs.globalStep + 1;
        if (step % every !== 0) return;
        const t0 = performance.now();
        const trainingSeconds = (t0 - start) / 1000 - probeSeconds;
        const accuracy = accuracyOn(model, probe);
        probeSeconds += (performance.now() - t0) / 1000;
        curve.push({ step, accuracy });
        if (!target && accuracy >= TARGET_ACCURACY) target = { step, seconds: trainingSeconds };
      },
    }],
  });
  const reached = target as { step: number; seconds: number } | null;
  return {
    name, norms, curve, steps: r.history.stepLoss.length,
    stepsToTarget: reached?.step ?? null, secondsToTarget: reached?.seconds ?? null,
    finalAccuracy: last(r.testAccuracy),
  };
}

function reachText(arm: BatchNormArm): string {
  return arm.stepsToTarget !== null
    ? `reaches ${pct(TARGET_ACCURACY)} after ${arm.stepsToTarget} steps (${arm.secondsToTarget!.toFixed(1)} s)`
    : `does not reach ${pct(TARGET_ACCURACY)} in ${arm.steps} steps (${pct(arm.finalAccuracy)} at the end)`;
}

export function batchNormVerdict(plain: BatchNormArm, bn: BatchNormArm, quick: boolean): Verdict {
  const ratio = (a: BatchNormArm): number => a.norms[0]! / last(a.norms);
  const gradients = `At initialisation the first sigmoid layer gets ${ratio(plain).toExponential(1)} of the last layer's gradient norm ` +
    `without BatchNorm and ${ratio(bn).toExponential(1)} with it.`;
  const training = `With plain SGD (lr ${LR}), the network with BatchNorm ${reachText(bn)}; without it, it ${reachText(plain)}.`;
  if (quick) return { outcome: 'inconclusive', text: `${gradients} ${QUICK_CAVEAT} So far: ${training}` };
  const keepsGradient = ratio(bn) > 10 * ratio(plain);
  const faster = bn.stepsToTarget !== null && (plain.stepsToTarget === null || bn.stepsToTarget < plain.stepsToTarget);
  const text = `${gradients} ${training}`;
  if (keepsGradient && faster) return { outcome: 'shown', text };
  const missing = [keepsGradient ? '' : 'BatchNorm did not keep clearly more gradient in the first layer', faster ? '' : 'it did not reach the target accuracy sooner']
    .filter(Boolean).join(', and ');
  return { outcome: 'not-shown', text: `${text} Not as the lesson says: ${missing}.` };
}

export const batchNorm: Experiment = {
  id: 'batch-norm',
  title: 'Batch normalization',
  question: `In a ${HIDDEN + 1}-layer sigmoid MLP trained with SGD, does BatchNorm1d keep the gradient alive and so reach a given accuracy sooner?`,
  lesson: "BatchNorm keeps each layer's inputs out of the sigmoid's saturated range, which avoids vanishing gradients, " +
    'so a deep sigmoid network trains where it would otherwise stall.',
  async run(ctx) {
    const epochs = ctx.quick ? 2 : 1;
    const every = ctx.quick ? 4 : 50;
    const plain = await trainArm(ctx, 'sigmoid, no BatchNorm', false, epochs, every);
    const bn = await trainArm(ctx, 'sigmoid with BatchNorm', true, epochs, every);
    const layers = plain.norms.map((_, i) => i + 1);
    const figures = [
      await writeLineChart(ctx.dir, 'batch-norm-gradients', {
        title: 'Gradient norm per layer at initialisation', xTitle: 'layer (1 = nearest the input)', yTitle: '‖∂loss/∂W‖ (log scale)',
        logY: true, points: true, series: [plain, bn].map((a) => ({ name: a.name, x: layers, y: a.norms })),
      }),
      await writeAccuracyChart(ctx.dir, 'batch-norm-accuracy', {
        title: `Test accuracy while training (first ${Math.min(PROBE_IMAGES, ctx.data('test').x.shape[0]!)} test images)`, xTitle: 'SGD step', yTitle: 'test accuracy',
        series: [plain, bn].map((a) => ({ name: a.name, x: a.curve.map((c) => c.step), y: a.curve.map((c) => c.accuracy) })),
      }),
    ];
    return {
      verdict: batchNormVerdict(plain, bn, ctx.quick),
      figures,
      table: {
        headers: ['model', 'first-layer gradient', 'last-layer gradient', 'first / last', `steps to ${pct(TARGET_ACCURACY)}`, `seconds to ${pct(TARGET_ACCURACY)}`, 'final test accuracy'],
        rows: [plain, bn].map((a) => [a.name, a.norms[0]!.toExponential(2), last(a.norms).toExponential(2), (a.norms[0]! / last(a.norms)).toExponential(1),
          a.stepsToTarget ?? `not in ${a.steps}`, a.secondsToTarget === null ? '-' : a.secondsToTarget.toFixed(1), pct(a.finalAccuracy)]),
      },
      numbers: Object.fromEntries([plain, bn].map((a) => [a.name, { norms: a.norms, curve: a.curve, stepsToTarget: a.stepsToTarget, secondsToTarget: a.secondsToTarget, finalAccuracy: a.finalAccuracy }])),
    };
  },
};

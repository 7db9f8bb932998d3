// Gallery: the seven activations and their derivatives (taken by autograd, not by formula), and the losses
// as functions of the prediction for a positive target. Every curve comes from the library's own modules.

import { Tensor, linspace, ones, stack, sub, zeros, type NestedArray } from '@nabla/core';
import { ELU, LeakyReLU, PReLU, ReLU, Sigmoid, Swish, Tanh, type Module } from '@nabla/layers';
import {
  BCELoss, BCEWithLogitsLoss, CategoricalCrossEntropyLoss, CrossEntropyLoss, HingeLoss, HuberLoss, LogLoss, MAELoss, MSELoss,
} from '@nabla/losses';
import { writeLineChart, type Series } from '../charts.js';
import type { Experiment } from './common.js';

const ACTIVATIONS: [string, () => Module][] = [
  ['sigmoid', () => new Sigmoid()],
  ['tanh', () => new Tanh()],
  ['ReLU', () => new ReLU()],
  ['LeakyReLU(0.1)', () => new LeakyReLU({ alpha: 0.1 })],
  ['ELU(1)', () => new ELU({ alpha: 1 })],
  ['swish', () => new Swish()],
  ['PReLU(0.25)', () => new PReLU({ init: 0.25 })],
];

export interface Curve {
  name: string;
  x: number[];
  y: number[];
}

/** Each activation's values and autograd derivative over [-4, 4]. */
export function activationCurves(points = 161): { values: Curve[]; derivatives: Curve[] } {
  const values: Curve[] = [];
  const derivatives: Curve[] = [];
  for (const [name, make] of ACTIVATIONS) {
    const x = linspace(-4, 4, points).reshape([points, 1]).detach().requiresGrad_();
    const y = make().forward(x);
    y.sum().backward();
    const xs = Array.from(x.data());
    values.push({ name, x: xs, y: Array.from(y.data()) });
    derivatives.push({ name, x: xs, y: Array.from(x.grad!.data()) });
  }
  return { values, derivatives };
}

type Target = Tensor | NestedArray;
interface LossCase {
  name: string;
  /** 'score' losses take a raw score z, 'probability' losses a probability p of the positive class. */
  kind: 'score' | 'probability';
  value(pred: Tensor): Tensor;
}

function lossCases(n: number): LossCase[] {
  const one: Target = ones([n]);
  const none = { reduction: 'none' as const };
  return [
    { name: 'MSE', kind: 'score', value: (z) => new MSELoss(none).forward(z, one) },
    { name: 'MAE', kind: 'score', value: (z) => new MAELoss(none).forward(z, one) },
    { name: 'Huber(1)', kind: 'score', value: (z) => new HuberLoss({ ...none, delta: 1 }).forward(z, one) },
    { name: 'hinge', kind: 'score', value: (z) => new HingeLoss(none).forward(z, one) },
    { name: 'BCE with logits', kind: 'score', value: (z) => new BCEWithLogitsLoss(none).forward(z, one) },
    // Two classes, logits [z, 0], target class 0: the softmax form of the same question.
    { name: 'cross-entropy', kind: 'score', value: (z) => new CrossEntropyLoss(none).forward(stack([z, zeros([n])], 1), new Tensor(new Float32Array(n), [n])) },
    { name: 'BCE', kind: 'probability', value: (p) => new BCELoss(none).forward(p, one) },
    { name: 'log loss', kind: 'probability', value: (p) => new LogLoss(none).forward(p, one) },
    { name: 'categorical CE', kind: 'probability', value: (p) => new CategoricalCrossEntropyLoss(none).forward(stack([p, sub(1, p)], 1), stack([ones([n]), zeros([n])], 1)) },
  ];
}

/** Each loss over its prediction range, for a positive target (1, or class 0 of two). */
export function lossCurves(points = 121): { score: Curve[]; probability: Curve[] } {
  const z = linspace(-3, 3, points);
  const p = linspace(0.01, 0.99, points);
  const score: Curve[] = [];
  const probability: Curve[] = [];
  for (const c of lossCases(points)) {
    const pred = c.kind === 'score' ? z : p;
    const curve = { name: c.name, x: Array.from(pred.data()), y: Array.from(c.value(pred).data()) };
    (c.kind === 'score' ? score : probability).push(curve);
  }
  return { score, probability };
}

const at = (c: Curve, x: number): number => c.y[c.x.reduce((best, v, i) => (Math.abs(v - x) < Math.abs(c.x[best]! - x) ? i : best), 0)]!;
const maxOf = (c: Curve): number => Math.max(...c.y);
const byName = (cs: Curve[], name: string): Curve => cs.find((c) => c.name === name)!;

export const gallery: Experiment = {
  id: 'gallery',
  title: 'Activations and losses',
  question: 'What do the seven activations, their derivatives and the losses look like?',
  async run(ctx) {
    const act = activationCurves();
    const losses = lossCurves();
    const series = (cs: Curve[]): Series[] => cs.map((c) => ({ name: c.name, x: c.x, y: c.y }));
    const figures = [
      await writeLineChart(ctx.dir, 'activations', { title: 'Activations', xTitle: 'x', yTitle: 'f(x)', series: series(act.values) }),
      await writeLineChart(ctx.dir, 'activation-derivatives', { title: "Derivatives (by autograd)", xTitle: 'x', yTitle: "f'(x)", series: series(act.derivatives) }),
      await writeLineChart(ctx.dir, 'losses-score', { title: 'Losses of a score z (target 1)', xTitle: 'prediction z', yTitle: 'loss', series: series(losses.score) }),
      await writeLineChart(ctx.dir, 'losses-probability', { title: 'Losses of a probability p (target 1)', xTitle: 'predicted probability p', yTitle: 'loss', series: series(losses.probability) }),
    ];
    const peak = (name: string): number => maxOf(byName(act.derivatives, name));
    const bce = byName(losses.probability, 'BCE');
    const verdict = `Sigmoid's derivative never exceeds ${peak('sigmoid').toFixed(3)} (tanh's ${peak('tanh').toFixed(2)}, ReLU's ${peak('ReLU').toFixed(2)}), ` +
      `so each sigmoid layer shrinks gradients; for a confident wrong answer the log losses punish hardest ` +
      `(BCE ${at(bce, 0.01).toFixed(2)} at p = 0.01, MSE ${at(byName(losses.score, 'MSE'), -3).toFixed(1)} and hinge ${at(byName(losses.score, 'hinge'), -3).toFixed(1)} at z = -3).`;
    return {
      verdict,
      figures,
      table: {
        headers: ['activation', 'f(-2)', 'f(2)', "max f'", "f'(-2)", "f'(0.5)"],
        rows: act.values.map((v, i) => {
          const d = act.derivatives[i]!;
          return [v.name, at(v, -2).toFixed(3), at(v, 2).toFixed(3), maxOf(d).toFixed(3), at(d, -2).toFixed(3), at(d, 0.5).toFixed(3)];
        }),
      },
      numbers: {
        maxDerivative: Object.fromEntries(act.derivatives.map((d) => [d.name, maxOf(d)])),
        lossAtWrong: Object.fromEntries([...losses.score.map((c) => [c.name, at(c, -3)]), ...losses.probability.map((c) => [c.name, at(c, 0.01)])]),
      },
    };
  },
};

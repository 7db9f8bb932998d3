// Gallery: the seven activations and their derivatives (taken by autograd, not by formula), and the losses
// as functions of the prediction for a positive target. Every curve comes from the library's own modules.
// Losses that are the same function (BCE, log loss and two-class categorical CE; BCE with logits and
// two-class cross-entropy) are found by comparing their values and drawn as one entry that names them all.

import { Tensor, linspace, ones, stack, sub, zeros, type NestedArray } from '@nabla/core';
import { ELU, LeakyReLU, PReLU, ReLU, Sigmoid, Swish, Tanh, type Module } from '@nabla/layers';
import {
  BCELoss, BCEWithLogitsLoss, CategoricalCrossEntropyLoss, CrossEntropyLoss, HingeLoss, HuberLoss, LogLoss, MAELoss, MSELoss,
} from '@nabla/losses';
import { writeLineChart, writePanelChart, type Series } from '../charts.js';
import type { Experiment, Verdict } from './common.js';

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
    // The regression losses applied to the probability itself: what "MSE on a sigmoid output" punishes.
    { name: 'MSE of p', kind: 'probability', value: (p) => new MSELoss(none).forward(p, one) },
    { name: 'MAE of p', kind: 'probability', value: (p) => new MAELoss(none).forward(p, one) },
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

/** Curves with the same values (to 1e-5, relative) merged into one, named "a = b = c". */
export function mergeIdentical(curves: readonly Curve[]): Curve[] {
  const same = (a: Curve, b: Curve): boolean => a.y.every((v, i) => Math.abs(v - b.y[i]!) <= 1e-5 * Math.max(1, Math.abs(v)));
  const groups: Curve[][] = [];
  for (const c of curves) {
    const group = groups.find((g) => same(g[0]!, c));
    if (group) group.push(c);
    else groups.push([c]);
  }
  return groups.map((g) => ({ ...g[0]!, name: g.map((c) => c.name).join(' = ') }));
}

/**
 * Pairs of curves that are equal over part of the range (hinge and MAE below z = 1), as "a = b for x from u to
 * v": one line would hide the other there, so the figure says so.
 */
export function partialOverlaps(curves: readonly Curve[], axis: string): string[] {
  const notes: string[] = [];
  for (let i = 0; i < curves.length; i++) {
    for (let j = i + 1; j < curves.length; j++) {
      const a = curves[i]!;
      const b = curves[j]!;
      const equal = a.x.map((_, k) => Math.abs(a.y[k]! - b.y[k]!) <= 1e-5 * Math.max(1, Math.abs(a.y[k]!)));
      const count = equal.filter(Boolean).length;
      if (count === equal.length || count < equal.length / 5) continue;
      const first = equal.indexOf(true);
      const last = equal.lastIndexOf(true);
      notes.push(`${a.name} = ${b.name} for ${axis} from ${a.x[first]!.toFixed(1)} to ${a.x[last]!.toFixed(1)}`);
    }
  }
  return notes;
}

export interface GalleryNumbers {
  maxDerivative: Record<string, number>;
  /** Loss at a confidently wrong probability (p = 0.01 for target 1). */
  atWrongProbability: Record<string, number>;
  /** Loss at a wrong score (z = -3 for target 1). */
  atWrongScore: Record<string, number>;
}

export function galleryVerdict(n: GalleryNumbers): Verdict {
  const sigmoidPeak = n.maxDerivative.sigmoid!;
  const others = Object.entries(n.maxDerivative).filter(([name]) => name !== 'sigmoid');
  const steepest = others.reduce((a, b) => (b[1] > a[1] ? b : a));
  const p = n.atWrongProbability;
  const log = p.BCE!;
  const regression = Math.max(p['MSE of p']!, p['MAE of p']!);
  const z = Object.entries(n.atWrongScore).sort((a, b) => b[1] - a[1]);
  const fmt = ([name, v]: [string, number]): string => `${name} ${v.toFixed(2)}`;
  const text = `Sigmoid's derivative never exceeds ${sigmoidPeak.toFixed(3)} (${steepest[0]}'s reaches ${steepest[1].toFixed(2)}), so every ` +
    `sigmoid layer multiplies the gradient by a quarter at most. For a confidently wrong probability (p = 0.01, target 1) the log ` +
    `losses give ${log.toFixed(2)} and grow without bound as p -> 0, while MSE and MAE of the same probability stay below 1 ` +
    `(${p['MSE of p']!.toFixed(2)}, ${p['MAE of p']!.toFixed(2)}). On raw scores the order is different: at z = -3, ${z.map(fmt).join(', ')}; ` +
    `MSE grows fastest there because it is quadratic in z.`;
  const shown = sigmoidPeak <= 0.2501 && log > 2 * regression;
  return { outcome: shown ? 'shown' : 'not-shown', text };
}

export const gallery: Experiment = {
  id: 'gallery',
  title: 'Activations and losses',
  question: 'What do the seven activations, their derivatives and the losses look like?',
  lesson: "Sigmoid's derivative is at most 0.25; the log losses punish a confident wrong probability far harder than " +
    'squared or absolute error of that probability.',
  async run(ctx) {
    const act = activationCurves();
    const losses = lossCurves();
    const score = mergeIdentical(losses.score);
    const probability = mergeIdentical(losses.probability);
    const scoreOverlaps = partialOverlaps(score, 'z');
    const series = (cs: Curve[]): Series[] => cs.map((c) => ({ name: c.name, x: c.x, y: c.y }));
    const figures = [
      await writePanelChart(ctx.dir, 'activations', {
        title: 'Activations f(x) and their derivatives f\'(x), taken by autograd', xTitle: 'x', yTitle: 'value',
        panels: act.values.map((v, i) => ({
          name: v.name,
          series: [{ name: 'f(x)', x: v.x, y: v.y }, { name: "f'(x)", x: act.derivatives[i]!.x, y: act.derivatives[i]!.y }],
        })),
      }),
      await writeLineChart(ctx.dir, 'losses-score', {
        title: 'Losses of a score z (target 1)', xTitle: 'prediction z', yTitle: 'loss', series: series(score), xTicks: [-3, -2, -1, 0, 1, 2, 3],
        ...(scoreOverlaps.length > 0 ? { subtitle: `The curves coincide where ${scoreOverlaps.join('; ')}.` } : {}),
      }),
      await writeLineChart(ctx.dir, 'losses-probability', { title: 'Losses of a probability p (target 1)', xTitle: 'predicted probability p', yTitle: 'loss', series: series(probability) }),
    ];
    const numbers: GalleryNumbers = {
      maxDerivative: Object.fromEntries(act.derivatives.map((d) => [d.name, maxOf(d)])),
      atWrongProbability: Object.fromEntries(losses.probability.map((c) => [c.name, at(c, 0.01)])),
      atWrongScore: Object.fromEntries(score.map((c) => [c.name, at(c, -3)])),
    };
    return {
      verdict: galleryVerdict(numbers),
      figures,
      table: {
        headers: ['activation', 'f(-2)', 'f(2)', "max f'", "f'(-2)", "f'(0.5)"],
        rows: act.values.map((v, i) => {
          const d = act.derivatives[i]!;
          return [v.name, at(v, -2).toFixed(3), at(v, 2).toFixed(3), maxOf(d).toFixed(3), at(d, -2).toFixed(3), at(d, 0.5).toFixed(3)];
        }),
      },
      numbers: { ...numbers, identical: [...score, ...probability].map((c) => c.name).filter((name) => name.includes(' = ')) },
    };
  },
};

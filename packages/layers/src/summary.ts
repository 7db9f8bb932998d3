// Module.summary(): a Keras-style table of the leaf layers, their output shapes and parameter counts.
// Output shapes come from one forward pass over zeros (batch of 2, eval mode, no autograd), watched by
// temporarily wrapping each leaf's forward, and through Sequential's fused path, which reports the layers it
// runs as one op.

import { NablaError, noGrad, zeros, type Tensor } from '@nabla/core';
import type { Module } from './module.js';
import { markObserver, setFusedObserver } from './fusion.js';

const BATCH = 2;

function leaves(root: Module): [string, Module][] {
  const all = root.namedModules();
  const leafList = all.filter(([, m]) => m.namedChildren().length === 0);
  return leafList.length > 0 ? leafList : all;
}

/** The input width read from the first layer when it declares one (Linear's inFeatures, BatchNorm's numFeatures). */
function inferInputShape(first: Module | undefined): number[] | undefined {
  const record = first as unknown as Record<string, unknown> | undefined;
  for (const key of ['inFeatures', 'numFeatures']) {
    const v = record?.[key];
    if (typeof v === 'number') return [v];
  }
  return undefined;
}

function outputShapes(
  root: Module, layers: [string, Module][], inputShape: readonly number[], strict: boolean,
): Map<Module, string> {
  const shapes = new Map<Module, string>();
  const modes = root.modules().map((m) => [m, m.training] as const);
  const wrapped: Module[] = [];
  const see = (m: Module, y: Tensor): void => {
    shapes.set(m, `[-1, ${y.shape.slice(1).join(', ')}]`.replace(', ]', ']'));
  };
  try {
    for (const [, m] of layers) {
      const original = m.forward;
      Object.defineProperty(m, 'forward', {
        configurable: true,
        writable: true,
        value: markObserver((...xs: Tensor[]): Tensor => {
          const y = original.apply(m, xs);
          see(m, y);
          return y;
        }, original),
      });
      wrapped.push(m);
    }
    root.eval();
    setFusedObserver(see);
    noGrad(() => root.forward(zeros([BATCH, ...inputShape])));
  } catch (err) {
    if (!strict) return new Map();
    throw new NablaError(
      `summary: the forward pass over an input of shape [-1, ${inputShape.join(', ')}] failed: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    setFusedObserver(null);
    for (const m of wrapped) delete (m as { forward?: unknown }).forward;
    for (const [m, mode] of modes) m.training = mode;
  }
  return shapes;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => cell.padEnd(widths[c]!)).join('   ').trimEnd();
  const rule = (ch: string): string => ch.repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  return [line(rows[0]!), rule('='), ...rows.slice(1).map(line), rule('=')].join('\n');
}

/** The table; with `strict`, a forward pass that fails is an error, else its shapes are shown as '?'. */
export function summarize(root: Module, inputShape: readonly number[] | undefined, strict: boolean): string {
  const layers = leaves(root);
  const shape = inputShape ?? inferInputShape(layers[0]?.[1]);
  const shapes = shape ? outputShapes(root, layers, shape, strict) : new Map<Module, string>();
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const rows = [['Layer (type)', 'Output Shape', 'Param #']];
  for (const [name, m] of layers) {
    rows.push([name ? `${name} (${m.constructor.name})` : m.constructor.name, shapes.get(m) ?? '?', fmt(m.countParameters())]);
  }
  const total = root.countParameters();
  const trainable = root.countParameters(true);
  return [
    `${root.constructor.name}${shape && shapes.size > 0 ? ` (input [-1, ${shape.join(', ')}])` : ''}`,
    table(rows),
    `Total params: ${fmt(total)}`,
    `Trainable params: ${fmt(trainable)}`,
    `Non-trainable params: ${fmt(total - trainable)}`,
  ].join('\n');
}

// Initializers that fill a tensor in place (like torch.nn.init.*_), drawing from the seeded generator.
// Fans follow PyTorch: for a weight of shape [out, in, ...rest], fanIn = in * prod(rest), fanOut = out * prod(rest).

import { NablaError, ValueError, defaultGenerator, describeValue, fmtShape, type Generator, type Tensor } from '@nabla/core';

export type FanMode = 'fanIn' | 'fanOut';
export type Nonlinearity = 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

export function computeFans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.rank < 2) {
    throw new ValueError(`init: fan in and fan out need a tensor with at least 2 dimensions, got shape ${fmtShape(t.shape)}`);
  }
  const receptive = t.shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/** The recommended gain for a nonlinearity (PyTorch's calculate_gain); `param` is leakyRelu's slope. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(`calculateGain: unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/** Writes values from `sample` into every element of t (t must own contiguous storage, as parameters do). */
function fill(t: Tensor, sample: () => number): Tensor {
  if (!t.isContiguous) throw new NablaError(`init: tensor of shape ${fmtShape(t.shape)} is not contiguous`);
  const values = new Float32Array(t.size);
  for (let i = 0; i < values.length; i++) values[i] = sample();
  return t.copy_(values);
}

export interface RandomInitOptions {
  generator?: Generator;
}

export function uniform(t: Tensor, low = 0, high = 1, options: RandomInitOptions = {}): Tensor {
  finite('init.uniform', 'low', low);
  finite('init.uniform', 'high', high);
  if (!(high >= low)) throw new ValueError(`init.uniform: high (${high}) must not be below low (${low})`);
  const g = generatorOf('init.uniform', options);
  return fill(t, () => low + (high - low) * g.uniform());
}

export function normal(t: Tensor, mean = 0, std = 1, options: RandomInitOptions = {}): Tensor {
  finite('init.normal', 'mean', mean);
  if (!(std >= 0 && std < Infinity)) throw new ValueError(`init.normal: std must be a finite number >= 0, got ${std}`);
  const g = generatorOf('init.normal', options);
  return fill(t, () => mean + std * g.normal());
}

export function constant(t: Tensor, value: number): Tensor {
  finite('init.constant', 'value', value);
  return fill(t, () => value);
}

/** A NaN or infinite bound, mean or value would fill the weights with NaN or Infinity without a word. */
function finite(where: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ValueError(`${where}: ${name} must be a finite number, got ${typeof v === 'number' ? v : describeValue(v)}`);
  }
}

/** The options' generator (anything with uniform() and normal()), or the global one. */
function generatorOf(where: string, options: RandomInitOptions): Generator {
  const g: unknown = options?.generator;
  if (g === undefined) return defaultGenerator();
  const ok = g !== null && typeof g === 'object' && typeof (g as Generator).uniform === 'function' && typeof (g as Generator).normal === 'function';
  if (!ok) throw new ValueError(`${where}: generator must be a Generator (new Generator(seed)), got ${describeValue(g)}`);
  return g as Generator;
}

export const zeros = (t: Tensor): Tensor => constant(t, 0);
export const ones = (t: Tensor): Tensor => constant(t, 1);

export interface KaimingOptions extends RandomInitOptions {
  /** Negative slope of the leaky ReLU that follows (PyTorch's `a`, default 0). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const fans = computeFans(t);
  const fan = (options.mode ?? 'fanIn') === 'fanIn' ? fans.fanIn : fans.fanOut;
  if (fan === 0) throw new ValueError(`init: cannot initialise an empty tensor of shape ${fmtShape(t.shape)}`);
  return calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform(t, -bound, bound, options);
}

/** He normal: N(0, (gain / sqrt(fan))²). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, options), options);
}

export interface XavierOptions extends RandomInitOptions {
  gain?: number;
}

function xavierStd(t: Tensor, options: XavierOptions): number {
  const { fanIn, fanOut } = computeFans(t);
  if (fanIn + fanOut === 0) throw new ValueError(`init: cannot initialise an empty tensor of shape ${fmtShape(t.shape)}`);
  return (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd(t, options);
  return uniform(t, -bound, bound, options);
}

/** Glorot normal: N(0, gain² * 2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  return normal(t, 0, xavierStd(t, options), options);
}

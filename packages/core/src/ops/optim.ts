// In-place optimizer steps: the backend's fused kernel when it has one, else a composition of primitives
// that writes into the parameter and state arrays (elementwise primitives allow out to alias an input).
// Every array is a contiguous Float32Array of the parameter's size.

import type {
  AdagradStepArgs, AdamStepArgs, BinaryOp, RmspropStepArgs, SgdStepArgs, UnaryOp, View,
} from '../backend.js';
import { ValueError } from '../errors.js';
import { getBackend } from '../registry.js';

type Operand = Float32Array | number;

/** Elementwise out = a op b over flat arrays (numbers broadcast). */
function bin(op: BinaryOp, a: Operand, b: Operand, out: Float32Array): void {
  const shape = [out.length];
  const view = (x: Operand): View =>
    typeof x === 'number'
      ? { storage: Float32Array.of(x), shape, strides: [0], offset: 0 }
      : { storage: x, shape, strides: [1], offset: 0 };
  getBackend().binary(op, view(a), view(b), out);
}

function un(op: UnaryOp, x: Float32Array, out: Float32Array): void {
  getBackend().unary(op, { storage: x, shape: [x.length], strides: [1], offset: 0 }, out);
}

/** out = a * s + b * t */
function axpby(a: Float32Array, s: number, b: Float32Array, t: number, out: Float32Array, tmp: Float32Array): void {
  bin('mul', b, t, tmp);
  bin('mul', a, s, out);
  bin('add', out, tmp, out);
}

// One call per array rather than an object of them: these run for every parameter at every step.
function checkSize(op: string, param: Float32Array, name: string, arr: Float32Array | null): void {
  if (arr !== null && arr.length !== param.length) {
    throw new ValueError(`${op}: ${name} has ${arr.length} elements, the parameter has ${param.length}`);
  }
}

/** The gradient with L2 weight decay folded in (a fresh array when decay applies). */
function decayed(param: Float32Array, grad: Float32Array, weightDecay: number): Float32Array {
  if (weightDecay === 0) return grad;
  const g = new Float32Array(grad.length);
  axpby(param, weightDecay, grad, 1, g, new Float32Array(grad.length));
  return g;
}

export function sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, args: SgdStepArgs): void {
  checkSize('sgdStep', param, 'grad', grad);
  checkSize('sgdStep', param, 'momentumBuf', buf);
  const backend = getBackend();
  if (backend.sgdStep) return backend.sgdStep(param, grad, buf, args);
  let g = decayed(param, grad, args.weightDecay);
  if (args.momentum !== 0 && buf) {
    const tmp = new Float32Array(g.length);
    if (args.firstStep) buf.set(g);
    else axpby(buf, args.momentum, g, 1 - args.dampening, buf, tmp);
    if (args.nesterov) {
      const n = new Float32Array(g.length);
      axpby(g, 1, buf, args.momentum, n, tmp);
      g = n;
    } else g = buf;
  }
  const step = new Float32Array(g.length);
  bin('mul', g, args.lr, step);
  bin('sub', param, step, param);
}

export function adamStep(
  param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array,
  maxExpAvgSq: Float32Array | null, args: AdamStepArgs,
): void {
  checkSize('adamStep', param, 'grad', grad);
  checkSize('adamStep', param, 'expAvg', expAvg);
  checkSize('adamStep', param, 'expAvgSq', expAvgSq);
  checkSize('adamStep', param, 'maxExpAvgSq', maxExpAvgSq);
  const backend = getBackend();
  if (backend.adamStep) return backend.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, args);
  const n = param.length;
  const tmp = new Float32Array(n);
  let g = grad;
  if (args.decoupled) bin('mul', param, 1 - args.lr * args.weightDecay, param);
  else g = decayed(param, grad, args.weightDecay);
  axpby(expAvg, args.beta1, g, 1 - args.beta1, expAvg, tmp);
  const g2 = new Float32Array(n);
  bin('mul', g, g, g2);
  axpby(expAvgSq, args.beta2, g2, 1 - args.beta2, expAvgSq, tmp);
  const bc1 = 1 - args.beta1 ** args.step;
  const bc2 = 1 - args.beta2 ** args.step;
  let second = expAvgSq;
  if (args.amsgrad && maxExpAvgSq) {
    bin('max', maxExpAvgSq, expAvgSq, maxExpAvgSq);
    second = maxExpAvgSq;
  }
  const denom = new Float32Array(n);
  un('sqrt', second, denom);
  bin('div', denom, Math.sqrt(bc2), denom);
  bin('add', denom, args.eps, denom);
  bin('div', expAvg, denom, tmp);
  bin('mul', tmp, args.lr / bc1, tmp);
  bin('sub', param, tmp, param);
}

export function rmspropStep(
  param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuf: Float32Array | null,
  gradAvg: Float32Array | null, args: RmspropStepArgs,
): void {
  checkSize('rmspropStep', param, 'grad', grad);
  checkSize('rmspropStep', param, 'squareAvg', squareAvg);
  checkSize('rmspropStep', param, 'momentumBuf', momentumBuf);
  checkSize('rmspropStep', param, 'gradAvg', gradAvg);
  const backend = getBackend();
  if (backend.rmspropStep) return backend.rmspropStep(param, grad, squareAvg, momentumBuf, gradAvg, args);
  const n = param.length;
  const tmp = new Float32Array(n);
  const g = decayed(param, grad, args.weightDecay);
  const g2 = new Float32Array(n);
  bin('mul', g, g, g2);
  axpby(squareAvg, args.alpha, g2, 1 - args.alpha, squareAvg, tmp);
  const avg = new Float32Array(n);
  if (args.centered && gradAvg) {
    axpby(gradAvg, args.alpha, g, 1 - args.alpha, gradAvg, tmp);
    bin('mul', gradAvg, gradAvg, tmp);
    bin('sub', squareAvg, tmp, avg);
    un('sqrt', avg, avg);
  } else un('sqrt', squareAvg, avg);
  bin('add', avg, args.eps, avg);
  if (args.momentum > 0 && momentumBuf) {
    bin('div', g, avg, tmp);
    axpby(momentumBuf, args.momentum, tmp, 1, momentumBuf, avg);
    bin('mul', momentumBuf, args.lr, tmp);
  } else {
    bin('div', g, avg, tmp);
    bin('mul', tmp, args.lr, tmp);
  }
  bin('sub', param, tmp, param);
}

export function adagradStep(param: Float32Array, grad: Float32Array, stateSum: Float32Array, args: AdagradStepArgs): void {
  checkSize('adagradStep', param, 'grad', grad);
  checkSize('adagradStep', param, 'stateSum', stateSum);
  const backend = getBackend();
  if (backend.adagradStep) return backend.adagradStep(param, grad, stateSum, args);
  const n = param.length;
  const g = decayed(param, grad, args.weightDecay);
  const tmp = new Float32Array(n);
  bin('mul', g, g, tmp);
  bin('add', stateSum, tmp, stateSum);
  un('sqrt', stateSum, tmp);
  bin('add', tmp, args.eps, tmp);
  bin('div', g, tmp, tmp);
  bin('mul', tmp, args.clr, tmp);
  bin('sub', param, tmp, param);
}

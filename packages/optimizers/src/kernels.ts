// In-place optimizer steps: the backend's kernel registered under the step's name when it has one, else a
// composition of primitives that writes into the parameter and state storage (elementwise primitives allow
// out to alias an input). Every storage is dense, of the parameter's size, in the memory of the backend in use.

import {
  ValueError, getBackend, kernel, type AdagradStepArgs, type AdamStepArgs, type Backend, type BinaryOp,
  type RmspropStepArgs, type SgdStepArgs, type Storage, type UnaryOp, type View,
} from '@nabla/core';

type Operand = Storage | number;

/** The composition's scratch storage: taken from the backend's memory and given back when the step ends. */
class Scratch {
  private readonly taken: Storage[] = [];
  constructor(readonly backend: Backend<Storage>, readonly n: number) {}

  take(): Storage {
    const s = this.backend.memory.alloc(this.n);
    this.taken.push(s);
    return s;
  }

  /** A storage holding one number, for a broadcast operand. */
  constant(value: number): Storage {
    const memory = this.backend.memory;
    const values = Float32Array.of(value);
    if (memory.adopt) return memory.adopt(values);
    const s = memory.alloc(1);
    memory.write(s, 0, values);
    this.taken.push(s);
    return s;
  }

  releaseAll(): void {
    for (const s of this.taken) this.backend.memory.release(s);
    this.taken.length = 0;
  }
}

let scratch: Scratch | null = null;

/** Runs a composed step with scratch storage of n elements that is released when it ends. */
function composed(n: number, step: () => void): void {
  scratch = new Scratch(getBackend(), n);
  try {
    step();
  } finally {
    scratch.releaseAll();
    scratch = null;
  }
}

/** Elementwise out = a op b over flat storage (numbers broadcast). */
function bin(op: BinaryOp, a: Operand, b: Operand, out: Storage): void {
  const s = scratch!;
  const shape = [s.n];
  const view = (x: Operand): View<Storage> =>
    typeof x === 'number'
      ? { storage: s.constant(x), shape, strides: [0], offset: 0 }
      : { storage: x, shape, strides: [1], offset: 0 };
  s.backend.binary(op, view(a), view(b), out);
}

function un(op: UnaryOp, x: Storage, out: Storage): void {
  scratch!.backend.unary(op, { storage: x, shape: [scratch!.n], strides: [1], offset: 0 }, out);
}

const temp = (): Storage => scratch!.take();

function copyInto(from: Storage, to: Storage): void {
  scratch!.backend.copy({ storage: from, shape: [scratch!.n], strides: [1], offset: 0 }, to);
}

/** out = a * s + b * t */
function axpby(a: Storage, s: number, b: Storage, t: number, out: Storage, tmp: Storage): void {
  bin('mul', b, t, tmp);
  bin('mul', a, s, out);
  bin('add', out, tmp, out);
}

// One call per array rather than an object of them: these run for every parameter at every step.
function checkSize(op: string, param: Storage, name: string, arr: Storage | null): void {
  if (arr !== null && arr.length !== param.length) {
    throw new ValueError(`${op}: ${name} has ${arr.length} elements, the parameter has ${param.length}`);
  }
}

/** The gradient with L2 weight decay folded in (a fresh array when decay applies). */
function decayed(param: Storage, grad: Storage, weightDecay: number): Storage {
  if (weightDecay === 0) return grad;
  const g = temp();
  axpby(param, weightDecay, grad, 1, g, temp());
  return g;
}

export function sgdStep(param: Storage, grad: Storage, buf: Storage | null, args: SgdStepArgs): void {
  checkSize('sgdStep', param, 'grad', grad);
  checkSize('sgdStep', param, 'momentumBuf', buf);
  const fused = kernel('sgdStep');
  if (fused) return fused(param, grad, buf, args);
  composed(param.length, () => {
    let g = decayed(param, grad, args.weightDecay);
    if (args.momentum !== 0 && buf) {
      const tmp = temp();
      if (args.firstStep) copyInto(g, buf);
      else axpby(buf, args.momentum, g, 1 - args.dampening, buf, tmp);
      if (args.nesterov) {
        const n = temp();
        axpby(g, 1, buf, args.momentum, n, tmp);
        g = n;
      } else g = buf;
    }
    const step = temp();
    bin('mul', g, args.lr, step);
    bin('sub', param, step, param);
  });
}

export function adamStep(
  param: Storage, grad: Storage, expAvg: Storage, expAvgSq: Storage,
  maxExpAvgSq: Storage | null, args: AdamStepArgs,
): void {
  checkSize('adamStep', param, 'grad', grad);
  checkSize('adamStep', param, 'expAvg', expAvg);
  checkSize('adamStep', param, 'expAvgSq', expAvgSq);
  checkSize('adamStep', param, 'maxExpAvgSq', maxExpAvgSq);
  const fused = kernel('adamStep');
  if (fused) return fused(param, grad, expAvg, expAvgSq, maxExpAvgSq, args);
  composed(param.length, () => {
    const tmp = temp();
    let g = grad;
    if (args.decoupled) bin('mul', param, 1 - args.lr * args.weightDecay, param);
    else g = decayed(param, grad, args.weightDecay);
    axpby(expAvg, args.beta1, g, 1 - args.beta1, expAvg, tmp);
    const g2 = temp();
    bin('mul', g, g, g2);
    axpby(expAvgSq, args.beta2, g2, 1 - args.beta2, expAvgSq, tmp);
    const bc1 = 1 - args.beta1 ** args.step;
    const bc2 = 1 - args.beta2 ** args.step;
    let second = expAvgSq;
    if (args.amsgrad && maxExpAvgSq) {
      bin('max', maxExpAvgSq, expAvgSq, maxExpAvgSq);
      second = maxExpAvgSq;
    }
    const denom = temp();
    un('sqrt', second, denom);
    bin('div', denom, Math.sqrt(bc2), denom);
    bin('add', denom, args.eps, denom);
    bin('div', expAvg, denom, tmp);
    bin('mul', tmp, args.lr / bc1, tmp);
    bin('sub', param, tmp, param);
  });
}

export function rmspropStep(
  param: Storage, grad: Storage, squareAvg: Storage, momentumBuf: Storage | null,
  gradAvg: Storage | null, args: RmspropStepArgs,
): void {
  checkSize('rmspropStep', param, 'grad', grad);
  checkSize('rmspropStep', param, 'squareAvg', squareAvg);
  checkSize('rmspropStep', param, 'momentumBuf', momentumBuf);
  checkSize('rmspropStep', param, 'gradAvg', gradAvg);
  const fused = kernel('rmspropStep');
  if (fused) return fused(param, grad, squareAvg, momentumBuf, gradAvg, args);
  composed(param.length, () => {
    const tmp = temp();
    const g = decayed(param, grad, args.weightDecay);
    const g2 = temp();
    bin('mul', g, g, g2);
    axpby(squareAvg, args.alpha, g2, 1 - args.alpha, squareAvg, tmp);
    const avg = temp();
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
  });
}

export function adagradStep(param: Storage, grad: Storage, stateSum: Storage, args: AdagradStepArgs): void {
  checkSize('adagradStep', param, 'grad', grad);
  checkSize('adagradStep', param, 'stateSum', stateSum);
  const fused = kernel('adagradStep');
  if (fused) return fused(param, grad, stateSum, args);
  composed(param.length, () => {
    const g = decayed(param, grad, args.weightDecay);
    const tmp = temp();
    bin('mul', g, g, tmp);
    bin('add', stateSum, tmp, stateSum);
    un('sqrt', stateSum, tmp);
    bin('add', tmp, args.eps, tmp);
    bin('div', g, tmp, tmp);
    bin('mul', tmp, args.clr, tmp);
    bin('sub', param, tmp, param);
  });
}

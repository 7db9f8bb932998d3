// In-place optimizer steps against float64 references of PyTorch's update rules (state stored as float32
// between steps, as the kernels store it), over several steps and every option, on every ISA.
import { beforeAll, describe, expect, it } from 'vitest';

import { ISAS, backend, expectClose, randomArray, rng, useIsa } from './helpers.js';

// The kernels compute in float32 in PyTorch's order, as torch.optim does; against this float64 reference each
// stored value is off by a few float32 ulps of the intermediate terms, which are of order 1.
const ATOL = 1e-6;

const f = Math.fround;
const N = 1003; // odd: vector tails
const STEPS = 4;

function setup(seed: number): { rand: () => number; param: Float32Array; ref: Float64Array } {
  const rand = rng(seed);
  const param = randomArray(rand, N);
  return { rand, param, ref: Float64Array.from(param) };
}

describe.each(ISAS)('optimizer steps on %s', (isa) => {
  beforeAll(() => useIsa(isa));

  it.each([
    { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0.01 },
    { momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0 },
    { momentum: 0.8, dampening: 0, nesterov: true, weightDecay: 0.05 },
  ])('sgd %o', (o) => {
    const { rand, param, ref } = setup(41);
    const buf = o.momentum ? new Float32Array(N) : null;
    const refBuf = new Float64Array(N);
    for (let step = 1; step <= STEPS; step++) {
      const grad = randomArray(rand, N);
      backend.kernels!.sgdStep!(param, grad, buf, { lr: 0.1, ...o, firstStep: step === 1 });
      for (let i = 0; i < N; i++) {
        let g = grad[i]! + o.weightDecay * ref[i]!;
        if (o.momentum) {
          refBuf[i] = f(step === 1 ? g : o.momentum * refBuf[i]! + (1 - o.dampening) * g);
          g = o.nesterov ? g + o.momentum * refBuf[i]! : refBuf[i]!;
        }
        ref[i] = f(ref[i]! - 0.1 * g);
      }
      expectClose(param, ref, 1e-5, ATOL, `sgd step ${step} param`);
      if (buf) expectClose(buf, refBuf, 1e-5, ATOL, `sgd step ${step} buf`);
    }
  });

  it.each([
    { weightDecay: 0, decoupled: false, amsgrad: false },
    { weightDecay: 0.1, decoupled: false, amsgrad: false },
    { weightDecay: 0.1, decoupled: true, amsgrad: false },
    { weightDecay: 0, decoupled: false, amsgrad: true },
  ])('adam %o', (o) => {
    const { rand, param, ref } = setup(42);
    const [m, v] = [new Float32Array(N), new Float32Array(N)];
    const maxV = o.amsgrad ? new Float32Array(N) : null;
    const [rm, rv, rmax] = [new Float64Array(N), new Float64Array(N), new Float64Array(N)];
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
    for (let step = 1; step <= STEPS; step++) {
      const grad = randomArray(rand, N);
      backend.kernels!.adamStep!(param, grad, m, v, maxV, { lr, beta1: b1, beta2: b2, eps, ...o, step });
      for (let i = 0; i < N; i++) {
        let p = ref[i]!;
        let g = grad[i]!;
        if (o.decoupled) p *= 1 - lr * o.weightDecay;
        else g += o.weightDecay * p;
        rm[i] = f(b1 * rm[i]! + (1 - b1) * g);
        rv[i] = f(b2 * rv[i]! + (1 - b2) * g * g);
        let vhat = rv[i]!;
        if (o.amsgrad) vhat = rmax[i] = Math.max(rmax[i]!, rv[i]!);
        const denom = Math.sqrt(vhat) / Math.sqrt(1 - b2 ** step) + eps;
        ref[i] = f(p - (lr / (1 - b1 ** step)) * (rm[i]! / denom));
      }
      expectClose(param, ref, 1e-5, ATOL, `adam step ${step} param`);
      expectClose(m, rm, 1e-5, ATOL, `adam step ${step} expAvg`);
      expectClose(v, rv, 1e-5, ATOL, `adam step ${step} expAvgSq`);
      if (maxV) expectClose(maxV, rmax, 1e-5, ATOL, `adam step ${step} maxExpAvgSq`);
    }
  });

  it.each([
    { momentum: 0, centered: false, weightDecay: 0 },
    { momentum: 0.9, centered: false, weightDecay: 0.01 },
    { momentum: 0, centered: true, weightDecay: 0 },
    { momentum: 0.5, centered: true, weightDecay: 0.1 },
  ])('rmsprop %o', (o) => {
    const { rand, param, ref } = setup(43);
    const sq = new Float32Array(N);
    const buf = o.momentum ? new Float32Array(N) : null;
    const gAvg = o.centered ? new Float32Array(N) : null;
    const [rsq, rbuf, rg] = [new Float64Array(N), new Float64Array(N), new Float64Array(N)];
    const [lr, alpha, eps] = [0.01, 0.99, 1e-8];
    for (let step = 1; step <= STEPS; step++) {
      const grad = randomArray(rand, N);
      backend.kernels!.rmspropStep!(param, grad, sq, buf, gAvg, { lr, alpha, eps, ...o });
      for (let i = 0; i < N; i++) {
        const g = grad[i]! + o.weightDecay * ref[i]!;
        rsq[i] = f(alpha * rsq[i]! + (1 - alpha) * g * g);
        let avg: number;
        if (o.centered) {
          rg[i] = f(alpha * rg[i]! + (1 - alpha) * g);
          avg = Math.sqrt(rsq[i]! - rg[i]! * rg[i]!) + eps;
        } else {
          avg = Math.sqrt(rsq[i]!) + eps;
        }
        if (o.momentum) {
          rbuf[i] = f(o.momentum * rbuf[i]! + g / avg);
          ref[i] = f(ref[i]! - lr * rbuf[i]!);
        } else {
          ref[i] = f(ref[i]! - (lr * g) / avg);
        }
      }
      expectClose(param, ref, 1e-5, ATOL, `rmsprop step ${step} param`);
      expectClose(sq, rsq, 1e-5, ATOL, `rmsprop step ${step} squareAvg`);
      // g / avg is of order 1/sqrt(1 - alpha) = 10 in the first steps: its ulps are ten times larger.
      if (buf) expectClose(buf, rbuf, 1e-5, 10 * ATOL, `rmsprop step ${step} momentumBuf`);
      if (gAvg) expectClose(gAvg, rg, 1e-5, ATOL, `rmsprop step ${step} gradAvg`);
    }
  });

  it.each([{ weightDecay: 0 }, { weightDecay: 0.1 }])('adagrad %o', (o) => {
    const { rand, param, ref } = setup(44);
    const sum = new Float32Array(N).fill(0.1);
    const rsum = new Float64Array(N).fill(f(0.1));
    for (let step = 1; step <= STEPS; step++) {
      const grad = randomArray(rand, N);
      const clr = 0.05 / (1 + (step - 1) * 0.01);
      backend.kernels!.adagradStep!(param, grad, sum, { clr, eps: 1e-10, ...o });
      for (let i = 0; i < N; i++) {
        const g = grad[i]! + o.weightDecay * ref[i]!;
        rsum[i] = f(rsum[i]! + g * g);
        ref[i] = f(ref[i]! - (clr * g) / (Math.sqrt(rsum[i]!) + 1e-10));
      }
      expectClose(param, ref, 1e-5, ATOL, `adagrad step ${step} param`);
      expectClose(sum, rsum, 1e-5, ATOL, `adagrad step ${step} stateSum`);
    }
  });
});

describe('denormals in optimizer state and GEMMs', () => {
  it('stay denormal (IEEE, like the js backend and PyTorch by default), and JavaScript math keeps them too', () => {
    // Adam's first moment decays by beta1 a step into the denormal range: 1e-39 * 0.9 stays 9e-40.
    const param = Float32Array.of(1, 1);
    const grad = Float32Array.of(0, 0);
    const expAvg = Float32Array.of(1e-39, 1);
    const expAvgSq = Float32Array.of(1, 1);
    backend.kernels!.adamStep!(param, grad, expAvg, expAvgSq, null, {
      lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 2,
    });
    expect(expAvg[0]).toBe(f(f(1e-39) * 0.9));
    expect(expAvg[1]).toBe(f(0.9));
    const c = new Float32Array(1);
    backend.gemm({
      transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, a: Float32Array.of(1e-20), aOffset: 0, lda: 1,
      b: Float32Array.of(1e-20), bOffset: 0, ldb: 1, beta: 0, c, cOffset: 0, ldc: 1,
    });
    expect(c[0]).toBe(f(f(1e-20) * f(1e-20))); // 1e-40 is denormal
    // A denormal double computed now (not folded at compile time) is not zero.
    const tiny = [1e-300][0]!;
    expect(tiny * 1e-10).toBeGreaterThan(0);
    expect(Math.fround(tiny * 1e-10 + 1e-39)).toBeGreaterThan(0);
  });
});

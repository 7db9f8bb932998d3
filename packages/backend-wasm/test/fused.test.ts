import { describe, expect, it } from 'vitest';
import type { Activation } from '@nabla/core';
import { SPECIAL, expectBitwise, js, prng, randArray, upload, wk } from './helpers.js';

const ACTS: Activation[] = ['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'swish'];

function data(seed: number, n: number, scale = 6): Float32Array {
  const rand = prng(seed);
  const a = randArray(rand, n, -scale, scale);
  for (let i = 0; i < SPECIAL.length && i < n; i++) a[i * 3 % n] = SPECIAL[i]!;
  return a;
}

describe('activations', () => {
  it('forward and backward are bitwise equal to backend-js', () => {
    const n = 203;
    const x = data(1, n);
    const dy = data(2, n, 1);
    for (const act of ACTS) {
      const alpha = act === 'elu' ? 1.3 : 0.01;
      const y = new Float32Array(n);
      js.activation(act, alpha, x, y);
      const xs = upload(x), ys = wk.alloc(n);
      wk.activation(act, alpha, xs, ys);
      expectBitwise(wk.read(ys), y, act);
      const dx = new Float32Array(n);
      js.activationBackward(act, alpha, x, y, dy, dx);
      const dxs = wk.alloc(n);
      wk.activationBackward(act, alpha, xs, ys, upload(dy), dxs);
      expectBitwise(wk.read(dxs), dx, `${act} backward`);
    }
  });

  it('prelu and its backward (shared and per-feature slopes) are bitwise equal', () => {
    const rows = 9, features = 7;
    const x = data(3, rows * features), dy = data(4, rows * features, 1);
    for (const a of [Float32Array.of(0.2), randArray(prng(5), features, 0, 0.5)]) {
      const y = new Float32Array(x.length);
      js.prelu(x, a, features, y);
      const ys = wk.alloc(x.length);
      wk.prelu(upload(x), upload(a), features, ys);
      expectBitwise(wk.read(ys), y, 'prelu');
      const dx = new Float32Array(x.length), da = new Float32Array(a.length);
      js.preluBackward(x, a, features, dy, dx, da);
      const dxs = wk.alloc(x.length), das = wk.alloc(a.length);
      wk.preluBackward(upload(x), upload(a), features, upload(dy), dxs, das);
      expectBitwise(wk.read(dxs), dx, 'prelu dx');
      expectBitwise(wk.read(das), da, 'prelu da');
    }
  });
});

describe('linear', () => {
  it('matches backend-js to float32 accuracy, with and without bias and preact', () => {
    const batch = 13, inF = 37, outF = 11;
    const rand = prng(6);
    const x = randArray(rand, batch * inF), w = randArray(rand, outF * inF), b = randArray(rand, outF);
    for (const act of ['identity', 'relu', 'tanh'] as Activation[]) {
      for (const bias of [b, null]) {
        const y = new Float32Array(batch * outF), pre = new Float32Array(batch * outF);
        js.linear(x, w, bias, batch, inF, outF, act, 0, y, pre);
        const ys = wk.alloc(batch * outF), pres = wk.alloc(batch * outF);
        wk.linear(upload(x), upload(w), bias ? upload(bias) : null, batch, inF, outF, act, 0, ys, pres);
        const got = wk.read(ys);
        for (let i = 0; i < y.length; i++) expect(Math.abs(got[i]! - y[i]!)).toBeLessThan(1e-5);
        if (act !== 'identity') {
          const gp = wk.read(pres);
          for (let i = 0; i < y.length; i++) expect(Math.abs(gp[i]! - pre[i]!)).toBeLessThan(1e-5);
        }
      }
    }
  });
});

describe('cross-entropy', () => {
  it('forward and backward are bitwise equal to backend-js', () => {
    const rows = 17, classes = 10;
    const logits = data(7, rows * classes, 20);
    for (let i = 0; i < logits.length; i++) if (!Number.isFinite(logits[i])) logits[i] = 1;
    const targets = Float32Array.from({ length: rows }, (_, r) => (r * 7) % classes);
    const grad = data(8, rows, 1);
    const lp = new Float32Array(rows * classes), loss = new Float32Array(rows);
    js.crossEntropy(logits, targets, rows, classes, lp, loss);
    const lps = wk.alloc(rows * classes), losss = wk.alloc(rows), ts = upload(targets);
    wk.crossEntropy(upload(logits), ts, rows, classes, lps, losss);
    expectBitwise(wk.read(lps), lp, 'logProbs');
    expectBitwise(wk.read(losss), loss, 'loss');
    const d = new Float32Array(rows * classes);
    js.crossEntropyBackward(lp, targets, grad, rows, classes, d);
    const ds = wk.alloc(rows * classes);
    wk.crossEntropyBackward(lps, ts, upload(grad), rows, classes, ds);
    expectBitwise(wk.read(ds), d, 'dlogits');
  });

  it('rejects targets that are not class indices', () => {
    const s = upload([0, 0, 0, 0]);
    expect(() => wk.crossEntropy(s, upload([0, 2.5]), 2, 2, wk.alloc(4), wk.alloc(2))).toThrow(/target 2.5 of row 1/);
  });
});

describe('batchNorm', () => {
  it('forward and backward are bitwise equal to backend-js, with and without affine', () => {
    const rows = 21, features = 6;
    const x = data(9, rows * features, 3).map((v) => (Number.isFinite(v) ? v : 0.5) + 10);
    const gamma = randArray(prng(10), features, 0.5, 1.5), beta = randArray(prng(11), features);
    const dy = data(12, rows * features, 1).map((v) => (Number.isFinite(v) ? v : 0));
    for (const affine of [true, false]) {
      const g = affine ? gamma : null, bt = affine ? beta : null;
      const y = new Float32Array(x.length), mean = new Float32Array(features), inv = new Float32Array(features);
      js.batchNorm(x, g, bt, rows, features, 1e-5, y, mean, inv);
      const xs = upload(x), ys = wk.alloc(x.length), ms = wk.alloc(features), is = wk.alloc(features);
      const gs = g ? upload(g) : null;
      wk.batchNorm(xs, gs, bt ? upload(bt) : null, rows, features, 1e-5, ys, ms, is);
      expectBitwise(wk.read(ys), y, 'y');
      expectBitwise(wk.read(ms), mean, 'mean');
      expectBitwise(wk.read(is), inv, 'invStd');
      const dx = new Float32Array(x.length), dg = new Float32Array(features), db = new Float32Array(features);
      js.batchNormBackward(x, g, mean, inv, dy, rows, features, dx, affine ? dg : null, affine ? db : null);
      const dxs = wk.alloc(x.length), dgs = wk.alloc(features), dbs = wk.alloc(features);
      wk.batchNormBackward(xs, gs, ms, is, upload(dy), rows, features, dxs, affine ? dgs : null, affine ? dbs : null);
      expectBitwise(wk.read(dxs), dx, 'dx');
      if (affine) {
        expectBitwise(wk.read(dgs), dg, 'dgamma');
        expectBitwise(wk.read(dbs), db, 'dbeta');
      }
    }
  });
});

describe('gatherBytes', () => {
  it('gathers rows and divides once per element, as backend-js', () => {
    const rowLength = 11, nRows = 9;
    const src = Uint8Array.from({ length: rowLength * nRows }, (_, i) => (i * 37) % 256);
    const rows = Uint32Array.of(4, 0, 8, 8, 3, 1);
    for (const divisor of [255, 1, 3]) {
      const expected = new Float32Array(4 * rowLength);
      js.kernels.gatherBytes(src, rowLength, rows, 1, 4, divisor, expected);
      const out = wk.alloc(4 * rowLength);
      wk.gatherBytes(src, rowLength, rows, 1, 4, divisor, out);
      expectBitwise(wk.read(out), expected, `divisor ${divisor}`);
    }
    expect(() => wk.gatherBytes(src, rowLength, Uint32Array.of(9), 0, 1, 255, wk.alloc(11))).toThrow(RangeError);
  });
});

describe('optimizer steps', () => {
  const n = 101;
  const init = () => ({ p: data(20, n, 1), g: data(21, n, 1), s1: randArray(prng(22), n, 0, 0.1), s2: randArray(prng(23), n, 0, 0.01), s3: randArray(prng(24), n, 0, 0.02) });
  const clean = (a: Float32Array) => a.map((v) => (Number.isFinite(v) && Math.abs(v) < 1e30 ? v : 0.25));

  function compare(name: string, host: Float32Array[], wasmArrays: ReturnType<typeof upload>[]) {
    host.forEach((h, i) => expectBitwise(wk.read(wasmArrays[i]!), h, `${name} array ${i}`));
  }

  it('sgd (momentum, dampening, nesterov, weight decay, first step) is bitwise equal', () => {
    for (const args of [
      { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false },
      { lr: 0.05, momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 1e-4, firstStep: true },
      { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-2, firstStep: false },
    ]) {
      const { p, g, s1 } = init();
      const [P, G, B] = [clean(p), clean(g), s1];
      const ws = [upload(P), upload(G), upload(B)];
      for (let step = 0; step < 3; step++) {
        js.kernels.sgdStep(P, G, args.momentum ? B : null, args);
        wk.sgdStep(ws[0]!, ws[1]!, args.momentum ? ws[2]! : null, args);
      }
      compare('sgd', [P, B], [ws[0]!, ws[2]!]);
    }
  });

  it('adam and adamw (amsgrad, weight decay) are bitwise equal', () => {
    for (const [decoupled, amsgrad, weightDecay] of [[false, false, 0], [false, true, 0.01], [true, false, 0.01], [true, true, 0]] as const) {
      const { p, g, s1, s2, s3 } = init();
      const host = [clean(p), clean(g), s1, s2, s3];
      const ws = host.map((a) => upload(a));
      for (let step = 1; step <= 3; step++) {
        const args = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupled, amsgrad, step };
        js.kernels.adamStep(host[0]!, host[1]!, host[2]!, host[3]!, amsgrad ? host[4]! : null, args);
        wk.adamStep(ws[0]!, ws[1]!, ws[2]!, ws[3]!, amsgrad ? ws[4]! : null, args);
      }
      compare(`adam ${decoupled} ${amsgrad}`, host, ws);
    }
  });

  it('rmsprop (momentum, centered) and adagrad are bitwise equal', () => {
    for (const [momentum, centered] of [[0, false], [0.9, false], [0, true], [0.5, true]] as const) {
      const { p, g, s1, s2, s3 } = init();
      const host = [clean(p), clean(g), s1, s2, s3.map(() => 0)];
      const ws = host.map((a) => upload(a));
      const args = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0.001, momentum, centered };
      for (let step = 0; step < 3; step++) {
        js.kernels.rmspropStep(host[0]!, host[1]!, host[2]!, momentum ? host[3]! : null, centered ? host[4]! : null, args);
        wk.rmspropStep(ws[0]!, ws[1]!, ws[2]!, momentum ? ws[3]! : null, centered ? ws[4]! : null, args);
      }
      compare(`rmsprop ${momentum} ${centered}`, host, ws);
    }
    const { p, g, s1 } = init();
    const host = [clean(p), clean(g), s1];
    const ws = host.map((a) => upload(a));
    for (let step = 1; step <= 3; step++) {
      const args = { clr: 0.1 / (1 + (step - 1) * 0.01), eps: 1e-10, weightDecay: 0.01 };
      js.kernels.adagradStep(host[0]!, host[1]!, host[2]!, args);
      wk.adagradStep(ws[0]!, ws[1]!, ws[2]!, args);
    }
    compare('adagrad', host, ws);
  });
});

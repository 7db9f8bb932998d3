import { describe, expect, it } from 'vitest';
import type { Activation } from '@nabla/core';
import { activation, activationBackward, prelu, preluBackward } from '../src/activations.js';
import { expectClose, prng, randArray, readGolden, type GoldenTensor } from './helpers.js';

/** Float64 references of each activation and its derivative. */
const REF: Record<Activation, { f: (x: number, a: number) => number; df: (x: number, a: number) => number }> = {
  identity: { f: (x) => x, df: () => 1 },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), df: (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); } },
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 },
  relu: { f: (x) => Math.max(0, x), df: (x) => (x > 0 ? 1 : 0) },
  leakyRelu: { f: (x, a) => (x > 0 ? x : a * x), df: (x, a) => (x > 0 ? 1 : a) },
  elu: { f: (x, a) => (x > 0 ? x : a * (Math.exp(x) - 1)), df: (x, a) => (x > 0 ? 1 : a * Math.exp(x)) },
  swish: { f: (x) => x / (1 + Math.exp(-x)), df: (x) => { const s = 1 / (1 + Math.exp(-x)); return s + x * s * (1 - s); } },
};
const ACTS = Object.keys(REF) as Activation[];

describe('activation and activationBackward', () => {
  const rand = prng(40);
  for (const act of ACTS) {
    for (const n of [0, 1, 17, 1000]) {
      it(`${act} on ${n} elements matches the float64 reference`, () => {
        const alpha = 0.3;
        const x = randArray(rand, n, -6, 6);
        const y = new Float32Array(n);
        activation(act, alpha, x, y);
        expectClose(y, Array.from(x, (v) => REF[act].f(v, alpha)), 1e-6, 1e-7, 'y');
        const dy = randArray(rand, n);
        const dx = new Float32Array(n);
        activationBackward(act, alpha, x, y, dy, dx);
        expectClose(dx, Array.from(x, (v, i) => dy[i]! * REF[act].df(v, alpha)), 1e-5, 1e-6, 'dx');
      });
    }
    it(`${act} backward agrees with central differences of the forward kernel`, () => {
      const alpha = 0.7;
      // Stay away from the kinks of relu-like functions, where a difference quotient straddles two slopes.
      const x = Float32Array.from(randArray(rand, 50, -4, 4), (v) => (Math.abs(v) < 0.05 ? v + 0.2 : v));
      const y = new Float32Array(50);
      activation(act, alpha, x, y);
      const ones = new Float32Array(50).fill(1);
      const dx = new Float32Array(50);
      activationBackward(act, alpha, x, y, ones, dx);
      const h = 1e-2;
      const yp = new Float32Array(1);
      const ym = new Float32Array(1);
      const fd = Array.from(x, (v) => {
        activation(act, alpha, new Float32Array([v + h]), yp);
        activation(act, alpha, new Float32Array([v - h]), ym);
        return (yp[0]! - ym[0]!) / (2 * h);
      });
      expectClose(dx, fd, 1e-3, 1e-3, 'fd');
    });
  }

  it('sigmoid and swish stay finite and exact at large |x|', () => {
    const x = new Float32Array([-1000, -100, 100, 1000]);
    const y = new Float32Array(4);
    activation('sigmoid', 0, x, y);
    expect(Array.from(y)).toEqual([0, Math.fround(1 / (1 + Math.exp(100))), 1, 1]);
    activation('swish', 0, x, y);
    expect(Array.from(y).map((v) => v + 0)).toEqual([0, Math.fround(-100 / (1 + Math.exp(100))), 100, 1000]);
    const dx = new Float32Array(4);
    activationBackward('swish', 0, x, y, new Float32Array(4).fill(1), dx);
    expect(Array.from(dx).every(Number.isFinite)).toBe(true);
  });

  it('rejects an unknown activation and short outputs', () => {
    expect(() => activation('gelu' as Activation, 0, new Float32Array(2), new Float32Array(2))).toThrow(/unknown activation 'gelu'/);
    expect(() => activation('relu', 0, new Float32Array(3), new Float32Array(2))).toThrow(/y has 2 elements, expected at least 3/);
    expect(() => activationBackward('relu', 0, new Float32Array(3), new Float32Array(3), new Float32Array(1), new Float32Array(3))).toThrow(/dy has 1/);
  });
});

describe('prelu', () => {
  const rand = prng(41);
  for (const [rows, features, perFeature] of [[5, 7, true], [5, 7, false], [1, 1, false], [0, 3, true], [64, 33, true]] as const) {
    it(`${rows}x${features} ${perFeature ? 'per-feature' : 'shared'} slope`, () => {
      const n = rows * features;
      const x = randArray(rand, n, -2, 2);
      const a = randArray(rand, perFeature ? features : 1, 0, 0.5);
      const slope = (f: number) => (perFeature ? a[f]! : a[0]!);
      const y = new Float32Array(n);
      prelu(x, a, features, y);
      expectClose(y, Array.from(x, (v, i) => (v > 0 ? v : slope(i % features) * v)), 1e-6, 0, 'y');
      const dy = randArray(rand, n);
      const dx = new Float32Array(n);
      const da = new Float32Array(a.length).fill(99); // must be overwritten, not added to
      preluBackward(x, a, features, dy, dx, da);
      expectClose(dx, Array.from(x, (v, i) => (v > 0 ? dy[i]! : slope(i % features) * dy[i]!)), 1e-6, 0, 'dx');
      const expectedDa = new Array<number>(a.length).fill(0);
      x.forEach((v, i) => { if (v <= 0) expectedDa[perFeature ? i % features : 0]! += v * dy[i]!; });
      expectClose(da, expectedDa, 1e-5, 1e-6, 'da');
    });
  }
  it('rejects a slope of the wrong length', () => {
    expect(() => prelu(new Float32Array(6), new Float32Array(2), 3, new Float32Array(6))).toThrow(/slope has 2 elements, expected 1 or features=3/);
    expect(() => prelu(new Float32Array(7), new Float32Array(1), 3, new Float32Array(7))).toThrow(/not a multiple of features=3/);
  });
});

interface ActivationCase {
  name: string;
  params: { alpha?: number | GoldenTensor; per_feature?: boolean };
  x: GoldenTensor; y: GoldenTensor; dy: GoldenTensor; dx: GoldenTensor; dalpha?: GoldenTensor;
}

const GOLDEN_NAMES: Record<string, Activation> = {
  sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', leaky_relu: 'leakyRelu', elu: 'elu', swish: 'swish',
};

describe('PyTorch reference vectors (activations.json)', () => {
  const { cases } = readGolden<{ cases: ActivationCase[] }>('activations.json');
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.params)}`, () => {
      const x = Float32Array.from(c.x.data);
      const dy = Float32Array.from(c.dy.data);
      const y = new Float32Array(x.length);
      const dx = new Float32Array(x.length);
      if (c.name === 'prelu') {
        const a = Float32Array.from((c.params.alpha as GoldenTensor).data);
        const features = c.x.shape[c.x.shape.length - 1]!;
        const da = new Float32Array(a.length);
        prelu(x, a, features, y);
        preluBackward(x, a, features, dy, dx, da);
        expectClose(da, c.dalpha!.data, 1e-5, 1e-6, 'dalpha');
      } else {
        const act = GOLDEN_NAMES[c.name];
        expect(act, `activation ${c.name}`).toBeDefined();
        const alpha = typeof c.params.alpha === 'number' ? c.params.alpha : 0;
        activation(act!, alpha, x, y);
        activationBackward(act!, alpha, x, y, dy, dx);
      }
      expectClose(y, c.y.data, 1e-5, 1e-6, 'y');
      expectClose(dx, c.dx.data, 1e-5, 1e-6, 'dx');
    });
  }
});

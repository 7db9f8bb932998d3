// The learnable Swish of the README: a layer whose op is written with core's custom-op API (record +
// needsGrad) and checked with gradcheck, on every backend.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, needsGrad, noGrad, ones, randn, record, setBackend, sigmoid, type Tensor } from '@nabla/core';
import { backendsUnderTest } from '@nabla/backend-tests';
import { Linear, Module, Sequential } from '../src/index.js';

/** x · sigmoid(beta · x) with a learned beta: d/dx = s + beta·x·s(1-s), d/dbeta = Σ x²·s(1-s). */
class LearnableSwish extends Module {
  beta = ones([1], { requiresGrad: true }); // a leaf that requires grad: the parameter 'beta'

  forward(x: Tensor): Tensor {
    const beta = this.beta;
    const s = noGrad(() => sigmoid(x.mul(beta)));
    const out = noGrad(() => x.mul(s));
    if (!needsGrad(x, beta)) return out;
    return record(out, 'learnableSwish', [x, beta], (g) => {
      const ds = s.mul(s.neg().add(1));
      return [g.mul(s.add(x.mul(beta).mul(ds))), g.mul(x.mul(x).mul(ds)).sum().reshape([1])];
    });
  }
}

describe.each(backendsUnderTest())('a custom op layer on %s', (backend) => {
  it('LearnableSwish: gradients for the input and for beta pass gradcheck; beta is a parameter', () => {
    setBackend(backend);
    manualSeed(2);
    const act = new LearnableSwish();
    act.beta.data()[0] = 1.5;
    const x = randn([4, 3], { requiresGrad: true });
    // gradcheck perturbs each input in place, beta included, so act may read its own parameter.
    expect(gradcheck((input) => act(input!), [x, act.beta])).toBe(true);
    expect(act.namedParameters().map(([n]) => n)).toEqual(['beta']);
    const model = new Sequential(new Linear(3, 2), new LearnableSwish());
    model(randn(5, 3)).sum().backward();
    expect(model.parameters()).toHaveLength(3);
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
  });
});

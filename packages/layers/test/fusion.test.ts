// Sequential runs Linear + activation as one fused `linear` op: same values and gradients as running the two
// modules one after the other, on every backend; subclasses (which may override forward) are not fused.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { manualSeed, randn, setBackend, type Tensor } from '@nabla/core';
import { assertClose, backendsUnderTest } from '@nabla/backend-tests';
import { ELU, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Swish, Tanh, type Module } from '../src/index.js';

function run(model: Module, x: Tensor): { y: Tensor; grads: Tensor[] } {
  for (const p of model.parameters()) p.grad = null;
  const y = model.forward(x);
  y.mul(y).sum().backward();
  return { y, grads: model.parameters().map((p) => p.grad!) };
}

describe.each(backendsUnderTest())('Sequential fusion on %s', (backend) => {
  for (const make of [() => new ReLU(), () => new Sigmoid(), () => new Tanh(), () => new Swish(),
    () => new LeakyReLU({ alpha: 0.2 }), () => new ELU({ alpha: 0.5 })]) {
    it(`Linear + ${make().constructor.name} matches the unfused pair`, () => {
      setBackend(backend);
      manualSeed(3);
      const linear = new Linear(5, 4);
      const act = make();
      const x = randn([6, 5]);
      const fused = run(new Sequential(linear, act), x);
      const apart = run({ parameters: () => linear.parameters(), forward: (t: Tensor) => act.forward(linear.forward(t)) } as unknown as Module, x);
      assertClose(fused.y, apart.y, 'output', { rtol: 1e-6, atol: 1e-7 });
      fused.grads.forEach((g, i) => assertClose(g, apart.grads[i]!, `grad ${i}`, { rtol: 1e-5, atol: 1e-6 }));
    });
  }

  it('does not fuse a subclass that overrides forward', () => {
    setBackend(backend);
    class Doubled extends ReLU {
      override forward(x: Tensor): Tensor {
        return super.forward(x).mul(2);
      }
    }
    manualSeed(4);
    const model = new Sequential(new Linear(3, 2), new Doubled());
    const x = randn([4, 3]);
    const direct = model.at(1).forward(model.at(0).forward(x));
    expect(Array.from(model.forward(x).data())).toEqual(Array.from(direct.data()));
  });
});

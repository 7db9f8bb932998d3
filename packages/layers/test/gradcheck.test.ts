// Finite-difference checks of every module's gradients (input and parameters) on every backend here.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, it } from 'vitest';
import { Generator, setBackend, type Tensor } from '@nabla/core';
import { backendsUnderTest, gradcheck, randomTensor } from '@nabla/backend-tests';
import {
  BatchNorm1d, ELU, Flatten, dropout, LeakyReLU, Linear, type Module, PReLU, ReLU, Sequential, SiLU, Sigmoid, Swish, Tanh,
} from '../src/index.js';

/** Checks d/dx and d/dparameter of m(x); parameters are passed as gradcheck inputs so it perturbs them too. */
function checkModule(label: string, m: Module, x: Tensor): void {
  const params = m.parameters();
  gradcheck(label, (input) => m(input!), [x, ...params]);
}

for (const backend of backendsUnderTest()) {
  describe(`${backend}: module gradients by finite differences`, () => {
    it('Linear, with and without bias, on 2-d and 3-d input', () => {
      setBackend(backend);
      const gen = new Generator(5);
      checkModule('linear', new Linear(4, 3, { generator: gen }), randomTensor(gen, [5, 4], { requiresGrad: true }));
      checkModule('linear no bias', new Linear(4, 2, { bias: false, generator: gen }), randomTensor(gen, [3, 4], { requiresGrad: true }));
      checkModule('linear 3-d', new Linear(3, 2, { generator: gen }), randomTensor(gen, [2, 2, 3], { requiresGrad: true }));
    });

    it('activations (inputs kept away from the kinks at 0)', () => {
      setBackend(backend);
      const gen = new Generator(6);
      const x = (): Tensor => randomTensor(gen, [3, 4], { awayFromZero: 0.1, requiresGrad: true });
      checkModule('sigmoid', new Sigmoid(), x());
      checkModule('tanh', new Tanh(), x());
      checkModule('relu', new ReLU(), x());
      checkModule('leakyRelu', new LeakyReLU({ alpha: 0.2 }), x());
      checkModule('elu', new ELU({ alpha: 0.7 }), x());
      checkModule('swish', new Swish(), x());
      checkModule('silu', new SiLU(), x());
      checkModule('prelu shared', new PReLU({ init: 0.3 }), x());
      checkModule('prelu per feature', new PReLU({ numParameters: 4 }), x());
      checkModule('prelu 3-d', new PReLU({ numParameters: 3 }), randomTensor(gen, [2, 3, 2], { awayFromZero: 0.1, requiresGrad: true }));
    });

    it('BatchNorm1d in training (batch statistics) and in eval (running statistics), 2-d and 3-d', () => {
      setBackend(backend);
      const gen = new Generator(7);
      const bn = new BatchNorm1d(3);
      bn.weight!.copy_([1.5, -0.5, 2]);
      bn.bias!.copy_([0.1, 0.2, -0.3]);
      // Momentum 0 keeps the running statistics still while gradcheck calls forward many times.
      const frozen = new BatchNorm1d(3, { momentum: 0 });
      frozen.loadStateDict(bn.stateDict());
      checkModule('batchnorm train', frozen, randomTensor(gen, [6, 3], { requiresGrad: true }));
      checkModule('batchnorm train 3-d', frozen, randomTensor(gen, [2, 3, 4], { requiresGrad: true }));
      bn(randomTensor(gen, [8, 3]));
      bn.eval();
      checkModule('batchnorm eval', bn, randomTensor(gen, [4, 3], { requiresGrad: true }));
      checkModule('batchnorm no affine', new BatchNorm1d(3, { affine: false, momentum: 0 }), randomTensor(gen, [5, 3], { requiresGrad: true }));
    });

    it('Dropout in training (the same mask on every call, from a freshly seeded generator)', () => {
      setBackend(backend);
      const gen = new Generator(9);
      gradcheck('dropout', (x) => dropout(x!, 0.3, true, new Generator(5)), [randomTensor(gen, [4, 5], { requiresGrad: true })]);
    });

    it('a Sequential MLP end to end', () => {
      setBackend(backend);
      const gen = new Generator(8);
      const net = new Sequential(
        new Flatten(), new Linear(6, 5, { generator: gen }), new Tanh(), new Linear(5, 4, { generator: gen }),
        new BatchNorm1d(4, { momentum: 0 }), new ELU(), new Linear(4, 2, { generator: gen }),
      );
      checkModule('mlp', net, randomTensor(gen, [5, 2, 3], { requiresGrad: true }));
    });
  });
}

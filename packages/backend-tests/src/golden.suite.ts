// The PyTorch reference vectors that core's ops cover: the MLP case (linear, relu, cross-entropy,
// backward, 20 Adam steps) and the activation functions. Parameters come from each case in the files.

import { describe, expect, it } from 'vitest';
import {
  setBackend, tensor, linear, relu, softmaxCrossEntropy, activation, prelu, type Activation, Tensor,
} from '@nabla/core';
import { assertClose, fromGolden, type GoldenTensor } from './golden.js';
import { loadGolden } from './golden-files.js';

interface MlpGolden {
  x: GoldenTensor; y: number[]; W1: GoldenTensor; b1: GoldenTensor; W2: GoldenTensor; b2: GoldenTensor;
  logits: GoldenTensor; loss: number; dW1: GoldenTensor; db1: GoldenTensor; dW2: GoldenTensor; db2: GoldenTensor;
  [key: string]: unknown;
}

interface ActivationCase {
  name: string;
  params: { alpha?: number | GoldenTensor; per_feature?: boolean };
  x: GoldenTensor; y: GoldenTensor; dy: GoldenTensor; dx: GoldenTensor; dalpha?: GoldenTensor;
}

const activationNames: Record<string, Activation> = {
  sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', leaky_relu: 'leakyRelu', elu: 'elu', swish: 'swish', silu: 'swish',
};

const tol = { rtol: 1e-5, atol: 1e-6 };

export function goldenSuite(name: string): void {
  describe(`${name}: PyTorch reference vectors`, () => {
    const mlp = loadGolden<MlpGolden>('mlp');

    const forward = (params: Tensor[], x: Tensor, y: Tensor): { logits: Tensor; loss: Tensor } => {
      const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
      const logits = linear(relu(linear(x, w1, b1)), w2, b2);
      return { logits, loss: softmaxCrossEntropy(logits, y).mean() };
    };

    it('MLP: logits, loss and every parameter gradient', () => {
      setBackend(name);
      const params = [mlp.W1, mlp.b1, mlp.W2, mlp.b2].map((g) => fromGolden(g, true));
      const { logits, loss } = forward(params, fromGolden(mlp.x), tensor(mlp.y));
      loss.backward();
      assertClose(logits, mlp.logits, 'mlp logits', tol);
      assertClose([loss.item()], [mlp.loss], 'mlp loss', tol);
      [mlp.dW1, mlp.db1, mlp.dW2, mlp.db2].forEach((g, i) => assertClose(params[i]!.grad!, g, `mlp grad ${['W1', 'b1', 'W2', 'b2'][i]}`, tol));
    });

    // The 20-step Adam curve of this MLP is checked by @nabla/optimizers, where the Adam step lives.

    const { cases } = loadGolden<{ cases: ActivationCase[] }>('activations');
    for (const c of cases) {
      it(`activation ${c.name} ${JSON.stringify(c.params)}: forward and input gradient`, () => {
        setBackend(name);
        const x = fromGolden(c.x, true);
        let y: Tensor;
        let alpha: Tensor | null = null;
        if (c.name === 'prelu') {
          alpha = fromGolden(c.params.alpha as GoldenTensor, true);
          y = prelu(x, alpha);
        } else {
          const act = activationNames[c.name];
          expect(act, `unknown activation ${c.name} in the golden file`).toBeDefined();
          y = activation(x, act!, typeof c.params.alpha === 'number' ? c.params.alpha : 0);
        }
        y.backward(fromGolden(c.dy));
        assertClose(y, c.y, `${c.name} y`, tol);
        assertClose(x.grad!, c.dx, `${c.name} dx`, tol);
        if (c.dalpha) assertClose(alpha!.grad!, c.dalpha, `${c.name} dalpha`, tol);
      });
    }
  });
}

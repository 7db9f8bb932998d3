// Memory reuse must never be visible: storage recycled after a backward pass (released to the backend's
// memory) never backs a gradient, a retained gradient or a tensor the user holds, and a Linear layer's weight
// gradient added straight into an existing .grad (one GEMM with beta = 1) equals the gradient computed on its
// own. The shapes are large enough for host memory to pool them (small arrays are not pooled).

import { describe, expect, it } from 'vitest';
import {
  setBackend, getBackend, tensor, linear, softmaxCrossEntropy, matmul, Generator, hostMemory, Tensor,
} from '@nabla/core';
import { assertClose } from './golden.js';
import { randomTensor } from './random.js';

const snapshot = (t: Tensor): number[] => Array.from(t.data());

export function memorySuite(name: string): void {
  describe(`${name}: recycled buffers and gradients accumulated in place`, () => {
    const gen = new Generator(5);

    function mlpLoss(x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, y: Tensor): { loss: Tensor; h: Tensor } {
      const h = linear(x, w1, b1, 'relu');
      return { loss: softmaxCrossEntropy(linear(h, w2, b2), y).mean(), h };
    }

    it('gradients, retained gradients and held tensors keep their values while later steps reuse memory', () => {
      setBackend(name);
      const host = getBackend().memory === hostMemory;
      const released = hostMemory.stats.released;
      const x = randomTensor(gen, [64, 40]);
      const y = tensor(Array.from({ length: 64 }, (_, i) => i % 5));
      const params = [[40, 40], [40], [5, 40], [5]].map((s) => randomTensor(gen, s).requiresGrad_());
      const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
      const { loss, h } = mlpLoss(x, w1, b1, w2, b2, y);
      h.retainGrad();
      loss.backward();
      if (host) expect(hostMemory.stats.released).toBeGreaterThan(released); // the pass left temporaries to reuse
      const grads = params.map((p) => p.grad!);
      const kept = [...grads.map(snapshot), snapshot(h.grad!), snapshot(h), snapshot(loss)];
      // More steps of the same shapes: each takes the recycled buffers and writes them.
      for (let step = 0; step < 4; step++) {
        const q = params.map((p) => p.detach().add(0.5).requiresGrad_());
        const again = mlpLoss(randomTensor(gen, [64, 40]), q[0]!, q[1]!, q[2]!, q[3]!, y);
        again.loss.backward();
        matmul(again.h, q[2]!.detach().T); // forward ops outside backward take recycled buffers too
      }
      expect([...grads.map(snapshot), snapshot(h.grad!), snapshot(h), snapshot(loss)]).toEqual(kept);
      params.forEach((p, i) => expect(p.grad).toBe(grads[i]));
    });

    it('a weight gradient added straight into an existing .grad equals the fresh one, and accumulates', () => {
      setBackend(name);
      const x = randomTensor(gen, [9, 6]);
      const w0 = randomTensor(gen, [4, 6]);
      const b0 = randomTensor(gen, [4]);
      const dy = randomTensor(gen, [9, 4]);
      for (const act of ['identity', 'relu', 'tanh'] as const) {
        const w = w0.detach().requiresGrad_();
        const b = b0.detach().requiresGrad_();
        linear(x, w, b, act).backward(dy); // .grad is null: a fresh gradient, adopted
        const fresh = snapshot(w.grad!);
        const buffer = w.grad!;
        getBackend().fill(buffer.storage, 0, 0, buffer.size); // what zeroGrad({ setToNone: false }) does
        linear(x, w, b, act).backward(dy); // added into the zeroed buffer
        expect(w.grad).toBe(buffer);
        assertClose(w.grad!, tensor(fresh, [4, 6]), `${act}: in place vs fresh`, { rtol: 0, atol: 0 });
        linear(x, w, b, act).backward(dy); // no zeroing: gradients accumulate, as in PyTorch
        assertClose(w.grad!, tensor(fresh.map((v) => 2 * v), [4, 6]), `${act}: accumulated`, { rtol: 1e-6, atol: 1e-7 });
      }
      // One weight used by two layers, with a .grad of ones already there: both contributions are added to
      // it, as the same graph through plain matmul (no in-place path) gives.
      const u = randomTensor(gen, [4, 6]);
      const dOut = randomTensor(gen, [9, 4]);
      const ones = (): Tensor => tensor(new Float32Array(24).fill(1), [4, 6]);
      const w4 = w0.detach().requiresGrad_();
      w4.grad = ones();
      linear(matmul(linear(x, w4), u), w4).backward(dOut);
      const w3 = w0.detach().requiresGrad_();
      w3.grad = ones();
      matmul(matmul(matmul(x, w3.T), u), w3.T).backward(dOut);
      assertClose(w4.grad!, w3.grad!, 'shared weight: in place vs matmul', { rtol: 1e-5, atol: 1e-6 });
    });
  });
}

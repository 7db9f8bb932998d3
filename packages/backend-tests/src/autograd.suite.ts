// Autograd conventions every backend shares: backward frees the graph unless retainGraph is passed (a second
// backward through it is an error, as in PyTorch), and the custom-op API (record + needsGrad) with gradcheck.

import { describe, expect, it } from 'vitest';
import {
  GradcheckError, NablaError, Tensor, getBackend, gradcheck, linear, manualSeed, needsGrad, noGrad, randn, record, setBackend, sigmoid,
  tensor,
} from '@nabla/core';

/** The custom op of core's README: softplus(x) = log(1 + exp(x)), stable, with derivative sigmoid(x). */
export function softplus(x: Tensor): Tensor {
  const out = noGrad(() => x.relu().add(x.abs().neg().exp().add(1).log()));
  if (needsGrad(x)) record(out, 'softplus', [x], (g) => [g.mul(sigmoid(x))]);
  return out;
}

/** Counts the storage released to the backend's memory from now on. */
function countReleases(): () => number {
  const memory = getBackend().memory;
  const release = memory.release.bind(memory);
  let count = 0;
  memory.release = (s): void => {
    count++;
    release(s);
  };
  return () => {
    delete (memory as { release?: unknown }).release; // back to the class's own method
    return count;
  };
}

export function autogradSuite(name: string): void {
  describe(`${name}: freed graphs and custom ops`, () => {
    it('a second backward through the same graph throws and names retainGraph; the first gradients stay', () => {
      setBackend(name);
      const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
      const y = x.mul(x).sum();
      y.backward();
      expect(x.grad!.toArray()).toEqual([2, 4, 6]);
      expect(() => y.backward()).toThrow(NablaError);
      expect(() => y.backward()).toThrow(/second time \(through 'sum'\).*Pass \{ retainGraph: true \}/);
      expect(x.grad!.toArray()).toEqual([2, 4, 6]);
      // The refused pass left the record of temporaries as it was: the next pass releases its own.
      const released = countReleases();
      const z = randn([64, 64], { requiresGrad: true });
      z.mul(z).mul(z).sum().backward();
      expect(released()).toBeGreaterThan(0);
    });

    it('post-accumulate hooks see each leaf once, with its final gradient, before backward returns', () => {
      setBackend(name);
      const a = tensor([1, 2], undefined, { requiresGrad: true });
      const b = tensor([3, 4], undefined, { requiresGrad: true });
      const seen: [string, number[]][] = [];
      const handle = a.registerPostAccumulateGradHook((t) => seen.push(['a', t.grad!.toArray() as number[]]));
      b.registerPostAccumulateGradHook((t) => seen.push(['b', t.grad!.toArray() as number[]]));
      // a is used twice: its hook runs once, after both contributions are summed.
      a.mul(b).add(a.mul(a)).sum().backward();
      expect(seen.map(([n]) => n).sort()).toEqual(['a', 'b']);
      expect(seen.find(([n]) => n === 'a')![1]).toEqual([3 + 2, 4 + 4]);
      expect(seen.find(([n]) => n === 'b')![1]).toEqual([1, 2]);
      handle.remove();
      seen.length = 0;
      a.mul(b).sum().backward();
      expect(seen.map(([n]) => n)).toEqual(['b']);
      expect(() => a.mul(2).registerPostAccumulateGradHook(() => undefined)).toThrow(/only leaf tensors/);
      expect(() => a.registerPostAccumulateGradHook(5 as never)).toThrow(TypeError);
    });

    it('post-accumulate hooks also run for a weight whose gradient linear adds into its .grad in place', () => {
      setBackend(name);
      const x = tensor([[1, 2], [3, 4]]);
      const w = tensor([[1, 0], [0, 1], [1, 1]], undefined, { requiresGrad: true });
      const b = tensor([0, 0, 0], undefined, { requiresGrad: true });
      const seen: number[][][] = [];
      w.registerPostAccumulateGradHook((t) => seen.push(t.grad!.toArray() as number[][]));
      for (let step = 0; step < 2; step++) {
        // zeroGrad without dropping the buffer (as optimizers do): the in-place path
        if (w.grad) getBackend().fill(w.grad.storage, 0, w.grad.offset, w.grad.size);
        linear(x, w, b).sum().backward();
      }
      expect(seen).toEqual([[[4, 6], [4, 6], [4, 6]], [[4, 6], [4, 6], [4, 6]]]);
    });

    it('with retainGraph the graph runs again and gradients accumulate, as in PyTorch', () => {
      setBackend(name);
      const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
      const y = x.mul(x).sum();
      y.backward(undefined, { retainGraph: true });
      y.backward({ retainGraph: true });
      expect(x.grad!.toArray()).toEqual([4, 8, 12]);
      y.backward();
      expect(x.grad!.toArray()).toEqual([6, 12, 18]);
      expect(() => y.backward()).toThrow(/retainGraph/);
    });

    it('a graph that shares a freed part is refused before any gradient changes', () => {
      setBackend(name);
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      const h = x.mul(3);
      h.sum().backward();
      const other = h.mean();
      expect(() => other.backward()).toThrow(/through 'mul'/);
      expect(x.grad!.toArray()).toEqual([3, 3]);
    });

    it('freeing drops what each node saved (its inputs and backward closure), so memory can be reclaimed', () => {
      setBackend(name);
      const x = randn([4, 3], { requiresGrad: true });
      const h = x.relu().mul(2);
      const loss = h.sum();
      expect(h.gradFn!.inputs.length).toBe(2);
      loss.backward();
      expect(h.gradFn!.inputs.length).toBe(0);
      expect(loss.gradFn!.inputs.length).toBe(0);
      expect(h.gradFn!.name).toBe('mul');
    });

    it('the custom op of the README: softplus passes gradcheck and matches log(1 + exp(x))', () => {
      setBackend(name);
      manualSeed(1);
      const x = randn([3, 4], { requiresGrad: true });
      expect(gradcheck(softplus, [x])).toBe(true);
      const direct = noGrad(() => x.exp().add(1).log());
      const values = softplus(x).data();
      direct.data().forEach((v, i) => expect(values[i]).toBeCloseTo(v, 5));
      expect(softplus(tensor([-100, 100])).toArray()).toEqual([0, 100]);
    });

    it('gradcheck finds a wrong backward and names the input and element', () => {
      setBackend(name);
      const wrong = (x: Tensor): Tensor => {
        const out = noGrad(() => x.mul(x));
        return record(out, 'square', [x], (g) => [g.mul(x)]); // should be 2 * g * x
      };
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      expect(() => gradcheck(wrong, [x], { name: 'square' })).toThrow(GradcheckError);
      expect(() => gradcheck(wrong, [x], { name: 'square' })).toThrow(/square: input 0 element 0: autograd gives/);
      expect(() => gradcheck(wrong, [tensor([1])])).toThrow(/no input requires grad/);
      expect(() => gradcheck(wrong, [[1, 2] as never])).toThrow(/gradcheck: inputs\[0\] must be a Tensor/);
    });
  });
}

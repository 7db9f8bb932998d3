// Forward hooks (PyTorch's register_forward_pre_hook / register_forward_hook), what they do to Sequential's
// fusion, and summary() over fused layers, on every backend.
import '@nabla/backend-js';
import '@nabla/backend-native';
import { describe, expect, it } from 'vitest';
import { manualSeed, randn, setBackend, tensor, type Tensor } from '@nabla/core';
import { backendsUnderTest } from '@nabla/backend-tests';
import { BatchNorm1d, Dropout, Linear, ReLU, Sequential, Tanh, type Module } from '../src/index.js';

describe.each(backendsUnderTest())('forward hooks on %s', (backend) => {
  it('a post-hook on a Linear before an activation sees the Linear\'s own output (the pair is not fused)', () => {
    setBackend(backend);
    manualSeed(5);
    const lin = new Linear(4, 3);
    const model = new Sequential(lin, new ReLU());
    const seen: Tensor[] = [];
    const handle = lin.registerForwardHook((_m, _inputs, out) => void seen.push(out));
    const x = randn(8, 4);
    const y = model(x);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.shape).toEqual([8, 3]);
    expect(Math.min(...seen[0]!.data())).toBeLessThan(0); // before the ReLU
    expect(Array.from(y.data())).toEqual(Array.from(seen[0]!.data()).map((v) => Math.max(v, 0)));
    expect(lin.canFuse()).toBe(false);
    handle.remove();
    handle.remove();
    expect(lin.canFuse()).toBe(true);
    model(x);
    expect(seen).toHaveLength(1);
  });

  it('a hook on the activation runs too, and hooks may replace inputs and outputs', () => {
    setBackend(backend);
    const act = new Tanh();
    const lin = new Linear(2, 2);
    const model = new Sequential(lin, act);
    const calls: string[] = [];
    act.registerForwardPreHook((m, inputs) => {
      calls.push(`pre ${m.constructor.name} ${inputs[0]!.shape.join('x')}`);
      return inputs[0]!.mul(0);
    });
    act.registerForwardHook((_m, _inputs, out) => {
      calls.push('post');
      return out.add(1);
    });
    expect(model(randn(3, 2)).toArray()).toEqual([[1, 1], [1, 1], [1, 1]]);
    expect(calls).toEqual(['pre Tanh 3x2', 'post']);
  });

  it('hooks run when a module is called, not when forward is called directly (as PyTorch)', () => {
    setBackend(backend);
    const lin = new Linear(2, 1);
    let count = 0;
    lin.registerForwardHook(() => void count++);
    lin(randn(1, 2));
    lin.forward(randn(1, 2));
    expect(count).toBe(1);
    expect(() => lin.registerForwardHook(5 as never)).toThrow(/Linear.registerForwardHook: the hook must be a function, got number/);
  });

  it('a forward replaced on the instance, or overridden in a subclass, runs instead of the fused op', () => {
    setBackend(backend);
    const lin = new Linear(2, 2);
    const original = lin.forward;
    let wrapped = 0;
    lin.forward = (x: Tensor): Tensor => {
      wrapped++;
      return original.call(lin, x);
    };
    new Sequential(lin, new ReLU())(randn(2, 2));
    expect(wrapped).toBe(1);
    class Scaled extends Linear {
      override forward(x: Tensor): Tensor {
        return super.forward(x).mul(2);
      }
    }
    class Plain extends Linear {}
    expect(new Scaled(2, 2).canFuse()).toBe(false);
    expect(new Plain(2, 2).canFuse()).toBe(true);
    const own = Linear.prototype.forward;
    let patched = 0;
    Linear.prototype.forward = function wrapped(this: Linear, x: Tensor): Tensor {
      patched++;
      return own.call(this, x);
    };
    try {
      new Sequential(new Linear(2, 2), new ReLU())(randn(2, 2));
    } finally {
      Linear.prototype.forward = own;
    }
    expect(patched).toBe(1);
  });

  it('summary() shows every layer\'s shape, Linear + activation pairs included, and fuses them as training does', () => {
    setBackend(backend);
    const model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
    let fusedCalls = 0;
    const first = model.at(0) as Linear;
    const fusedForward = first.forwardWithActivation;
    first.forwardWithActivation = (...args) => {
      fusedCalls++;
      return fusedForward.apply(first, args);
    };
    const text = model.summary();
    expect(text).not.toContain('?');
    expect(text).toMatch(/0 \(Linear\)\s+\[-1, 256\]\s+200,960/);
    expect(text).toMatch(/1 \(ReLU\)\s+\[-1, 256\]\s+0/);
    expect(text).toMatch(/2 \(Linear\)\s+\[-1, 10\]\s+2,570/);
    expect(fusedCalls).toBe(1);
    expect(String(model)).toBe(text);
    expect(first.forward).toBe(Linear.prototype.forward); // the watcher is gone
  });

  it('summary() puts back the mode of every module it found, mixed modes included', () => {
    setBackend(backend);
    const bn = new BatchNorm1d(4);
    const drop = new Dropout(0.5);
    const model = new Sequential(new Linear(3, 4), bn, new ReLU(), drop);
    model.train();
    drop.eval();
    model.summary();
    expect([model.training, bn.training, drop.training]).toEqual([true, true, false]);
    model.eval();
    model.summary([3]);
    expect([model.training, bn.training, drop.training]).toEqual([false, false, false]);
  });
});

describe('modules name an input that is not a tensor', () => {
  it('Linear and Sequential', () => {
    expect(() => new Linear(3, 2)(new Float32Array([1, 2, 3]) as never)).toThrow(TypeError);
    expect(() => new Linear(3, 2)(new Float32Array([1, 2, 3]) as never))
      .toThrow(/Linear.forward: input must be a Tensor, got a Float32Array of length 3 \(make one with tensor\(\.\.\.\)\)/);
    const model: Module = new Sequential(new Linear(3, 2), new ReLU());
    expect(() => model([[1, 2, 3]] as never)).toThrow(/Sequential.forward: input must be a Tensor, got an array of length 1/);
    expect(model(tensor([[1, 2, 3]])).shape).toEqual([1, 2]);
    expect(() => new BatchNorm1d(3)([[1, 2, 3]] as never)).toThrow(/BatchNorm1d.forward: input must be a Tensor, got an array/);
    expect(() => new Dropout(0.5)('x' as never)).toThrow(/dropout: input must be a Tensor, got a string/);
    expect(() => new ReLU()(5 as never)).toThrow(/relu: the input must be a Tensor, got the number 5/);
  });
});

// The optimizer contract: construction checks, groups with their own options, zeroGrad, skipped parameters,
// state dicts that resume training exactly, and no tensors allocated by step().

import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { Tensor, ValueError, gradOf, hostMemory, randn, manualSeed, tensor, zeros } from '@nabla/core';
import {
  ADAGRAD_DEFAULTS, ADAMW_DEFAULTS, ADAM_DEFAULTS, Adagrad, Adam, AdamW, RMSPROP_DEFAULTS, RMSprop, SGD, SGD_DEFAULTS,
  type Optimizer,
} from '../src/index.js';

function param(values: number[]): Tensor {
  return tensor(values, undefined, { requiresGrad: true });
}

/** A quadratic loss sum((w - target)^2) so that steps have gradients to follow. */
function lossOf(ws: Tensor[]): Tensor {
  let total: Tensor | null = null;
  for (const w of ws) {
    const term = w.sub(1.5).square().sum();
    total = total ? total.add(term) : term;
  }
  return total!;
}

function train(opt: Optimizer, ws: Tensor[], steps: number): void {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    lossOf(ws).backward();
    opt.step();
  }
}

describe('defaults', () => {
  it('are PyTorch defaults', () => {
    expect(SGD_DEFAULTS).toEqual({ lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
    expect(ADAM_DEFAULTS).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
    expect(ADAMW_DEFAULTS).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false });
    expect(RMSPROP_DEFAULTS).toEqual({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false });
    expect(ADAGRAD_DEFAULTS).toEqual({ lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 });
    expect(new AdamW([param([1])]).defaults.weightDecay).toBe(0.01);
  });
});

describe('construction errors', () => {
  const p = () => param([1, 2]);
  it.each([
    ['negative lr', () => new SGD([p()], { lr: -0.1 }), /lr must be >= 0, got -0.1/],
    ['NaN lr', () => new Adam([p()], { lr: NaN }), /lr must be a finite number, got NaN/],
    ['lr as a string', () => new Adam([p()], { lr: '0.1' as unknown as number }), /lr must be a finite number, got '0.1'/],
    ['beta1 of 1', () => new Adam([p()], { betas: [1, 0.999] }), /betas\[0\] must be < 1, got 1/],
    ['negative beta2', () => new AdamW([p()], { betas: [0.9, -0.1] }), /betas\[1\] must be >= 0/],
    ['betas not a pair', () => new Adam([p()], { betas: [0.9] as unknown as [number, number] }), /betas must be a pair/],
    ['nesterov without momentum', () => new SGD([p()], { nesterov: true }), /Nesterov momentum needs momentum > 0/],
    ['nesterov with dampening', () => new SGD([p()], { nesterov: true, momentum: 0.9, dampening: 0.1 }), /dampening 0/],
    ['negative weight decay', () => new RMSprop([p()], { weightDecay: -1 }), /weightDecay must be >= 0/],
    ['negative eps', () => new Adagrad([p()], { eps: -1 }), /eps must be >= 0/],
    ['negative lrDecay', () => new Adagrad([p()], { lrDecay: -1 }), /lrDecay must be >= 0/],
    ['snake_case option', () => new SGD([p()], { weight_decay: 0.1 } as never), /unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/],
    ['empty parameter list', () => new SGD([]), /empty parameter list/],
    ['a single tensor', () => new SGD(p() as never), /got a single Tensor \[2\] \(wrap it in an array\)/],
    ['a non-tensor parameter', () => new SGD([p(), 3 as never]), /parameter 1: expected a Tensor, got number/],
    ['a non-leaf parameter', () => new SGD([p().mul(2)]), /not a leaf \(it was computed by 'mul'\)/],
    ['a view as parameter', () => new SGD([zeros([4]).slice(0, 1, 3)]), /is a view \(offset 1/],
    ['a parameter twice', () => { const a = p(); return new SGD([a, a]); }, /appears twice/],
    ['a parameter in two groups', () => { const a = p(); return new SGD([{ params: [a] }, { params: [a] }]); }, /already in another group/],
    ['a bad option in a group', () => new SGD([{ params: [p()], momentum: -1 }]), /param group 0: momentum must be >= 0/],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });
});

describe('step', () => {
  it('skips parameters without a gradient and leaves them unchanged', () => {
    const a = param([1, 2]);
    const b = param([3, 4]);
    const opt = new SGD([a, b], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    opt.step();
    expect(Array.from(a.data())).toEqual([Math.fround(0.9), Math.fround(1.9)]);
    expect(Array.from(b.data())).toEqual([3, 4]);
    expect(opt.state.has(b)).toBe(false);
  });

  it('uses each group\'s options and follows lr changes between steps', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 6);
    expect(b.item()).toBeCloseTo(0.5, 6);
    opt.paramGroups[0]!.lr = 0.2;
    opt.step();
    expect(a.item()).toBeCloseTo(0.7, 6);
  });

  it('gives each group its own copy of array options', () => {
    const opt = new Adam([{ params: [param([1])] }, { params: [param([1])] }]);
    opt.paramGroups[0]!.betas[0] = 0.5;
    expect(opt.paramGroups[1]!.betas).toEqual([0.9, 0.999]);
    expect(opt.defaults.betas).toEqual([0.9, 0.999]);
  });

  it('returns the closure\'s loss', () => {
    const w = param([3]);
    const opt = new Adam([w], { lr: 0.1 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = lossOf([w]);
      l.backward();
      return l.item();
    });
    expect(loss).toBeCloseTo(2.25, 5);
    expect(w.item()).toBeCloseTo(2.9, 5);
  });

  it('rejects a gradient of the wrong size', () => {
    const w = param([1, 2, 3]);
    const opt = new SGD([w]);
    w.grad = tensor([1, 2]);
    expect(() => opt.step()).toThrow(/parameter 0 of group 0 has shape \[3\] but its gradient has shape \[2\]/);
    w.grad = tensor([[1, 2, 3]]);
    expect(() => opt.step()).toThrow(/has shape \[3\] but its gradient has shape \[1, 3\]/);
  });

  it('allocates no tensors per step (the kernels update in place)', () => {
    manualSeed(1);
    for (const make of [
      (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }),
      (ps: Tensor[]) => new Adam(ps, { amsgrad: true, weightDecay: 0.1 }),
      (ps: Tensor[]) => new AdamW(ps),
      (ps: Tensor[]) => new RMSprop(ps, { momentum: 0.5, centered: true }),
      (ps: Tensor[]) => new Adagrad(ps, { lrDecay: 0.1 }),
    ]) {
      const ws = [randn([3, 4], { requiresGrad: true }), randn([4], { requiresGrad: true })];
      for (const w of ws) w.grad = randn(w.shape);
      const opt = make(ws);
      opt.step(); // the first step creates the state buffers
      const before = zeros([1]).id;
      for (let i = 0; i < 5; i++) opt.step();
      expect(zeros([1]).id - before, opt.kind).toBe(1);
    }
  });
});

describe('zeroGrad', () => {
  it('drops gradients by default, or zeroes them in place keeping the buffer', () => {
    const w = param([1, 2]);
    const opt = new SGD([w]);
    w.grad = tensor([3, 4]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
    const g = tensor([3, 4]);
    w.grad = g;
    opt.zeroGrad({ setToNone: false });
    expect(w.grad).toBe(g);
    expect(Array.from(g.data())).toEqual([0, 0]);
    // backward accumulates into the kept buffer
    lossOf([w]).backward();
    expect(w.grad).toBe(g);
    expect(Array.from(g.data())).toEqual([-1, 1]);
  });

  it('recycles a dropped gradient that nobody read for the next backward; one that was read keeps its values', () => {
    manualSeed(3);
    // 40 x 64 floats: pooled host memory (small arrays are not pooled).
    const w = randn([40, 64], { requiresGrad: true });
    const x = randn([4, 64]);
    const opt = new SGD([w], { lr: 0.01 });
    const step = (): void => {
      opt.zeroGrad();
      x.matmul(w.T).square().sum().backward();
      opt.step();
    };
    step();
    step();
    // Nobody read .grad: each step's gradient goes back to the pool, and steps need no new memory.
    const allocated = hostMemory.stats.allocated;
    step();
    step();
    expect(hostMemory.stats.allocated - allocated).toBe(0);

    const held = w.grad!; // read by the caller, who may keep it
    const expected = Array.from(gradOf(w)!.contiguous().data());
    step();
    step();
    expect(gradOf(w) === held).toBe(false);
    expect(Array.from(held.data())).toEqual(expected);
  });

  it('drops the gradient of a parameter that no longer requires grad, even when keeping buffers', () => {
    const w = param([1, 2]);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = tensor([3, 4]);
    opt.step();
    w.requiresGrad_(false); // frozen: a zero gradient would still move it by momentum
    opt.zeroGrad({ setToNone: false });
    expect(w.grad).toBeNull();
    const before = Array.from(w.data());
    opt.step();
    expect(Array.from(w.data())).toEqual(before);
  });
});

describe('stateDict / loadStateDict', () => {
  const configs: [string, (ps: Tensor[]) => Optimizer][] = [
    ['SGD', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, dampening: 0.1 })],
    ['Adam', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 })],
    ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01, momentum: 0.5, centered: true })],
    ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
  ];

  it.each(configs)('%s: a restored optimizer continues exactly like the original', (_name, make) => {
    const ws = [param([0.5, -1, 2]), param([3])];
    const opt = make(ws);
    train(opt, ws, 3);
    const saved = opt.stateDict();
    const copies = ws.map((w) => param(Array.from(w.data())));
    const restored = make(copies);
    restored.loadStateDict(saved);
    train(opt, ws, 4);
    train(restored, copies, 4);
    ws.forEach((w, i) => expect(Array.from(copies[i]!.data())).toEqual(Array.from(w.data())));
  });

  it('has PyTorch\'s layout: state by parameter index, groups with options and indices', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const c = param([4]);
    const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.5 }], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    c.grad = tensor([1]);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '2']);
    expect(sd.state[0]!.step).toBe(1);
    expect(Object.keys(sd.state[2]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'step']);
    expect(sd.paramGroups).toEqual([
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, params: [0, 1] },
      { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, params: [2] },
    ]);
  });

  it('takes the learning rate as a number, as PyTorch\'s positional lr', () => {
    const w = param([1, 2]);
    expect(new SGD([w], 0.25).paramGroups[0]!.lr).toBe(0.25);
    expect(new Adam([w], 0.5).defaults.lr).toBe(0.5);
    expect(() => new SGD([w], Number.NaN)).toThrow(/SGD: lr must be a finite number/);
    expect(() => new SGD([w], 'x' as never)).toThrow(/SGD: options must be an object \(or the learning rate as a number\), got x/);
  });

  it('names options as PyTorch does (weight_decay, lr_decay, initial_lr) and loads either spelling', () => {
    const w = param([1]);
    const opt = new Adagrad([w], { lr: 0.1, lrDecay: 0.01, weightDecay: 0.2, initialAccumulatorValue: 0.3 });
    opt.paramGroups[0]!.initialLr = 0.1;
    const groups = opt.stateDict().paramGroups;
    expect(Object.keys(groups[0]!).sort()).toEqual(
      ['eps', 'initial_accumulator_value', 'initial_lr', 'lr', 'lr_decay', 'params', 'weight_decay'],
    );
    const other = new Adagrad([param([1])], { lr: 0.5 });
    other.loadStateDict(opt.stateDict());
    expect(other.paramGroups[0]).toMatchObject({ lrDecay: 0.01, weightDecay: 0.2, initialAccumulatorValue: 0.3, initialLr: 0.1 });
    const camel = { state: {}, paramGroups: [{ params: [0], lr: 0.2, weightDecay: 0.5 }] };
    other.loadStateDict(camel);
    expect(other.paramGroups[0]).toMatchObject({ lr: 0.2, weightDecay: 0.5 });
  });

  it('restores group options (such as a scheduled lr) and copies the state tensors', () => {
    const w = param([1]);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = tensor([1]);
    opt.step();
    opt.paramGroups[0]!.lr = 0.01;
    const sd = opt.stateDict();
    const other = new SGD([param([1])], { lr: 0.1, momentum: 0.9 });
    other.loadStateDict(sd);
    expect(other.paramGroups[0]!.lr).toBe(0.01);
    const buf = sd.state[0]!.momentum_buffer as Tensor;
    buf.copy_(Float32Array.from(buf.data()).fill(123, 0, 1));
    expect((other.state.get(other.paramGroups[0]!.params[0]!)!.momentum_buffer as Tensor).item()).toBe(1);
  });

  it('rejects a state dict that does not fit, changing nothing', () => {
    const w = param([1, 2]);
    const opt = new Adam([w], { lr: 0.1 });
    w.grad = tensor([1, 1]);
    opt.step();
    const sd = opt.stateDict();
    const other = new Adam([param([1, 2, 3])], { lr: 0.2 });
    expect(() => other.loadStateDict(sd)).toThrow(/'exp_avg' has shape \[2\], the parameter has shape \[3\]/);
    expect(other.paramGroups[0]!.lr).toBe(0.2);
    const two = new Adam([param([1, 2]), param([3])]);
    expect(() => two.loadStateDict(sd)).toThrow(/param group 0 has 1 parameters in the state dict, 2 here/);
    const sgd = new SGD([param([1, 2])]);
    expect(() => sgd.loadStateDict(sd)).toThrow(/unknown option 'betas'/);
    const bad = { ...sd, state: { 0: { ...sd.state[0], step: -1 } } };
    expect(() => new Adam([param([1, 2])]).loadStateDict(bad)).toThrow(/step must be a non-negative integer/);
    expect(() => new Adam([param([1, 2])]).loadStateDict({ state: { 5: {} }, paramGroups: sd.paramGroups })).toThrow(/state for parameter 5, which no param group lists/);
    expect(() => new Adam([param([1, 2])]).loadStateDict(null as never)).toThrow(/expected \{state, paramGroups\}/);
  });

  it('Adagrad has its accumulator from the start, filled with initialAccumulatorValue', () => {
    const w = param([1, 2]);
    const opt = new Adagrad([w], { initialAccumulatorValue: 0.5 });
    const s = opt.stateDict().state[0]!;
    expect(s.step).toBe(0);
    expect(Array.from((s.sum as Tensor).data())).toEqual([0.5, 0.5]);
  });
});

describe('addParamGroup', () => {
  it('adds parameters with their own options', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new SGD([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 0.3 });
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect(b.item()).toBeCloseTo(0.7, 6);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/already in another group/);
    expect(() => opt.addParamGroup({ params: [] })).toThrow(/has no parameters/);
  });
});

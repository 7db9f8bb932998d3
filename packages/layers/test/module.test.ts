// Module plumbing: discovery of parameters, buffers and children; PyTorch-style names; train/eval;
// state dicts; callability; the printed tree and summary.
import '@nabla/backend-js';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Tensor, manualSeed, randn, tensor, zeros } from '@nabla/core';
import {
  BatchNorm1d, Dropout, Flatten, Linear, Module, PReLU, ReLU, Sequential, Sigmoid,
} from '../src/index.js';

function mlp(): Sequential {
  return new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Dropout(0.5), new Linear(8, 3));
}

class TwoHeads extends Module {
  trunk = new Linear(3, 4);
  head = new Sequential(new ReLU(), new Linear(4, 2, { bias: false }));
  scale = tensor([2], undefined, { requiresGrad: true });
  notAParameter = tensor([5]);

  forward(x: Tensor): Tensor {
    return this.head(this.trunk(x)).mul(this.scale);
  }
}

describe('Module', () => {
  it('names parameters and buffers as PyTorch does', () => {
    const net = mlp();
    expect(net.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '4.weight', '4.bias']);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect([...net.stateDict().keys()]).toEqual([
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.weight', '4.bias',
    ]);
    expect(net.parameters().every((p) => p.requiresGrad && p.gradFn === null)).toBe(true);
    expect(net.buffers().some((b) => b.requiresGrad)).toBe(false);
    expect(net.countParameters()).toBe(4 * 8 + 8 + 8 + 8 + 8 * 3 + 3);
  });

  it('finds children and parameters held in plain properties of a subclass', () => {
    const m = new TwoHeads();
    expect(m.namedChildren().map(([n]) => n)).toEqual(['trunk', 'head']);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['scale', 'trunk.weight', 'trunk.bias', 'head.1.weight']);
    expect(m(zeros([5, 3])).shape).toEqual([5, 2]);
  });

  it('finds modules in array properties, named like a PyTorch ModuleList', () => {
    class Stack extends Module {
      blocks = [new Linear(2, 2), new Linear(2, 2, { bias: false })];
      forward(x: Tensor): Tensor {
        return this.blocks.reduce((y, b) => b(y), x);
      }
    }
    expect([...new Stack().stateDict().keys()]).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight']);
  });

  it('lists a shared parameter once', () => {
    const shared = new Linear(2, 2);
    const net = new Sequential(shared, new ReLU(), shared);
    expect(net.parameters()).toHaveLength(2);
  });

  it('is callable and the call is forward', () => {
    manualSeed(1);
    const lin = new Linear(3, 2);
    const x = randn([4, 3]);
    expect(typeof lin).toBe('function');
    expect(lin).toBeInstanceOf(Module);
    expect(Array.from(lin(x).data())).toEqual(Array.from(lin.forward(x).data()));
    const net = new Sequential(lin, new Sigmoid());
    expect(net.length).toBe(2);
    expect(net.at(-1)).toBeInstanceOf(Sigmoid);
    expect([...net]).toHaveLength(2);
  });

  it('train() and eval() reach every descendant', () => {
    const net = new Sequential(mlp(), new Sequential(new Dropout(0.1)));
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.modules().some((m) => m.training)).toBe(false);
  });

  it('zeroGrad clears every gradient', () => {
    const net = mlp();
    net(randn([6, 4])).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('apply visits every module', () => {
    const seen: string[] = [];
    mlp().apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Linear', 'BatchNorm1d', 'ReLU', 'Dropout', 'Linear', 'Sequential']);
  });
});

describe('state dicts', () => {
  it('round trip: a second model loads the first and computes the same outputs', () => {
    manualSeed(3);
    const a = mlp();
    a(randn([8, 4])); // moves BatchNorm's running stats
    const b = mlp();
    const weightBefore = b.parameters()[0]!;
    b.loadStateDict(a.stateDict());
    expect(b.parameters()[0]).toBe(weightBefore); // loaded in place: optimizers keep their tensors
    a.eval();
    b.eval();
    const x = randn([5, 4]);
    expect(Array.from(b(x).data())).toEqual(Array.from(a(x).data()));
    for (const [k, v] of a.stateDict()) expect(Array.from(b.stateDict().get(k)!.data()), k).toEqual(Array.from(v.data()));
  });

  it('values are copies into existing storage, and the state dict shares storage with the model', () => {
    const lin = new Linear(2, 1);
    lin.loadStateDict({ weight: tensor([[3, 4]]), bias: tensor([5]) });
    expect(lin(tensor([[1, 1]])).item()).toBe(12);
    lin.stateDict().get('bias')!.copy_([0]);
    expect(lin.bias!.item()).toBe(0);
  });

  it('rejects shape mismatches, missing and unexpected keys, naming them, and loads nothing', () => {
    const lin = new Linear(2, 1);
    const before = Array.from(lin.weight.data());
    expect(() => lin.loadStateDict({ weight: zeros([1, 3]), bias: zeros([1]) }))
      .toThrow(/'weight' has shape \[1, 3\], the module's is \[1, 2\]/);
    expect(() => lin.loadStateDict({ weight: zeros([1, 2]) })).toThrow(/missing keys: 'bias'/);
    expect(() => lin.loadStateDict({ weight: zeros([1, 2]), bias: zeros([1]), extra: zeros([1]) }))
      .toThrow(/unexpected keys: 'extra'/);
    expect(Array.from(lin.weight.data())).toEqual(before);
    expect(() => lin.loadStateDict({ weight: zeros([2, 2]) }, { strict: false })).toThrow(/has shape \[2, 2\]/);
  });

  it('non-strict loading reports missing and unexpected keys', () => {
    const lin = new Linear(2, 1);
    const result = lin.loadStateDict(new Map([['weight', tensor([[1, 2]])], ['other', zeros([1])]]), { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['other'] });
    expect(Array.from(lin.weight.data())).toEqual([1, 2]);
  });
});

describe('printing', () => {
  it('repr shows the tree with the options of each layer, as PyTorch prints it', () => {
    const text = new Sequential(new Linear(4, 3), new PReLU(), new Sequential(new Flatten())).repr();
    expect(text).toBe([
      'Sequential(',
      '  (0): Linear(in_features=4, out_features=3, bias=true)',
      '  (1): PReLU(num_parameters=1)',
      '  (2): Sequential(',
      '    (0): Flatten(start_dim=1, end_dim=-1)',
      '  )',
      ')',
    ].join('\n'));
  });

  it('summary lists layers, output shapes and parameter counts, and leaves the modes as they were', () => {
    const net = mlp();
    const text = net.summary();
    expect(text).toMatch(/0 \(Linear\)\s+\[-1, 8\]\s+40\n/);
    expect(text).toMatch(/1 \(BatchNorm1d\)\s+\[-1, 8\]\s+16\n/);
    expect(text).toMatch(/4 \(Linear\)\s+\[-1, 3\]\s+27\n/);
    expect(text).toMatch(/Total params: 83\nTrainable params: 83\nNon-trainable params: 0$/);
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(Object.keys(net.at(0))).not.toContain('forward');
    const flat = new Sequential(new Flatten(), new Linear(6, 2));
    expect(flat.summary()).toMatch(/0 \(Flatten\)\s+\?/);
    expect(flat.summary([2, 3])).toMatch(/0 \(Flatten\)\s+\[-1, 6\]/);
    expect(() => flat.summary([5])).toThrow(/summary: the forward pass over an input of shape \[-1, 5\] failed/);
  });

  it('Node prints a module as its tree', () => {
    expect(inspect(new Sequential(new ReLU()))).toBe('Sequential(\n  (0): ReLU()\n)');
  });

  it('toString is the summary table and never throws', () => {
    const net = mlp();
    expect(String(net)).toBe(net.summary());
    expect(String(net)).toMatch(/^Sequential \(input \[-1, 4\]\)\nLayer \(type\)/);
    expect(String(new Linear(2, 3))).toMatch(/^Linear\s+\[-1, 3\]\s+9$/m);
    class Broken extends Module {
      fc = new Linear(3, 2);
      forward(): Tensor {
        throw new Error('no');
      }
    }
    expect(String(new Broken())).toMatch(/fc \(Linear\)\s+\?\s+8/);
  });
});

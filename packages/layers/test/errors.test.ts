// Bad input is a clear error naming the layer and what was wrong.
import '@nabla/backend-js';
import { describe, expect, it } from 'vitest';
import { ShapeError, type Tensor, ValueError, tensor, zeros } from '@nabla/core';
import { BatchNorm1d, Dropout, ELU, LeakyReLU, Linear, Module, PReLU, ReLU, Sequential } from '../src/index.js';

describe('layer input checks', () => {
  it('BatchNorm1d: a batch of one in training, wrong feature count, bad options', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn(zeros([1, 3]))).toThrow(ValueError);
    expect(() => bn(zeros([1, 3]))).toThrow(/BatchNorm1d: training needs more than one value per feature.*shape \[1, 3\]; use a batch of 2 or more, or call eval\(\) \(when it is a DataLoader's last, partial batch: pass dropLast: true\)/);
    expect(() => bn(zeros([1, 3, 1]))).toThrow(/more than one value per feature/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(() => bn(zeros([4, 2]))).toThrow(ShapeError);
    expect(() => bn(zeros([4, 2]))).toThrow(/BatchNorm1d\(3\): input has shape \[4, 2\], expected \[batch, 3\] or \[batch, 3, length\]/);
    expect(() => bn(zeros([3]))).toThrow(/input has shape \[3\]/);
    expect(() => new BatchNorm1d(0)).toThrow(/numFeatures must be a positive integer, got 0/);
    expect(() => new BatchNorm1d(2, { eps: 0 })).toThrow(/eps must be a positive finite number, got 0/);
    expect(() => new BatchNorm1d(2, { momentum: 2 })).toThrow(/momentum must be in \[0, 1\] or null, got 2/);
  });

  it('Linear: wrong input width and bad sizes', () => {
    const lin = new Linear(4, 2);
    expect(() => lin(zeros([3, 5]))).toThrow(/Linear\(4 → 2\): input has shape \[3, 5\]; its last dimension must be inFeatures = 4, got 5/);
    expect(() => lin(tensor(1))).toThrow(/Linear\(4 → 2\): input has shape \[\]; .* got a scalar/);
    expect(() => new Linear(0, 2)).toThrow(/Linear: inFeatures must be a positive integer, got 0/);
    expect(() => new Linear(2, 1.5)).toThrow(/outFeatures must be a positive integer, got 1.5/);
    expect(() => new Linear('3' as never, 2)).toThrow(/inFeatures must be a positive integer, got a string \("3"\)/);
  });

  it('PReLU with per-feature slopes needs that many features on axis 1', () => {
    expect(() => new PReLU({ numParameters: 3 })(zeros([2, 4]))).toThrow(/PReLU: input of shape \[2, 4\] needs 3 features on axis 1/);
    expect(() => new PReLU({ numParameters: 0 })).toThrow(/numParameters must be a positive integer/);
  });

  it('activation options must be finite numbers', () => {
    expect(() => new LeakyReLU({ alpha: Number.NaN })).toThrow(/LeakyReLU: alpha must be a finite number, got NaN/);
    expect(() => new ELU({ alpha: Infinity })).toThrow(/ELU: alpha must be a finite number/);
  });

  it('Sequential rejects what is not a module and indexes in range', () => {
    expect(() => new Sequential(new Linear(2, 2), {} as Module)).toThrow(/Sequential.add: argument 1 is not a Module/);
    expect(() => new Sequential().at(0)).toThrow(/Sequential.at\(0\): index out of range for 0 modules/);
  });

  it('loadStateDict rejects values that are not tensors and bad dict types', () => {
    const lin = new Linear(1, 1);
    expect(() => lin.loadStateDict({ weight: [[1]] as never, bias: tensor([0]) })).toThrow(/'weight' is an array of length 1, expected a Tensor/);
    expect(() => lin.loadStateDict(null as never)).toThrow(/expected a Map or an object of tensors, got null/);
  });

  it('a failing layer inside a Sequential is named by its position, also on the fused Linear + activation path', () => {
    const model = new Sequential(new Linear(4, 3), new ReLU(), new Sequential(new Linear(3, 3), new Linear(5, 2)));
    expect(() => model(zeros([2, 4]))).toThrow(ShapeError);
    expect(() => model(zeros([2, 4]))).toThrow(/Linear\(5 → 2\): input has shape \[2, 3\]; .*got 3 \(in layer 2\.1: Linear\)$/);
    expect(() => model(zeros([2, 6]))).toThrow(/Linear\(4 → 3\): .*got 6 \(in layer 0: Linear\)$/);
  });

  it('options are checked: PyTorch-style positional values, misspelt keys and wrong types are errors', () => {
    expect(() => new Linear(4, 2, false as never)).toThrow(/Linear: options must be an object such as \{ bias: false \}, got the boolean false/);
    expect(() => new Linear(4, 2, { bais: false } as never)).toThrow(/Linear: unknown option 'bais'; known options: bias, generator/);
    expect(() => new Linear(4, 2, { bias: 'false' as never })).toThrow(/Linear: bias must be true or false, got a string \("false"\)/);
    expect(() => new LeakyReLU({ negative_slope: 0.2 } as never)).toThrow(/LeakyReLU: unknown option 'negative_slope' \(did you mean 'alpha'\?\)/);
    expect(() => new LeakyReLU({ alpha: '0.2' as never })).toThrow(/LeakyReLU: alpha must be a finite number, got a string \("0.2"\)/);
    expect(() => new BatchNorm1d(3, { track_running_stats: false } as never)).toThrow(/unknown option 'track_running_stats' \(did you mean 'trackRunningStats'\?\)/);
    expect(() => new BatchNorm1d(3, 1e-3 as never)).toThrow(/BatchNorm1d: options must be an object such as \{ eps: 1e-3 \}, got 0.001/);
    expect(() => new BatchNorm1d(3, { eps: Infinity })).toThrow(/eps must be a positive finite number, got Infinity/);
    expect(() => new BatchNorm1d(3, { affine: 0 as never })).toThrow(/affine must be true or false, got 0/);
    expect(() => new Dropout({ p: 0.2 } as never)).toThrow(/got an object \(pass p itself: new Dropout\(0.2\)\)/);
    expect(() => new Linear(1, 1).loadStateDict({}, { strict: 'no' as never })).toThrow(/strict must be true or false, got a string/);
  });

  it('the activations take their one number positionally, as PyTorch does', () => {
    expect(new LeakyReLU(0.2).alpha).toBe(0.2);
    expect(new LeakyReLU(0.2)(tensor([-1, 1])).data()).toEqual(new Float32Array([-0.2, 1]));
    expect(new ELU(0.5).alpha).toBe(0.5);
    expect(new PReLU(3).numParameters).toBe(3);
    expect(new PReLU(3).weight.shape).toEqual([3]);
    expect(() => new LeakyReLU(Number.NaN)).toThrow(/LeakyReLU: alpha must be a finite number, got NaN/);
  });
});

describe('modes', () => {
  it('train(mode) takes a boolean only', () => {
    const model = new Sequential(new Linear(2, 2));
    expect(() => model.train('false' as never)).toThrow(/Sequential\.train: mode must be true or false, got a string \("false"\)/);
    expect(model.train(false).training).toBe(false);
    expect(model.at(0).training).toBe(false);
  });
});

describe('registration', () => {
  it('a parameter or buffer that is not a tensor is named as such', () => {
    class Bad extends Sequential {
      constructor(kind: 'parameter' | 'buffer') {
        super();
        if (kind === 'parameter') this.registerParameter('w', [1, 2] as never);
        else this.registerBuffer('stats', 3 as never);
      }
    }
    expect(() => new Bad('parameter')).toThrow(/Bad: parameter 'w' must be a Tensor or null, got an array of length 2/);
    expect(() => new Bad('buffer')).toThrow(/Bad: buffer 'stats' must be a Tensor or null, got the number 3/);
  });
});

describe('Keras habits', () => {
  it('Sequential takes an array of layers, as Keras does', () => {
    const model = new Sequential([new Linear(2, 3), new ReLU(), new Linear(3, 1)]);
    expect(model.length).toBe(3);
    expect(model(zeros([4, 2])).shape).toEqual([4, 1]);
    expect(() => new Sequential([new Linear(2, 3), 'relu' as never])).toThrow(/Sequential.add: argument 1 is not a Module/);
  });

  it('loading a whole checkpoint object instead of its state dict says to pass checkpoint.model', () => {
    const lin = new Linear(2, 1);
    const checkpoint = { model: lin.stateDict(), optimizer: null, metadata: {} };
    expect(() => lin.loadStateDict(checkpoint as never)).toThrow(/Linear\.loadStateDict: got a checkpoint \(\{ model, optimizer, metadata \}\); pass its state dict: checkpoint\.model/);
  });
});

describe('state dicts from wrapped models', () => {
  it("keys under a wrapper's prefix ('module.') are named as such", () => {
    const model = new Sequential(new Linear(2, 2));
    const wrapped = new Map([...model.stateDict()].map(([k, v]) => [`module.${k}`, v]));
    expect(() => model.loadStateDict(wrapped)).toThrow(/every unexpected key is a missing key with 'module\.' in front .*remove the prefix/s);
    expect(() => model.loadStateDict(new Map([['0.weight', zeros([2, 2])], ['x.bias', zeros([2])]]))).not.toThrow(/in front/);
  });
});

describe('layer paths through modules of ones own', () => {
  it("name the modules between Sequentials, as the failing layer's state-dict prefix", () => {
    class Block extends Module {
      inner = new Sequential(new Linear(3, 3), new Linear(5, 2));
      forward(x: Tensor): Tensor {
        return this.inner(x);
      }
    }
    const model = new Sequential(new Linear(4, 3), new Block());
    expect(() => model(zeros([2, 4]))).toThrow(/got 3 \(in layer 1\.inner\.1: Linear\)$/);
    expect(model.stateDict().has('1.inner.1.weight')).toBe(true);
  });
});

describe('initializers', () => {
  it('a NaN or infinite mean, bound or value, and a generator that is not one, are errors rather than NaN weights', async () => {
    const { init } = await import('../src/index.js');
    expect(() => init.normal(zeros([2]), Number.NaN)).toThrow(/init\.normal: mean must be a finite number, got NaN/);
    expect(() => init.normal(zeros([2]), 0, Infinity)).toThrow(/std must be a finite number >= 0, got Infinity/);
    expect(() => init.constant(zeros([2]), Number.NaN)).toThrow(/init\.constant: value must be a finite number, got NaN/);
    expect(() => init.uniform(zeros([2]), -Infinity, 1)).toThrow(/init\.uniform: low must be a finite number, got -Infinity/);
    expect(() => new Linear(2, 2, { generator: 42 as never })).toThrow(/generator must be a Generator \(new Generator\(seed\)\), got the number 42/);
  });
});

// Arguments of the wrong kind fail with a TypeError naming the function, the argument and what was
// expected, before any backend is involved (these tests register none); creation takes PyTorch's forms.
import { describe, expect, it } from 'vitest';
import {
  ValueError, Tensor, add, linspace, dropGrad, expand, gradOf, setGradEnabled, isGradEnabled, transpose, unsqueeze, arange, concat, full, linear, matmul, ones, rand, randint, randn, randperm, reshape, sum,
  tensor, zeros, zerosLike, softmaxCrossEntropy, activation, where,
} from '../src/index.js';

describe('creation takes the shape forms PyTorch takes', () => {
  it('randn(2, 3), zeros(2, 3) and ones(4) are the same as the array forms', () => {
    expect(randn(2, 3).shape).toEqual([2, 3]);
    expect(randn([2, 3]).shape).toEqual([2, 3]);
    expect(zeros(2, 3).shape).toEqual([2, 3]);
    expect(ones(4).toArray()).toEqual([1, 1, 1, 1]);
    expect(rand(3, 1, { low: 2, high: 3 }).shape).toEqual([3, 1]);
    const x = randn(2, 2, { requiresGrad: true });
    expect(x.requiresGrad).toBe(true);
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(zeros().shape).toEqual([]);
  });

  it('names the function and what it expected for a bad shape', () => {
    expect(() => randn('2' as never)).toThrow(TypeError);
    expect(() => randn('2' as never)).toThrow(/randn: shape must be an array of dimensions such as \[2, 3\], got a string \("2"\)/);
    expect(() => zeros([2, 3], 5 as never)).toThrow(/zeros: expected a shape .* got an array of length 2, the number 5/);
    expect(() => zeros(2, 'a' as never)).toThrow(/zeros: expected a shape/);
    expect(() => full(3 as never, 1)).toThrow(/full: shape must be an array/);
    expect(() => full([2], '1' as never)).toThrow(/full: value must be a number, got a string/);
    expect(() => randint(0, 3, 4 as never)).toThrow(/randint: shape must be an array/);
    expect(() => randperm('3' as never)).toThrow(/randperm: n must be a number/);
    expect(() => zerosLike([1, 2] as never)).toThrow(/zerosLike: the argument must be a Tensor, got an array of length 2 \(make one with tensor\(\.\.\.\)\)/);
    expect(() => tensor(undefined as never)).toThrow(/tensor: data must be a number, a \(nested\) array of numbers or a typed array, got undefined/);
    expect(() => tensor([1, 2], 2 as never)).toThrow(/tensor: shape must be an array/);
    expect(() => tensor({ a: 1 } as never)).toThrow(/tensor: data must be .* got an object/);
    expect(() => tensor(new Map() as never)).toThrow(/got a Map/);
  });

  it('tensor(t) copies a tensor, as torch.tensor does', () => {
    const t = tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
    const copy = tensor(t);
    expect(copy.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(copy.storage).not.toBe(t.storage);
    expect(copy.requiresGrad).toBe(false);
    expect(tensor(t, [4]).shape).toEqual([4]);
  });

  it('refuses a tensor too large for one typed array by name, not with V8\'s message', () => {
    expect(() => zeros([2 ** 31, 2 ** 31])).toThrow(ValueError);
    expect(() => zeros([2 ** 31, 2 ** 31])).toThrow(/zeros: shape \[2147483648, 2147483648\] has 4\.612e\+18 elements .* at most 4294967296 elements/);
    expect(() => randn(2 ** 20, 2 ** 20)).toThrow(/randn: shape \[1048576, 1048576\] has/);
    expect(() => full([2 ** 33], 1)).toThrow(/full: shape \[8589934592\]/);
    expect(() => arange(2 ** 33)).toThrow(/arange: shape \[8589934592\]/);
    expect(() => zeros([-1, 2])).toThrow(/zeros: invalid shape \[-1, 2\]: dimensions must be non-negative integers/);
  });
});

describe('ops name the argument that is not a tensor', () => {
  const t = new Tensor(new Float32Array(4), [2, 2]);

  it('elementwise ops and methods', () => {
    expect(() => t.add('1' as never)).toThrow(TypeError);
    expect(() => t.add('1' as never)).toThrow(/add: the second operand must be a Tensor or a number, got a string \("1"\)/);
    expect(() => add([1, 2] as never, t)).toThrow(/add: the first operand must be a Tensor or a number, got an array of length 2 \(make one with tensor/);
    expect(() => t.mul(null as never)).toThrow(/mul: the second operand must be a Tensor or a number, got null/);
    expect(() => where(t, t, 'x' as never)).toThrow(/where: the third argument must be a Tensor or a number/);
    expect(() => t.clamp('0' as never)).toThrow(/clamp: min must be a number/);
  });

  it('matmul, linear, reductions, views, activations, cross-entropy', () => {
    expect(() => matmul(t, [[1, 0], [0, 1]] as never)).toThrow(/matmul: the second operand must be a Tensor, got an array of length 2/);
    expect(() => t.matmul(new Float32Array(4) as never)).toThrow(/matmul: the second operand must be a Tensor, got a Float32Array of length 4/);
    expect(() => linear(new Float32Array([1, 2, 3]) as never, t)).toThrow(/linear: input must be a Tensor, got a Float32Array of length 3/);
    expect(() => linear(t, t, [1, 2] as never)).toThrow(/linear: bias must be a Tensor or null, got an array/);
    expect(() => sum({} as never)).toThrow(/sum: the input must be a Tensor, got an object/);
    expect(() => sum(t, '0' as never)).toThrow(/sum: axes must be a number or an array of numbers/);
    expect(() => reshape(t, 4 as never)).toThrow(/reshape: shape must be an array of numbers, got the number 4/);
    expect(() => concat([t, 1 as never])).toThrow(/concat: tensors\[1\] must be a Tensor, got the number 1/);
    expect(() => activation([1] as never, 'relu')).toThrow(/relu: the input must be a Tensor/);
    expect(() => activation(t, 'gelu' as never)).toThrow(/activation: unknown activation "gelu"/);
    expect(() => softmaxCrossEntropy(t, [0, 1] as never)).toThrow(/softmaxCrossEntropy: targets must be a Tensor/);
  });

  it('backward names a gradient that is not a tensor', () => {
    const x = new Tensor(new Float32Array(1), [1]);
    x.requiresGrad = true;
    expect(() => x.backward([1] as never)).toThrow(/backward: gradient must be a Tensor \(or omitted, for a single-element output\), got an array/);
  });
});

describe('values and options of the wrong kind are named', () => {
  it('int64 data is converted; a number beyond float32 is named as such, not as Infinity', () => {
    expect(tensor(new BigInt64Array([1n, -2n, 3n])).toArray()).toEqual([1, -2, 3]);
    expect(tensor(new BigUint64Array([4n]), [1, 1]).toArray()).toEqual([[4]]);
    expect(() => tensor([1, 1e39])).toThrow(/tensor: value at flat index 1 is 1e\+39, beyond the float32 range/);
    expect(() => tensor(new Float64Array([-1e39]))).toThrow(/is -1e\+39, beyond the float32 range .* it would be -Infinity/);
    expect(() => tensor(1e39)).toThrow(/is 1e\+39, beyond the float32 range/);
    expect(() => tensor([Infinity])).toThrow(/is Infinity; pass \{ allowNonFinite: true \}/);
  });

  it('requiresGrad must be a boolean, in options and in requiresGrad_', () => {
    expect(() => tensor([1], undefined, { requiresGrad: 1 as never })).toThrow(/tensor: options.requiresGrad must be true or false, got number/);
    expect(() => zeros([2], { requiresGrad: 'yes' as never })).toThrow(TypeError);
    expect(() => randn([2], { requiresGrad: 1 as never })).toThrow(TypeError);
    expect(() => tensor([1]).requiresGrad_('yes' as never)).toThrow(/requiresGrad_: expected true or false, got string/);
    expect(() => setGradEnabled(0 as never)).toThrow(/setGradEnabled: expected true or false, got number/);
    expect(isGradEnabled()).toBe(true);
  });

  it('.grad takes a Tensor or null; gradOf and dropGrad take tensors', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    expect(() => { x.grad = [1, 2] as never; }).toThrow(/grad: expected a Tensor or null, got an array/);
    x.grad = tensor([5, 6]);
    expect(gradOf(x)!.toArray()).toEqual([5, 6]);
    x.grad = null;
    expect(gradOf(x)).toBeNull();
    expect(() => gradOf(null as never)).toThrow(/gradOf: expected a Tensor, got null/);
    expect(() => dropGrad({} as never)).toThrow(/dropGrad: expected a Tensor, got object/);
  });

  it('views check their axes and sizes instead of making a tensor of a bad shape', () => {
    const v = tensor([1, 2]);
    expect(() => transpose(v, 0, 5)).toThrow(/transpose: axis 5 is out of range for a tensor of rank 1/);
    expect(() => expand(v, [-1, 2])).toThrow(/expand: -1 \(keep the size\) is not allowed for the new leading axis 0/);
    expect(() => expand(tensor([1]), [2.5])).toThrow(/expand: invalid size 2.5/);
    expect(() => expand(tensor([1]), [NaN])).toThrow(/expand: invalid size NaN/);
    expect(() => unsqueeze(v, 2)).toThrow(/unsqueeze: axis 2 is out of range for a tensor of rank 1 \(expected -2\.\.1\)/);
    expect(unsqueeze(v, -2).shape).toEqual([1, 2]);
  });

  it('random and range parameters that would fill a tensor with NaN or Infinity are refused', () => {
    expect(() => randn([2], { mean: NaN })).toThrow(/randn: options.mean must be a finite number, got NaN/);
    expect(() => randn([2], { std: Infinity })).toThrow(/randn: options.std must be a finite number/);
    expect(() => randn([2], { std: -1 })).toThrow(/randn: options.std must be >= 0, got -1/);
    expect(() => rand([2], { low: -Infinity })).toThrow(/rand: options.low must be a finite number/);
    expect(() => linspace(0, NaN, 3)).toThrow(/linspace: end must be a finite number, got NaN/);
    expect(randn([2], { std: 0, mean: 3 }).toArray()).toEqual([3, 3]);
    expect(() => randn([2], { generator: {} as never })).toThrow(/randn: options.generator must be a Generator \(new Generator\(seed\)\), got an object/);
    expect(() => randperm(3, { generator: 5 as never })).toThrow(/randperm: options.generator must be a Generator/);
  });

  it('the low-level Tensor constructor refuses sizes, offsets and storage that no kernel would check', () => {
    const s = new Float32Array(4);
    expect(() => new Tensor(s, [-2, -2])).toThrow(/Tensor: invalid shape \[-2, -2\]: dimensions must be non-negative integers/);
    expect(() => new Tensor(s, [1.5])).toThrow(/invalid shape \[1.5\]/);
    expect(() => new Tensor(s, [2], [1], 0.5)).toThrow(/Tensor: offset must be a non-negative integer, got 0.5/);
    expect(() => new Tensor(null as never, [2])).toThrow(/Tensor: storage must be a Float32Array or a backend's storage, got null/);
    expect(() => new Tensor({ length: 4 } as never, [4]).toArray()).toThrow(/neither a Float32Array nor a backend's storage/);
    expect(new Tensor(s, [2, 2], [1, 2], 0).shape).toEqual([2, 2]);
  });

  it('reading .grad of a tensor made by an op warns once, as PyTorch does, and gives null', () => {
    const warned: string[] = [];
    const original = process.emitWarning;
    process.emitWarning = ((message: string) => { warned.push(message); }) as typeof process.emitWarning;
    try {
      const x = new Tensor(new Float32Array(2), [2]);
      const made = new Tensor(new Float32Array(2), [2]);
      made.gradFn = { name: 'mul', inputs: [x], backward: () => [null] };
      expect(made.grad).toBeNull();
      expect(made.grad).toBeNull();
      expect(x.grad).toBeNull(); // a leaf: no warning
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(/\.grad of a tensor made by an op \(not a leaf\) is null.* retainGrad\(\)/);
    } finally {
      process.emitWarning = original;
    }
  });

  it('a post-accumulate hook on a tensor that does not require grad is refused, since it would never run', () => {
    const frozen = new Tensor(new Float32Array(2), [2]);
    expect(() => frozen.registerPostAccumulateGradHook(() => undefined)).toThrow(/does not require grad, so no gradient will ever reach it/);
    expect(() => frozen.requiresGrad_().registerPostAccumulateGradHook(() => undefined)).not.toThrow();
  });
});

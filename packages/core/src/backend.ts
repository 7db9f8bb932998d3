// The contract between @nabla/core and a backend.
//
// A backend computes; it never allocates tensors, tracks gradients or owns memory. Core allocates every
// output as a plain Float32Array and passes it in, so a native backend reads and writes JavaScript memory
// in place and tensors move between backends for free.
//
// Required: the primitives below (about twenty ops behind eight entry points). Gradients are written once
// in core over these. Optional: the fused kernels in `FusedKernels`; core has a default composition of each
// over the primitives and uses the backend's version when it has one.

/** A strided view of float32 memory. A Tensor satisfies this interface, so core passes tensors as they are. */
export interface View {
  readonly storage: Float32Array;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs';

/** Comparisons produce 1 where true and 0 where false. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'pow'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type ReduceOp = 'sum' | 'max' | 'min';

/** Activations that have a fused kernel. `alpha` is the slope for leakyRelu and the scale for elu. */
export type Activation = 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'elu' | 'swish';

/**
 * sgemm over row-major matrices: C = alpha * op(A) * op(B) + beta * C, where op(A) is m×k and op(B) is k×n.
 * `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored (A is m×k, or k×m when transA).
 * Offsets count elements from the start of each array. When beta is 0, C is not read (NaN in C is ignored).
 */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: Float32Array;
  aOffset: number;
  lda: number;
  b: Float32Array;
  bOffset: number;
  ldb: number;
  beta: number;
  c: Float32Array;
  cOffset: number;
  ldc: number;
}

export interface Primitives {
  /** out[i] = op(x[i]); `out` is contiguous with x.shape. */
  unary(op: UnaryOp, x: View, out: Float32Array): void;
  /**
   * out[i] = op(a[i], b[i]); a and b have the same shape as out (broadcast dims have stride 0).
   * `out` may be the storage of a or b when that view is contiguous from offset 0 (an in-place update).
   */
  binary(op: BinaryOp, a: View, b: View, out: Float32Array): void;
  /** out[i] = cond[i] != 0 ? a[i] : b[i]; all three views have out's shape. */
  where(cond: View, a: View, b: View, out: Float32Array): void;
  /**
   * Reduces x over `axes` (sorted, distinct). `out` is contiguous with x.shape where the reduced axes are 1.
   * max/min of an empty axis is -Infinity/+Infinity; sum of an empty axis is 0.
   */
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: Float32Array): void;
  /** Index (as a float) of the first maximum along `axis`; out has x.shape with that axis 1. */
  argmax(x: View, axis: number, out: Float32Array): void;
  /** The BLAS sgemm contract; see GemmArgs. */
  gemm(args: GemmArgs): void;
  /** Contiguous copy of a strided view. */
  copy(x: View, out: Float32Array): void;
  /** out[offset .. offset+length) = value. */
  fill(out: Float32Array, value: number, offset: number, length: number): void;
}

/** Hyper-parameters of one in-place optimizer step (the names and semantics of PyTorch). */
export interface SgdStepArgs {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** True on the first step: the momentum buffer is then initialised to the gradient. */
  firstStep: boolean;
}

export interface AdamStepArgs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the parameter directly instead of adding weightDecay * p to the gradient. */
  decoupled: boolean;
  amsgrad: boolean;
  /** 1-based step count, for bias correction. */
  step: number;
}

export interface RmspropStepArgs {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

export interface AdagradStepArgs {
  /** The learning rate already decayed: lr / (1 + (step - 1) * lrDecay). */
  clr: number;
  eps: number;
  weightDecay: number;
}

/**
 * Optional fused kernels. All arrays are contiguous and row-major. Every kernel writes only its outputs and
 * never allocates per element; the optimizer steps update `param` and their state arrays in place.
 */
export interface FusedKernels {
  /** y = act(x). */
  activation?(act: Activation, alpha: number, x: Float32Array, y: Float32Array): void;
  /** dx = dy * act'(x); `y` is act(x), which some derivatives use. */
  activationBackward?(
    act: Activation, alpha: number, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array,
  ): void;
  /**
   * PReLU over x of shape [rows, features]: y = x > 0 ? x : a * x, with one slope (a.length == 1) or one
   * per feature (a.length == features).
   */
  prelu?(x: Float32Array, a: Float32Array, features: number, y: Float32Array): void;
  /** PReLU backward: writes dx, and da (zeroed first, then accumulated over rows). */
  preluBackward?(
    x: Float32Array, a: Float32Array, features: number, dy: Float32Array, dx: Float32Array, da: Float32Array,
  ): void;
  /**
   * y = act(x · Wᵀ + b) for x [batch, inF], W [outF, inF] (PyTorch's layout), b [outF] or null, y [batch, outF].
   * When act is not identity, `preact` (if given) receives x · Wᵀ + b for the backward pass.
   */
  linear?(
    x: Float32Array, w: Float32Array, b: Float32Array | null, batch: number, inF: number, outF: number,
    act: Activation, alpha: number, y: Float32Array, preact: Float32Array | null,
  ): void;
  /**
   * Row-wise log-softmax of logits [rows, classes] into logProbs, and the per-row loss
   * loss[r] = -logProbs[r, target[r]] (targets are class indices stored as floats, already validated).
   */
  crossEntropy?(
    logits: Float32Array, targets: Float32Array, rows: number, classes: number,
    logProbs: Float32Array, loss: Float32Array,
  ): void;
  /** dlogits[r, c] = gradLoss[r] * (exp(logProbs[r, c]) - (c == target[r])). */
  crossEntropyBackward?(
    logProbs: Float32Array, targets: Float32Array, gradLoss: Float32Array, rows: number, classes: number,
    dlogits: Float32Array,
  ): void;
  /**
   * Training-mode BatchNorm over x [rows, features]: writes y, the batch mean and the inverse standard
   * deviation 1/sqrt(biasedVar + eps) per feature. gamma/beta may be null (no affine).
   */
  batchNorm?(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, rows: number, features: number,
    eps: number, y: Float32Array, mean: Float32Array, invStd: Float32Array,
  ): void;
  /** BatchNorm backward from the saved mean/invStd: writes dx, and dgamma/dbeta when given. */
  batchNormBackward?(
    x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array, dy: Float32Array,
    rows: number, features: number, dx: Float32Array, dgamma: Float32Array | null, dbeta: Float32Array | null,
  ): void;
  /**
   * A data loader's batch from a byte dataset (image pixels): rows picked by index, converted and divided,
   * out[r * rowLength + j] = float32(src[rows[start + r] * rowLength + j]) / float32(divisor) for r < count,
   * with one IEEE float32 division per element. Core has checked every index and length.
   */
  gatherBytes?(
    src: Uint8Array, rowLength: number, rows: Uint32Array, start: number, count: number, divisor: number,
    out: Float32Array,
  ): void;
  sgdStep?(param: Float32Array, grad: Float32Array, momentumBuf: Float32Array | null, args: SgdStepArgs): void;
  adamStep?(
    param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array,
    maxExpAvgSq: Float32Array | null, args: AdamStepArgs,
  ): void;
  rmspropStep?(
    param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuf: Float32Array | null,
    gradAvg: Float32Array | null, args: RmspropStepArgs,
  ): void;
  adagradStep?(param: Float32Array, grad: Float32Array, stateSum: Float32Array, args: AdagradStepArgs): void;
}

export interface BackendInfo {
  name: string;
  /** False when the backend is registered but cannot run here (for example an addon that did not build). */
  available: boolean;
  /** Why it is unavailable, or other facts worth telling (ISA in use, thread count). */
  reason?: string;
  details?: Record<string, string | number | boolean>;
}

export interface Backend extends Primitives, FusedKernels {
  readonly name: string;
  info?(): BackendInfo;
  setNumThreads?(n: number): void;
  getNumThreads?(): number;
}

// The contract between @nabla/core and a backend.
//
// A backend computes, and it owns the memory its tensors live in (its `memory`): core asks it for every
// output's storage and never allocates one itself. The CPU backends (js, native) share one host memory, so a
// tensor moves between them for free and the addon reads and writes JavaScript memory in place; a backend
// with memory of its own (WebAssembly linear memory, a GPU) keeps its tensors there.
//
// Required: the primitives below (about twenty ops behind eight entry points). Gradients are written once
// in core over these. Optional: the fused kernels in `FusedKernels`, whose default composition lives in core,
// and kernels registered by name in `kernels`, whose default composition lives in the package that owns the
// domain (optimizer steps in @nabla/optimizers, batch gathering in @nabla/data).

/**
 * A block of float32 elements in a backend's memory. Host memory uses Float32Array itself; any other memory
 * uses objects of its own that implement DeviceStorage.
 */
export interface Storage {
  readonly length: number;
}

/** Storage outside host memory: it names the memory it belongs to. */
export interface DeviceStorage extends Storage {
  readonly memory: Memory;
}

/**
 * Where a backend keeps tensors. Backends that share a Memory (the same object) share tensors without copies.
 * Memory comes back when nothing reaches a storage any more (the garbage collector, or `release` when core
 * can prove it), never through a user's call.
 */
export interface Memory<S extends Storage = Storage> {
  /** 'host' for JavaScript memory; another name for memory of its own. */
  readonly name: string;
  /** Storage of n elements, contents unspecified (the caller writes every element it reads back). */
  alloc(n: number): S;
  /**
   * Elements [offset, offset + n) as a Float32Array: a view of the memory itself when it is host memory
   * (writes show in the tensor), else a copy.
   */
  read(s: S, offset: number, n: number): Float32Array;
  /** Writes `values` into elements [offset, offset + values.length). */
  write(s: S, offset: number, values: Float32Array): void;
  /** Recycles storage that nothing can reach any more (core calls it for the temporaries it proves dead). */
  release(s: S): void;
  /** Storage over the user's host array itself, no copy (host memory only; others copy in `write`). */
  adopt?(values: Float32Array): S;
}

/** A strided view of a backend's memory. A Tensor satisfies this interface, so core passes tensors as they are. */
export interface View<S extends Storage = Float32Array> {
  readonly storage: S;
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
export interface GemmArgs<S extends Storage = Float32Array> {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: S;
  aOffset: number;
  lda: number;
  b: S;
  bOffset: number;
  ldb: number;
  beta: number;
  c: S;
  cOffset: number;
  ldc: number;
}

/**
 * The views that unary, binary, where and copy receive are coalesced by core: no axis of size 1 (unless the
 * view is a single element) and no two adjacent axes that every operand could walk as one, so contiguous
 * operands arrive as one flat axis. Backends still accept any rank; most calls need only flat loops.
 */
export interface Primitives<S extends Storage = Float32Array> {
  /** out[i] = op(x[i]); `out` is contiguous with x.shape. */
  unary(op: UnaryOp, x: View<S>, out: S): void;
  /**
   * out[i] = op(a[i], b[i]); a and b have the same shape as out (broadcast dims have stride 0).
   * `out` may be the storage of a or b when that view is contiguous from offset 0 (an in-place update).
   */
  binary(op: BinaryOp, a: View<S>, b: View<S>, out: S): void;
  /** out[i] = cond[i] != 0 ? a[i] : b[i]; all three views have out's shape. */
  where(cond: View<S>, a: View<S>, b: View<S>, out: S): void;
  /**
   * Reduces x over `axes` (sorted, distinct). `out` is contiguous with x.shape where the reduced axes are 1.
   * max/min of an empty axis is -Infinity/+Infinity; sum of an empty axis is 0.
   */
  reduce(op: ReduceOp, x: View<S>, axes: readonly number[], out: S): void;
  /** Index (as a float) of the first maximum along `axis`; out has x.shape with that axis 1. */
  argmax(x: View<S>, axis: number, out: S): void;
  /** The BLAS sgemm contract; see GemmArgs. */
  gemm(args: GemmArgs<S>): void;
  /** Contiguous copy of a strided view into out[outOffset .. outOffset + size) (outOffset defaults to 0). */
  copy(x: View<S>, out: S, outOffset?: number): void;
  /** out[offset .. offset+length) = value. */
  fill(out: S, value: number, offset: number, length: number): void;
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
 * never allocates per element.
 */
export interface FusedKernels<S extends Storage = Float32Array> {
  /** y = act(x). */
  activation?(act: Activation, alpha: number, x: S, y: S): void;
  /** dx = dy * act'(x); `y` is act(x), which some derivatives use. */
  activationBackward?(
    act: Activation, alpha: number, x: S, y: S, dy: S, dx: S,
  ): void;
  /**
   * PReLU over x of shape [rows, features]: y = x > 0 ? x : a * x, with one slope (a.length == 1) or one
   * per feature (a.length == features).
   */
  prelu?(x: S, a: S, features: number, y: S): void;
  /** PReLU backward: writes dx, and da (zeroed first, then accumulated over rows). */
  preluBackward?(
    x: S, a: S, features: number, dy: S, dx: S, da: S,
  ): void;
  /**
   * y = act(x · Wᵀ + b) for x [batch, inF], W [outF, inF] (PyTorch's layout), b [outF] or null, y [batch, outF].
   * When act is not identity, `preact` (if given) receives x · Wᵀ + b for the backward pass.
   */
  linear?(
    x: S, w: S, b: S | null, batch: number, inF: number, outF: number,
    act: Activation, alpha: number, y: S, preact: S | null,
  ): void;
  /**
   * Row-wise log-softmax of logits [rows, classes] into logProbs, and the per-row loss
   * loss[r] = -logProbs[r, target[r]] (targets are class indices stored as floats, already validated).
   */
  crossEntropy?(
    logits: S, targets: S, rows: number, classes: number,
    logProbs: S, loss: S,
  ): void;
  /** dlogits[r, c] = gradLoss[r] * (exp(logProbs[r, c]) - (c == target[r])). */
  crossEntropyBackward?(
    logProbs: S, targets: S, gradLoss: S, rows: number, classes: number,
    dlogits: S,
  ): void;
  /**
   * Training-mode BatchNorm over x [rows, features]: writes y, the batch mean and the inverse standard
   * deviation 1/sqrt(biasedVar + eps) per feature. gamma/beta may be null (no affine).
   */
  batchNorm?(
    x: S, gamma: S | null, beta: S | null, rows: number, features: number,
    eps: number, y: S, mean: S, invStd: S,
  ): void;
  /** BatchNorm backward from the saved mean/invStd: writes dx, and dgamma/dbeta when given. */
  batchNormBackward?(
    x: S, gamma: S | null, mean: S, invStd: S, dy: S,
    rows: number, features: number, dx: S, dgamma: S | null, dbeta: S | null,
  ): void;
}

/**
 * Kernels a backend registers by name, in its `kernels` record. Their default composition over the primitives
 * lives in the package of their domain (the optimizer steps in @nabla/optimizers, gatherBytes and gatherRows in
 * @nabla/data), which looks them up with `kernel(name)`; the signatures are listed here so that every backend
 * implements the same contract. A backend may register kernels of other names for packages of its own.
 */
export interface NamedKernels<S extends Storage = Float32Array> {
  /**
   * A data loader's batch from a byte dataset (image pixels): rows picked by index, converted and divided,
   * out[r * rowLength + j] = float32(src[rows[start + r] * rowLength + j]) / float32(divisor) for r < count,
   * with one IEEE float32 division per element. The caller has checked every index and length.
   */
  gatherBytes(
    src: Uint8Array, rowLength: number, rows: Uint32Array, start: number, count: number, divisor: number, out: S,
  ): void;
  /**
   * A data loader's batch from a float dataset: rows picked by index, copied as they are,
   * out[r * rowLength + j] = src[rows[start + r] * rowLength + j] for r < count. The caller has checked every
   * index and length.
   */
  gatherRows(src: Float32Array, rowLength: number, rows: Uint32Array, start: number, count: number, out: S): void;
  /** In-place optimizer steps: update `param` and the state arrays (each of the parameter's size). */
  sgdStep(param: S, grad: S, momentumBuf: S | null, args: SgdStepArgs): void;
  adamStep(param: S, grad: S, expAvg: S, expAvgSq: S, maxExpAvgSq: S | null, args: AdamStepArgs): void;
  rmspropStep(param: S, grad: S, squareAvg: S, momentumBuf: S | null, gradAvg: S | null, args: RmspropStepArgs): void;
  adagradStep(param: S, grad: S, stateSum: S, args: AdagradStepArgs): void;
}

export interface BackendInfo {
  name: string;
  /** False when the backend is registered but cannot run here (for example an addon that did not build). */
  available: boolean;
  /** Why it is unavailable, or other facts worth telling (ISA in use, thread count). */
  reason?: string;
  details?: Record<string, string | number | boolean>;
}

export interface Backend<S extends Storage = Float32Array> extends Primitives<S>, FusedKernels<S> {
  readonly name: string;
  /** Where this backend's tensors live; core allocates every output through it. */
  readonly memory: Memory<S>;
  /** Kernels by name (see NamedKernels); a missing one falls back to its package's composition. */
  readonly kernels?: Readonly<Partial<NamedKernels<S>> & Record<string, unknown>>;
  info?(): BackendInfo;
  setNumThreads?(n: number): void;
  getNumThreads?(): number;
}

// Finding, choosing and instantiating the prebuilt module. Node reads the file next to this package's
// dist/ synchronously; browsers fetch it (async). Two builds exist: plain SIMD128, the default, and a
// relaxed-SIMD build whose sgemm uses f32x4.relaxed_madd (fused where the hardware has FMA). The relaxed
// one is opt-in because it rounds differently and its results may vary between machines.

export type Variant = 'simd128' | 'relaxed-simd';

export interface LoadOptions {
  /** Use the relaxed-SIMD (FMA) build when the engine validates it. Default false: reproducible results. */
  relaxed?: boolean;
  /**
   * Module bytes or a compiled module to use instead of the packaged file (bundlers, custom hosting); it is
   * reported as the 'simd128' variant, whichever build it is.
   */
  source?: BufferSource | WebAssembly.Module;
}

export interface NablaExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  plan_ptr(): number;
  unary(op: number, x: number, out: number): void;
  binary(op: number, a: number, b: number, out: number): void;
  where(cond: number, a: number, b: number, out: number): void;
  copy(x: number, out: number): void;
  fill(out: number, value: number, n: number): void;
  reduce_contiguous(op: number, x: number, n: number, rows: number, out: number): void;
  reduce_strided(op: number, x: number, out: number, outSize: number, acc: number): void;
  argmax(x: number, out: number): void;
  sgemm(
    transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number,
  ): void;
  activation(act: number, alpha: number, x: number, y: number, n: number): void;
  activation_backward(act: number, alpha: number, x: number, y: number, dy: number, dx: number, n: number): void;
  prelu(x: number, a: number, shared: number, rows: number, features: number, y: number): void;
  prelu_backward(
    x: number, a: number, shared: number, rows: number, features: number, dy: number, dx: number, da: number,
    acc: number,
  ): void;
  linear(
    x: number, w: number, b: number, batch: number, inF: number, outF: number, act: number, alpha: number,
    y: number, preact: number,
  ): void;
  cross_entropy(logits: number, targets: number, rows: number, classes: number, logProbs: number, loss: number): void;
  cross_entropy_backward(
    logProbs: number, targets: number, gradLoss: number, rows: number, classes: number, dlogits: number,
  ): void;
  batch_norm(
    x: number, gamma: number, beta: number, rows: number, features: number, eps: number, y: number, mean: number,
    invStd: number, scratch: number,
  ): void;
  batch_norm_backward(
    x: number, gamma: number, mean: number, invStd: number, dy: number, rows: number, features: number, dx: number,
    dgamma: number, dbeta: number, scratch: number,
  ): void;
  divide(out: number, n: number, d: number): void;
  sgd_step(
    param: number, grad: number, buf: number, n: number, lr: number, momentum: number, dampening: number,
    nesterov: number, weightDecay: number, firstStep: number,
  ): void;
  adam_step(
    param: number, grad: number, expAvg: number, expAvgSq: number, maxExpAvgSq: number, n: number, beta1: number,
    beta2: number, eps: number, weightDecay: number, decoupled: number, stepSize: number, bc2Sqrt: number,
    decay: number,
  ): void;
  rmsprop_step(
    param: number, grad: number, squareAvg: number, buf: number, gradAvg: number, n: number, lr: number,
    alpha: number, eps: number, weightDecay: number, momentum: number,
  ): void;
  adagrad_step(param: number, grad: number, stateSum: number, n: number, clr: number, eps: number, weightDecay: number): void;
}

export interface Loaded {
  exports: NablaExports;
  variant: Variant;
}


// The engine's own Math functions: the kernels' exp/log/pow/tanh/expm1 are then the very values backend-js
// computes (V8 recognises these imports and calls its C implementations directly).
const imports = { math: { exp: Math.exp, log: Math.log, pow: Math.pow, tanh: Math.tanh, expm1: Math.expm1 } };

// Literal `new URL('…', import.meta.url)` expressions, which bundlers recognise and copy as assets.
function fileUrl(variant: Variant): URL {
  return variant === 'simd128'
    ? new URL('../wasm/nabla.wasm', import.meta.url)
    : new URL('../wasm/nabla-relaxed.wasm', import.meta.url);
}

const compiled = new Map<Variant, WebAssembly.Module>();

function instantiate(module: WebAssembly.Module, variant: Variant): Loaded {
  const instance = new WebAssembly.Instance(module, imports);
  return { exports: instance.exports as unknown as NablaExports, variant };
}

interface NodeFs {
  readFileSync(path: URL): Uint8Array<ArrayBuffer>;
}

function nodeFs(): NodeFs | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
}

/** Synchronous loading: Node (reads the packaged file), or any host given `source`. */
export function loadSync(options: LoadOptions = {}): Loaded {
  if (options.source instanceof WebAssembly.Module) return instantiate(options.source, 'simd128');
  if (options.source) return instantiate(new WebAssembly.Module(options.source), 'simd128');
  const fs = nodeFs();
  if (!fs) {
    throw new Error(
      'WasmKernels.load() reads the module synchronously, which needs Node.js (process.getBuiltinModule); ' +
      'in a browser, use `await WasmKernels.init()`',
    );
  }
  const variant = pickVariant(options, (v) => fs.readFileSync(fileUrl(v)));
  let module = compiled.get(variant);
  if (!module) {
    module = new WebAssembly.Module(fs.readFileSync(fileUrl(variant)));
    compiled.set(variant, module);
  }
  return instantiate(module, variant);
}

/** Asynchronous loading: fetches the packaged file in a browser, reads it in Node. */
export async function loadAsync(options: LoadOptions = {}): Promise<Loaded> {
  if (options.source || nodeFs()) return loadSync(options);
  const bytes = async (v: Variant) => (await fetch(fileUrl(v))).arrayBuffer();
  let variant: Variant = 'simd128';
  let data: ArrayBuffer | undefined;
  if (options.relaxed) {
    const relaxed = await bytes('relaxed-simd');
    if (WebAssembly.validate(relaxed)) [variant, data] = ['relaxed-simd', relaxed];
  }
  let module = compiled.get(variant);
  if (!module) {
    module = await WebAssembly.compile(data ?? (await bytes(variant)));
    compiled.set(variant, module);
  }
  return instantiate(module, variant);
}

const validated = new Map<Variant, boolean>();

function pickVariant(options: LoadOptions, read: (v: Variant) => BufferSource): Variant {
  if (!options.relaxed) return 'simd128';
  let ok = validated.get('relaxed-simd');
  if (ok === undefined) {
    const valid = WebAssembly.validate(read('relaxed-simd'));
    validated.set('relaxed-simd', valid);
    ok = valid;
  }
  return ok ? 'relaxed-simd' : 'simd128';
}

// Runs every primitive and fused kernel once, on inputs full of denormals, NaN, ±Infinity and ±0, at sizes
// large enough to be split over the thread pool (odd, so chunk edges fall inside vector blocks), and returns
// the bits of every output by name. The bitwise test compares these across thread counts and ISA paths.
import type { Activation, BinaryOp, Backend, UnaryOp, View } from '@nabla/core';

import { rng } from './helpers.js';

/** Float32 values whose handling differs when a thread flushes denormals or takes another code path. */
export const SPECIALS = [
  0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 1.4e-45, -1.4e-45, 1.1754942e-38, -1.1754942e-38,
  1.17549435e-38, -1.17549435e-38, 3e38, -3e38, 1, -1, 0.5, 88.8, -104,
];

const cache = new Map<string, Float32Array>();

/** Each input is made once and copied for every run (inputs of the in-place kernels change). */
function cached(key: string, make: () => Float32Array): Float32Array {
  let a = cache.get(key);
  if (!a) cache.set(key, (a = make()));
  return a.slice();
}

/** One value in four special, one tiny (products and differences land among the denormals), the rest normal. */
export function hostileArray(seed: number, n: number, scale = 4): Float32Array {
  return cached(`hostile ${seed} ${n} ${scale}`, () => makeHostile(seed, n, scale));
}

function makeHostile(seed: number, n: number, scale: number): Float32Array {
  const rand = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.25) out[i] = SPECIALS[Math.floor(rand() * SPECIALS.length)]!;
    else if (r < 0.5) out[i] = (rand() - 0.5) * 4e-19;
    else out[i] = (rand() - 0.5) * 2 * scale;
  }
  return out;
}

/** Like hostileArray but finite: for kernels where one NaN would make every output NaN. */
export function tinyArray(seed: number, n: number): Float32Array {
  return cached(`tiny ${seed} ${n}`, () => makeTiny(seed, n));
}

function makeTiny(seed: number, n: number): Float32Array {
  const rand = rng(seed);
  return Float32Array.from({ length: n }, () => {
    const r = rand();
    if (r < 0.2) return 0;
    if (r < 0.3) return (rand() - 0.5) * 2e-39; // denormal
    if (r < 0.6) return (rand() - 0.5) * 4e-19; // products underflow into the denormals
    return (rand() - 0.5) * 2;
  });
}

const flat = (storage: Float32Array): View => ({ storage, shape: [storage.length], strides: [1], offset: 0 });
const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

const N = 4 * 32768 + 7; // 4 chunks at the largest grain
const ROWS = 395;
const COLS = 331;
const IMAGES = Uint8Array.from({ length: 300 * 784 }, (_, i) => (i * 2654435761) >>> 24);
const ORDER = Uint32Array.from({ length: 300 }, (_, i) => (i * 7919) % 300);
const ACTIVATIONS: Activation[] = ['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'swish'];
const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'abs'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];

function primitives(b: Backend, out: Map<string, Uint32Array>, keep: (name: string) => boolean = () => true): void {
  const record = (name: string, size: number, compute: (o: Float32Array) => void): void => {
    if (!keep(name)) return;
    const o = new Float32Array(size);
    compute(o);
    out.set(name, bits(o));
  };
  const x = hostileArray(1, N);
  const y = hostileArray(2, N);
  for (const op of UNARY) record(`unary ${op}`, N, (o) => b.unary(op, flat(x), o));
  const matrix: View = { storage: x, shape: [ROWS, COLS], strides: [COLS, 1], offset: 0 };
  const row: View = { storage: y, shape: [ROWS, COLS], strides: [0, 1], offset: 5 };
  for (const op of BINARY) {
    record(`binary ${op}`, N, (o) => b.binary(op, flat(x), flat(y), o));
    record(`binary ${op} broadcast`, ROWS * COLS, (o) => b.binary(op, matrix, row, o));
  }
  record('where', N, (o) => b.where(flat(hostileArray(3, N)), flat(x), flat(y), o));
  const transposed: View = { storage: x, shape: [COLS, ROWS], strides: [1, COLS], offset: 0 };
  record('copy transposed', ROWS * COLS, (o) => b.copy(transposed, o));
  for (const op of ['sum', 'max', 'min'] as const) {
    for (const axes of [[0], [1], [0, 1]]) {
      const size = axes.length === 2 ? 1 : axes[0] === 0 ? COLS : ROWS;
      const finite = { ...matrix, storage: tinyArray(4, N) };
      for (const [name, v] of [['hostile', matrix], ['finite', finite]] as const) {
        record(`reduce ${op} [${axes}] ${name}`, size, (o) => b.reduce(op, v, axes, o));
      }
    }
  }
  for (const axis of [0, 1]) record(`argmax ${axis}`, axis === 0 ? COLS : ROWS, (o) => b.argmax(matrix, axis, o));
  record('fill', N, (o) => b.fill(o, 1e-40, 3, N - 5));
}

// The blocked GEMM path, then the direct kernel for narrow shapes (m, n or k < 16), with alpha 1 and beta 0
// (whose epilogue is a plain store) as well as general scalings.
const GEMM_SHAPES: [string, number, number, number, number, number][] = [
  ['', 197, 203, 211, 0.75, 0.5],
  [' m10', 10, 203, 211, 1, 0],
  [' n10', 197, 10, 211, 0.75, 0.5],
  [' k10', 197, 203, 10, 1, 0],
  [' m5 k7', 5, 45, 7, -2, 0.25],
  [' m8 k1100', 8, 1100, 1100, 1, 0], // split over the pool by columns, and long enough in k to be blocked
];

function gemms(b: Backend, out: Map<string, Uint32Array>): void {
  for (const [shape, m, n, k, alpha, beta] of GEMM_SHAPES) {
    for (const [name, a, bb] of [
      ['tiny', tinyArray(5, m * k), tinyArray(6, k * n)],
      ['hostile', hostileArray(7, m * k, 1), tinyArray(8, k * n)],
    ] as const) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
        const c = tinyArray(9, m * n);
        b.gemm({
          transA, transB, m, n, k, alpha, a, aOffset: 0, lda: transA ? m : k, b: bb, bOffset: 0,
          ldb: transB ? k : n, beta, c, cOffset: 0, ldc: n,
        });
        out.set(`gemm ${name}${shape} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, bits(c));
      }
    }
  }
  const batch = 257;
  const inF = 129;
  const outF = 131;
  const x = tinyArray(10, batch * inF);
  const w = tinyArray(11, outF * inF);
  const bias = hostileArray(12, outF, 1);
  for (const act of ACTIVATIONS) {
    const y = new Float32Array(batch * outF);
    const pre = new Float32Array(batch * outF);
    b.linear!(x, w, bias, batch, inF, outF, act, 0.2, y, pre);
    out.set(`linear ${act}`, bits(y));
    out.set(`linear ${act} preact`, bits(pre));
  }
}

function fused(b: Backend, out: Map<string, Uint32Array>): void {
  const x = hostileArray(13, N, 20);
  const dy = hostileArray(14, N);
  for (const act of ACTIVATIONS) {
    const y = new Float32Array(N);
    b.activation!(act, 0.2, x, y);
    const dx = new Float32Array(N);
    b.activationBackward!(act, 0.2, x, y, dy, dx);
    out.set(`activation ${act}`, bits(y));
    out.set(`activation ${act} backward`, bits(dx));
  }
  for (const features of [1, COLS]) {
    const slope = hostileArray(15, features, 1);
    const xs = x.subarray(0, ROWS * COLS);
    const ys = new Float32Array(ROWS * COLS);
    b.prelu!(xs, slope, features, ys);
    const dx = new Float32Array(ROWS * COLS);
    const da = new Float32Array(features);
    b.preluBackward!(xs, slope, features, dy.subarray(0, ROWS * COLS), dx, da);
    out.set(`prelu ${features}`, bits(ys));
    out.set(`prelu ${features} backward dx`, bits(dx));
    out.set(`prelu ${features} backward da`, bits(da));
  }
  const rows = 2011;
  const classes = 37;
  const logits = hostileArray(16, rows * classes, 30);
  const rand = rng(17);
  const targets = Float32Array.from({ length: rows }, () => Math.floor(rand() * classes));
  const logProbs = new Float32Array(rows * classes);
  const loss = new Float32Array(rows);
  b.crossEntropy!(logits, targets, rows, classes, logProbs, loss);
  const dlogits = new Float32Array(rows * classes);
  b.crossEntropyBackward!(logProbs, targets, hostileArray(18, rows, 1), rows, classes, dlogits);
  out.set('crossEntropy logProbs', bits(logProbs));
  out.set('crossEntropy loss', bits(loss));
  out.set('crossEntropy backward', bits(dlogits));

  const bx = tinyArray(19, ROWS * COLS);
  const gamma = hostileArray(20, COLS, 1);
  const beta = hostileArray(21, COLS, 1);
  const by = new Float32Array(ROWS * COLS);
  const mean = new Float32Array(COLS);
  const invStd = new Float32Array(COLS);
  b.batchNorm!(bx, gamma, beta, ROWS, COLS, 1e-5, by, mean, invStd);
  const bdx = new Float32Array(ROWS * COLS);
  const dgamma = new Float32Array(COLS);
  const dbeta = new Float32Array(COLS);
  b.batchNormBackward!(bx, gamma, mean, invStd, tinyArray(22, ROWS * COLS), ROWS, COLS, bdx, dgamma, dbeta);
  for (const [name, a] of Object.entries({ by, mean, invStd, bdx, dgamma, dbeta })) out.set(`batchNorm ${name}`, bits(a));

  const gathered = new Float32Array(200 * 784);
  b.kernels!.gatherBytes!(IMAGES, 784, ORDER, 50, 200, 255, gathered);
  out.set('gatherBytes', bits(gathered));
}

function optimizerSteps(b: Backend, out: Map<string, Uint32Array>): void {
  const state = (seed: number): Float32Array => tinyArray(seed, N);
  const positive = (seed: number): Float32Array => state(seed).map(Math.abs);
  const grad = hostileArray(30, N, 1);
  const finiteGrad = tinyArray(31, N);
  for (const [name, g] of [['hostile', grad], ['finite', finiteGrad]] as const) {
    const p = state(32);
    const mom = state(33);
    b.kernels!.sgdStep!(p, g, mom, { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-4, firstStep: false });
    out.set(`sgd ${name}`, bits(p));
    out.set(`sgd ${name} momentum`, bits(mom));
    for (const amsgrad of [false, true]) {
      const pa = state(34);
      const m = state(35);
      const v = positive(36);
      const vmax = positive(37);
      b.kernels!.adamStep!(pa, g, m, v, amsgrad ? vmax : null, {
        lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: amsgrad, amsgrad, step: 7,
      });
      for (const [part, a] of Object.entries({ pa, m, v, vmax })) out.set(`adam ${name} ${amsgrad} ${part}`, bits(a));
    }
    const pr = state(38);
    const sq = positive(39);
    const rm = state(40);
    const ga = state(41);
    b.kernels!.rmspropStep!(pr, g, sq, rm, ga, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0.9, centered: true });
    for (const [part, a] of Object.entries({ pr, sq, rm, ga })) out.set(`rmsprop ${name} ${part}`, bits(a));
    const pg = state(42);
    const sum = positive(43);
    b.kernels!.adagradStep!(pg, g, sum, { clr: 1e-2, eps: 1e-10, weightDecay: 0 });
    out.set(`adagrad ${name}`, bits(pg));
    out.set(`adagrad ${name} sum`, bits(sum));
  }
}

/** The outputs of the primitives (unary, binary, where, copy, reductions, argmax, fill) whose names `keep` takes. */
export function runPrimitives(b: Backend, keep: (name: string) => boolean): Map<string, Uint32Array> {
  const out = new Map<string, Uint32Array>();
  primitives(b, out, keep);
  return out;
}

/** Every kernel's outputs, as bits, by a name that says which kernel and which output. */
export function runEveryKernel(b: Backend): Map<string, Uint32Array> {
  const out = new Map<string, Uint32Array>();
  primitives(b, out);
  gemms(b, out);
  fused(b, out);
  optimizerSteps(b, out);
  return out;
}

const isNanBits = (u: number): boolean => (u & 0x7fffffff) > 0x7f800000;

/**
 * The names whose bits differ between two runs, with the first differing index and both values. With
 * `anyNan`, NaNs of any sign or payload count as equal.
 */
export function differences(a: Map<string, Uint32Array>, b: Map<string, Uint32Array>, anyNan = false): string[] {
  const diffs: string[] = [];
  for (const [name, x] of a) {
    const y = b.get(name);
    if (!y || y.length !== x.length) {
      diffs.push(`${name}: missing or of another length`);
      continue;
    }
    if (Buffer.from(x.buffer).equals(Buffer.from(y.buffer))) continue;
    const same = (i: number): boolean => x[i] === y[i] || (anyNan && isNanBits(x[i]!) && isNanBits(y[i]!));
    for (let i = 0; i < x.length; i++) {
      if (!same(i)) {
        const f = (u: number): number => new Float32Array(Uint32Array.of(u).buffer)[0]!;
        let count = 0;
        for (let j = i; j < x.length; j++) if (!same(j)) count++;
        diffs.push(`${name}: ${count} of ${x.length} differ, first at ${i}: ${f(x[i]!)} vs ${f(y[i]!)}`);
        break;
      }
    }
  }
  return diffs;
}

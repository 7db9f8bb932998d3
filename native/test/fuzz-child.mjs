/* global process, console, structuredClone -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// Fuzzes every entry point of the addon with random and hostile arguments. Run in a child process by
// fuzz.test.ts: a crash (signal) or a non-zero exit fails the test. Every array is a window into a larger
// buffer with guard zones, checked after every call, so an out-of-bounds write is caught even when it does
// not crash. Any error other than TypeError/RangeError exits with status 3; a damaged guard with 4.
//
//   node fuzz-child.mjs <path to nabla.node> <seed> <iterations>
import { createRequire } from 'node:module';

const [, , addonPath, seedArg = '1', iterArg = '20000'] = process.argv;
const addon = createRequire(import.meta.url)(addonPath);

let state = Number(seedArg) >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (list) => list[int(list.length)];

const GUARD = 16;
const SENTINEL = 7777.5;
let guarded = [];

/** A Float32Array of n elements inside a buffer with sentinel guard zones on both sides. */
function arr(n) {
  const parent = new Float32Array(n + 2 * GUARD);
  parent.fill(SENTINEL, 0, GUARD);
  parent.fill(SENTINEL, GUARD + n);
  for (let i = GUARD; i < GUARD + n; i++) parent[i] = rand() * 4 - 2;
  guarded.push({ parent, n });
  return parent.subarray(GUARD, GUARD + n);
}

function guardsIntact() {
  for (const { parent, n } of guarded) {
    if (parent.length !== n + 2 * GUARD) continue; // detached by the fuzzer
    for (let i = 0; i < GUARD; i++) {
      if (parent[i] !== SENTINEL || parent[GUARD + n + i] !== SENTINEL) return false;
    }
  }
  return true;
}

const HOSTILE_NUMBERS = [NaN, Infinity, -Infinity, -1, -0, 0.5, 1e-300, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 60, 1e300, -(2 ** 53), 64, 65, 1000];
const HOSTILE_VALUES = ['x', null, undefined, {}, [], [1, 2], true, 10n, Symbol('s'), () => 1, { length: 3 }];

function detachedF32(n) {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

function hostileArray() {
  switch (int(8)) {
    case 0: return new Float64Array(int(8));
    case 1: return new Int32Array(int(8));
    case 2: return new Uint8Array(int(8));
    case 3: return detachedF32(int(8));
    case 4: return new Float32Array(0);
    case 5: return arr(int(3));
    case 6: return new Float32Array(new SharedArrayBuffer(8));
    default: return new ArrayBuffer(8);
  }
}

function hostile() {
  const r = rand();
  if (r < 0.4) return pick(HOSTILE_NUMBERS);
  if (r < 0.7) return pick(HOSTILE_VALUES);
  return hostileArray();
}

function shape(maxRank = 3) {
  const n = int(maxRank + 1);
  return Array.from({ length: n }, () => int(5));
}
const numel = (s) => s.reduce((p, d) => p * d, 1);

/** meta numbers for views over `s`: each view contiguous (or broadcast) at a random offset, plus its array. */
function views(s, count) {
  const meta = [s.length, ...s];
  const arrays = [];
  for (let v = 0; v < count; v++) {
    const broadcast = rand() < 0.3;
    let acc = 1;
    const strides = new Array(s.length);
    for (let d = s.length - 1; d >= 0; d--) {
      strides[d] = broadcast && rand() < 0.5 ? 0 : acc;
      if (strides[d] !== 0) acc *= s[d];
    }
    const offset = int(3);
    meta.push(offset, ...strides);
    arrays.push(arr(acc + offset));
  }
  return { meta, arrays };
}

const f64 = (list) => Float64Array.from(list);
const code = (names) => (rand() < 0.95 ? int(names.length) : pick([-1, names.length, 0.5, NaN]));

const BUILDERS = {
  unary() { const s = shape(); const { meta, arrays } = views(s, 1); return [code(addon.unaryOps), f64(meta), arrays[0], arr(numel(s))]; },
  binary() { const s = shape(); const { meta, arrays } = views(s, 2); return [code(addon.binaryOps), f64(meta), ...arrays, arr(numel(s))]; },
  where() { const s = shape(); const { meta, arrays } = views(s, 3); return [f64(meta), ...arrays, arr(numel(s))]; },
  copy() { const s = shape(); const { meta, arrays } = views(s, 1); return [f64(meta), arrays[0], arr(numel(s))]; },
  fill() { const n = int(10); return [arr(n), rand(), int(n + 1), int(n + 1)]; },
  reduce() {
    const s = shape(); const { meta, arrays } = views(s, 1);
    const axes = s.map((_, d) => d).filter(() => rand() < 0.5);
    const out = numel(s.map((d, i) => (axes.includes(i) ? 1 : d)));
    return [code(addon.reduceOps), f64([...meta, axes.length, ...axes]), arrays[0], arr(out)];
  },
  argmax() {
    const s = shape(); if (s.length === 0) s.push(2); const { meta, arrays } = views(s, 1);
    const axis = int(s.length);
    return [f64([...meta, axis]), arrays[0], arr(numel(s.map((d, i) => (i === axis ? 1 : d))))];
  },
  gemm() {
    const [m, n, k] = [int(5), int(5), int(5)]; const [ta, tb] = [int(2), int(2)];
    const [ar, ac] = ta ? [k, m] : [m, k]; const [br, bc] = tb ? [n, k] : [k, n];
    const [lda, ldb, ldc] = [ac + int(2), bc + int(2), n + int(2)];
    return [f64([ta, tb, m, n, k, rand(), 0, lda, 0, ldb, int(2), 0, ldc]), arr(ar * lda), arr(br * ldb), arr(m * ldc)];
  },
  linear() {
    const [b, i, o] = [int(4), int(4), int(4)];
    return [f64([b, i, o, int(7), 0.1]), arr(b * i), arr(o * i), rand() < 0.5 ? arr(o) : null, arr(b * o), rand() < 0.5 ? arr(b * o) : null];
  },
  activation() { const n = int(9); return [code(addon.activations), 0.1, arr(n), arr(n)]; },
  activationBackward() { const n = int(9); return [code(addon.activations), 0.1, arr(n), arr(n), arr(n), arr(n)]; },
  prelu() { const [r, f] = [int(4), 1 + int(4)]; return [arr(r * f), arr(rand() < 0.5 ? 1 : f), f, arr(r * f)]; },
  preluBackward() {
    const [r, f] = [int(4), 1 + int(4)]; const na = rand() < 0.5 ? 1 : f;
    return [arr(r * f), arr(na), f, arr(r * f), arr(r * f), arr(na)];
  },
  crossEntropy() {
    const [r, c] = [int(4), 1 + int(4)]; const t = arr(r); t.forEach((_, i) => { t[i] = int(c); });
    return [arr(r * c), t, r, c, arr(r * c), arr(r)];
  },
  crossEntropyBackward() {
    const [r, c] = [int(4), 1 + int(4)]; const t = arr(r); t.forEach((_, i) => { t[i] = int(c); });
    return [arr(r * c), t, arr(r), r, c, arr(r * c)];
  },
  batchNorm() {
    const [r, f] = [int(4), int(4)]; const affine = rand() < 0.5;
    return [f64([r, f, 1e-5]), arr(r * f), affine ? arr(f) : null, affine ? arr(f) : null, arr(r * f), arr(f), arr(f)];
  },
  batchNormBackward() {
    const [r, f] = [int(4), int(4)]; const affine = rand() < 0.5;
    return [f64([r, f]), arr(r * f), affine ? arr(f) : null, arr(f), arr(f), arr(r * f), arr(r * f), affine ? arr(f) : null, affine ? arr(f) : null];
  },
  sgdStep() { const n = int(9); return [f64([0.1, int(2) * 0.9, 0, int(2), 0.01, int(2)]), arr(n), arr(n), rand() < 0.8 ? arr(n) : null]; },
  adamStep() {
    const n = int(9); const ams = int(2);
    return [f64([0.1, 0.9, 0.999, 1e-8, 0.01, int(2), ams, 1 + int(3)]), arr(n), arr(n), arr(n), arr(n), rand() < 0.8 ? arr(n) : null];
  },
  rmspropStep() {
    const n = int(9);
    return [f64([0.01, 0.99, 1e-8, 0, int(2) * 0.9, int(2)]), arr(n), arr(n), arr(n), rand() < 0.7 ? arr(n) : null, rand() < 0.7 ? arr(n) : null];
  },
  adagradStep() { const n = int(9); return [f64([0.1, 1e-10, 0]), arr(n), arr(n), arr(n)]; },
  gatherBytes() {
    // Indices up to one past the last row, so some calls must be refused.
    const [row, rows, count, start] = [1 + int(4), int(5), int(4), int(3)];
    const indices = new Uint32Array(start + count + int(2)).map(() => int(rows + 1));
    return [new Uint8Array(row * rows + int(3)).map(() => int(256)), row, indices, start, count, pick([255, 1, 3.5]), arr(count * row)];
  },
  gatherRows() {
    const [row, rows, count, start] = [1 + int(4), int(5), int(4), int(3)];
    const indices = new Uint32Array(start + count + int(2)).map(() => int(rows + 1));
    return [arr(row * rows + int(3)), row, indices, start, count, arr(count * row)];
  },
  setNumThreads() { return [1 + int(2)]; },
  getNumThreads() { return []; },
  setIsa() { return [pick(['portable', 'avx2', 'avx512'])]; },
  info() { return []; },
};

function mutate(args) {
  const r = rand();
  if (r < 0.25) return args; // valid call
  if (r < 0.3) return args.slice(0, int(args.length + 1)); // too few
  if (r < 0.33) return [...args, hostile()]; // extra argument: ignored
  if (r < 0.36) return Array.from({ length: int(10) }, hostile); // garbage
  const out = [...args];
  for (let m = 1 + int(3); m > 0 && out.length > 0; m--) {
    const i = int(out.length);
    if (out[i] instanceof Float64Array && rand() < 0.7) {
      const meta = Float64Array.from(out[i]);
      if (rand() < 0.2) { out[i] = meta.subarray(0, int(meta.length)); continue; }
      meta[int(meta.length)] = rand() < 0.5 ? pick(HOSTILE_NUMBERS) : int(40) - 20;
      out[i] = meta;
    } else if (out[i] instanceof Float32Array && out[i].length > 0 && rand() < 0.5) {
      out[i] = rand() < 0.5 ? out[i].subarray(0, int(out[i].length)) : detachedF32(out[i].length);
    } else {
      out[i] = hostile();
    }
  }
  return out;
}

const counts = { calls: 0, ok: 0, TypeError: 0, RangeError: 0 };
const names = Object.keys(BUILDERS);
for (const name of names) {
  if (typeof addon[name] !== 'function') {
    console.error(`fuzz: addon has no entry point '${name}'`);
    process.exit(5);
  }
}
const iterations = Number(iterArg);
for (let it = 0; it < iterations; it++) {
  guarded = [];
  const name = names[it % names.length];
  const args = mutate(BUILDERS[name]());
  counts.calls++;
  try {
    addon[name](...args);
    counts.ok++;
  } catch (err) {
    if (!(err instanceof TypeError || err instanceof RangeError)) {
      console.error(`fuzz: ${name} threw ${err?.constructor?.name}: ${err?.message ?? String(err)}`);
      process.exit(3);
    }
    counts[err.constructor.name]++;
  }
  if (!guardsIntact()) {
    console.error(`fuzz: ${name} wrote outside its arrays (iteration ${it})`);
    process.exit(4);
  }
}
addon.setNumThreads(2);
console.log(JSON.stringify(counts));

// Training speed of the MNIST MLP 784-256-128-10 (ReLU, softmax cross-entropy, Adam lr 1e-3, batch 128) on
// the wasm backend, the js backend and TensorFlow.js 4.22's wasm backend (XNNPACK, SIMD, 1 thread), in one
// process, alternating between them in rounds so that a busy machine slows each about equally. Every
// implementation starts from the same weights and cycles through the same pre-made batches (the input
// pipeline is not timed). Prints samples/s and the ratios.
// Run: pnpm --filter @nabla/backend-wasm bench:train   (TRAIN_STEPS, TRAIN_WARMUP, TRAIN_ROUNDS to change)

import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import '@nabla/backend-js';
import { Generator, backendInfo, linear, randn, setBackend, softmaxCrossEntropy, tensor, zeros, type Tensor } from '@nabla/core';
import { loadMnist } from '@nabla/data';
import { Adam } from '@nabla/optimizers';
import '../src/index.js';

const SIZES = [784, 256, 128, 10];
const BATCH = 128;
const BATCHES = 32;
const WARMUP = Number(process.env.TRAIN_WARMUP ?? 50);
const STEPS = Number(process.env.TRAIN_STEPS ?? 300);
const ROUNDS = Number(process.env.TRAIN_ROUNDS ?? 6);
const PER_ROUND = Math.ceil(STEPS / ROUNDS);

// The event loop must turn once per step, as it does under the data loader's `for await`, so that storage
// the collector has found comes back (see docs/memory.md).
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

setBackend('js');
const mnist = loadMnist({ split: 'train' });
const pixels = mnist.x.data();
const labels = mnist.y.data();
const batchX: Float32Array[] = [];
const batchY: Float32Array[] = [];
for (let b = 0; b < BATCHES; b++) {
  batchX.push(pixels.slice(b * BATCH * 784, (b + 1) * BATCH * 784));
  batchY.push(labels.slice(b * BATCH, (b + 1) * BATCH));
}

// He initialisation from one seed; every implementation starts from these values.
const gen = new Generator(42);
const init: { w: Float32Array; b: Float32Array; inF: number; outF: number }[] = [];
for (let l = 0; l + 1 < SIZES.length; l++) {
  const inF = SIZES[l]!, outF = SIZES[l + 1]!;
  init.push({ w: Float32Array.from(randn([outF, inF], { generator: gen, std: Math.sqrt(2 / inF) }).data()), b: new Float32Array(outF), inF, outF });
}

interface Trainer {
  /** Runs `steps` training steps; resolves with the last loss. */
  run(steps: number): Promise<number>;
}

function nablaTrainer(backend: string): Trainer {
  setBackend(backend);
  const params: Tensor[] = [];
  for (const l of init) {
    params.push(tensor(l.w.slice(), [l.outF, l.inF]).requiresGrad_());
    params.push(zeros([l.outF]).requiresGrad_());
  }
  const xs = batchX.map((x) => tensor(x.slice(), [BATCH, 784]));
  const ys = batchY.map((y) => tensor(y.slice(), [BATCH]));
  const opt = new Adam(params, { lr: 1e-3 });
  let i = 0;
  return {
    async run(steps) {
      setBackend(backend);
      let last: Tensor | null = null;
      for (let s = 0; s < steps; s++, i++) {
        const [w1, b1, w2, b2, w3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
        opt.zeroGrad();
        const h = linear(linear(xs[i % BATCHES]!, w1, b1, 'relu'), w2, b2, 'relu');
        const loss = softmaxCrossEntropy(linear(h, w3, b3), ys[i % BATCHES]!).mean();
        loss.backward();
        opt.step();
        last = loss;
        await yieldToEventLoop();
      }
      return last!.item();
    },
  };
}

async function tfjsTrainer(): Promise<Trainer> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  // PyTorch's layout (W is [out, in]) as in nabla, so y = x·Wᵀ + b. The gradients are written out with tf ops
  // (the ones tfjs's autograd would run: tfjs-core's Node bundle registers no gradient functions) and handed
  // to tf.train.adam.
  const names = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'];
  const vars = init.flatMap((l, i) => [
    tf.variable(tf.tensor2d(l.w, [l.outF, l.inF]), true, names[2 * i]),
    tf.variable(tf.tensor1d(l.b), true, names[2 * i + 1]),
  ]) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const xs = batchX.map((x) => tf.tensor2d(x, [BATCH, 784]));
  const ys = batchY.map((y) => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), 10), 'float32'));
  const opt = tf.train.adam(1e-3);
  let i = 0;
  const step = (x: tf.Tensor2D, y: tf.Tensor): tf.Scalar => {
    const [w1, b1, w2, b2, w3, b3] = vars;
    const z1 = tf.add(tf.matMul(x, w1, false, true), b1);
    const h1 = tf.relu(z1);
    const z2 = tf.add(tf.matMul(h1, w2, false, true), b2);
    const h2 = tf.relu(z2);
    const logits = tf.add(tf.matMul(h2, w3, false, true), b3);
    const logProbs = tf.logSoftmax(logits);
    const loss = tf.neg(tf.mean(tf.sum(tf.mul(y, logProbs), 1)));
    const dLogits = tf.div(tf.sub(tf.exp(logProbs), y), BATCH);
    const dZ2 = tf.mul(tf.matMul(dLogits, w3), tf.step(z2));
    const dZ1 = tf.mul(tf.matMul(dZ2, w2), tf.step(z1));
    opt.applyGradients({
      w3: tf.matMul(dLogits, h2, true, false), b3: tf.sum(dLogits, 0),
      w2: tf.matMul(dZ2, h1, true, false), b2: tf.sum(dZ2, 0),
      w1: tf.matMul(dZ1, x, true, false), b1: tf.sum(dZ1, 0),
    });
    return loss as tf.Scalar;
  };
  return {
    async run(steps) {
      let last = NaN;
      for (let s = 0; s < steps; s++, i++) {
        const x = xs[i % BATCHES]!, y = ys[i % BATCHES]!;
        const loss = tf.tidy(() => step(x, y));
        if (s === steps - 1) last = loss.dataSync()[0]!;
        loss.dispose();
        await yieldToEventLoop();
      }
      return last;
    },
  };
}

const impls: [string, Trainer][] = [
  ['nabla wasm', nablaTrainer('wasm')],
  ['nabla js', nablaTrainer('js')],
];
if (process.env.TRAIN_NO_TFJS !== '1') impls.push(['tfjs-wasm 4.22', await tfjsTrainer()]);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`MNIST MLP ${SIZES.join('-')}, batch ${BATCH}, Adam 1e-3, ReLU; ${WARMUP} warm-up + ${PER_ROUND * ROUNDS} timed steps each`);
console.log(`${new Date().toISOString().slice(0, 10)}, ${cpu}, Node ${process.version}, wasm variant ${String(backendInfo('wasm').details?.variant)}`);

const time: Record<string, number> = {};
const loss: Record<string, number> = {};
for (const [name, t] of impls) {
  loss[name] = await t.run(WARMUP);
  time[name] = 0;
}
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, t] of r % 2 === 0 ? impls : [...impls].reverse()) {
    const start = performance.now();
    loss[name] = await t.run(PER_ROUND);
    time[name]! += performance.now() - start;
  }
}

const rate = (name: string): number => (PER_ROUND * ROUNDS * BATCH) / (time[name]! / 1000);
const wasmRate = rate('nabla wasm');
console.log('\n| implementation | samples/s | ms/step | nabla wasm is | last loss |');
console.log('|---|---|---|---|---|');
for (const [name] of impls) {
  const r = rate(name);
  const ratio = name === 'nabla wasm' ? '—' : `${(wasmRate / r).toFixed(2)}×`;
  console.log(`| ${name} | ${r.toFixed(0)} | ${(time[name]! / (PER_ROUND * ROUNDS)).toFixed(2)} | ${ratio} | ${loss[name]!.toFixed(4)} |`);
}
const mem = backendInfo('wasm').details!;
console.log(`\nwasm memory after training: heap ${(Number(mem.heapSize) / 2 ** 20).toFixed(1)} MiB, in use ${(Number(mem.memoryInUse) / 2 ** 20).toFixed(1)} MiB, cached ${(Number(mem.memoryCached) / 2 ** 20).toFixed(1)} MiB`);

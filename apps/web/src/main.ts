// The page: trains the MNIST MLP on the backend chosen (js or wasm), one step per task so the page stays
// responsive, and plots training loss and test accuracy as it goes.
//
// Query parameters: backend=js|wasm (the initial choice), autostart=1 (start at once), steps=N (Start and
// Resume train N steps, then pause), evalEvery=N (test accuracy every N steps; default 100). The page's
// state is readable as `window.__nabla` (see PageState).

import '@nabla/backend-js';
import { initWasmBackend } from '@nabla/backend-wasm';
import { backendInfo, manualSeed, noGrad, setBackend, type BackendInfo } from '@nabla/core';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { Adam } from '@nabla/optimizers';
import { DataLoader } from '@nabla/data';
import { Batches, FEATURES, loadMnist, type Mnist } from './data.js';
import { drawPlot, smooth, type Curves } from './plot.js';
import { nextTask } from './next-task.js';

const BATCH = 64;
const HIDDEN = 128;
const LR = 1e-3;
const SEED = 0;
const EVAL_CHUNK = 500;

export interface PageState {
  state: 'loading' | 'ready' | 'training' | 'paused' | 'error';
  /** The backend of the current run (null before the first run). */
  backend: string | null;
  /** backendInfo() of that backend, as the run began. */
  info: BackendInfo | null;
  /** Steps done in the current run; losses[i] is step i's training loss. */
  step: number;
  losses: number[];
  accuracies: { step: number; accuracy: number }[];
  /** Training throughput over the last steps (computation only: yields and evaluations excluded). */
  samplesPerSecond: number;
  /** Runs begun since the page loaded. */
  runs: number;
  /** Why the wasm backend cannot serve here, if it cannot. */
  wasmUnavailable: string | null;
  error: string | null;
}

declare global {
  interface Window {
    __nabla: PageState;
  }
}

const params = new URLSearchParams(location.search);
const positive = (name: string): number | null => {
  const v = Number(params.get(name));
  return Number.isInteger(v) && v > 0 ? v : null;
};
const stepsPerRun = positive('steps');
const evalEvery = positive('evalEvery') ?? 100;

const state: PageState = {
  state: 'loading', backend: null, info: null, step: 0, losses: [], accuracies: [], samplesPerSecond: 0, runs: 0,
  wasmUnavailable: null, error: null,
};
window.__nabla = state;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const select = $<HTMLSelectElement>('backend');
const button = $<HTMLButtonElement>('start');
const canvas = $<HTMLCanvasElement>('plot');

interface Run {
  backend: string;
  model: Sequential;
  optimizer: Adam;
  lossFn: CrossEntropyLoss;
  batches: Batches;
  stepTimes: number[];
}

let mnist: Mnist | null = null;
let run: Run | null = null;
let previous: { backend: string; curves: Curves; samplesPerSecond: number } | null = null;
let running = false;


function fmt(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

function render(): void {
  $('step').textContent = run ? String(state.step) : '–';
  $('epoch').textContent = run ? fmt(run.batches.progress, 2) : '–';
  const smoothed = smooth(state.losses);
  $('loss').textContent = smoothed.length ? fmt(smoothed[smoothed.length - 1]!, 3) : '–';
  const acc = state.accuracies[state.accuracies.length - 1];
  $('accuracy').textContent = acc ? `${(acc.accuracy * 100).toFixed(1)}%` : '–';
  $('rate').textContent = state.samplesPerSecond ? Math.round(state.samplesPerSecond).toLocaleString('en-US') : '–';
  const training = state.state === 'training';
  button.textContent = training ? 'Stop' : run && run.backend === select.value ? 'Resume' : 'Start';
  button.disabled = state.state === 'loading' || state.state === 'error';
  select.disabled = training;
  $('status').textContent = {
    loading: 'Loading the data…',
    ready: 'Ready.',
    training: `Training on ${state.backend}…`,
    paused: `Paused on ${state.backend}.`,
    error: 'Stopped by an error.',
  }[state.state];
  if (state.info) {
    const details = Object.entries(state.info.details ?? {})
      .map(([k, v]) => `${k} ${typeof v === 'number' && /size|memory/i.test(k) ? `${(v / 2 ** 20).toFixed(1)} MiB` : v}`)
      .join(', ');
    $('served').textContent = `Backend serving this run: ${state.info.name}${details ? ` (${details})` : ''}.`;
  }
  const prev = $('previous');
  prev.hidden = !previous;
  if (previous) {
    $('previous-text').textContent =
      `previous run on ${previous.backend}: ${Math.round(previous.samplesPerSecond).toLocaleString('en-US')} samples/s`;
  }
  drawPlot(canvas, run ? state : null, previous?.curves ?? null);
}

function fail(err: unknown): void {
  running = false;
  state.state = 'error';
  state.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  console.error(err);
  const box = $('error');
  box.hidden = false;
  box.textContent = state.error;
  render();
}

function newRun(backend: string): Run {
  if (run && state.losses.length > 0) {
    previous = {
      backend: run.backend,
      curves: { losses: state.losses, accuracies: state.accuracies },
      samplesPerSecond: state.samplesPerSecond,
    };
  }
  setBackend(backend);
  manualSeed(SEED);
  const model = new Sequential(new Linear(FEATURES, HIDDEN), new ReLU(), new Linear(HIDDEN, 10));
  Object.assign(state, {
    backend, info: backendInfo(backend), step: 0, losses: [], accuracies: [], samplesPerSecond: 0,
    runs: state.runs + 1,
  });
  return {
    backend,
    model,
    optimizer: new Adam(model.parameters(), { lr: LR }),
    lossFn: new CrossEntropyLoss(),
    batches: new Batches(mnist!.train, BATCH, SEED + 1),
    stepTimes: [],
  };
}

/** Accuracy of the current model on the test images. */
function evaluate(r: Run): number {
  const test = mnist!.test;
  r.model.eval();
  try {
    return noGrad(() => {
      let correct = 0;
      for (const { x, y } of new DataLoader(test, { batchSize: EVAL_CHUNK })) {
        correct += r.model.forward(x).argmax(1).eq(y).sum().item();
      }
      return correct / test.length;
    });
  } finally {
    r.model.train();
  }
}

function recordAccuracy(r: Run): void {
  const last = state.accuracies[state.accuracies.length - 1];
  if (last?.step !== state.step) state.accuracies.push({ step: state.step, accuracy: evaluate(r) });
}

function trainStep(r: Run): void {
  const started = performance.now();
  const { x, y } = r.batches.next();
  r.optimizer.zeroGrad();
  const loss = r.lossFn.forward(r.model.forward(x), y);
  loss.backward();
  r.optimizer.step();
  state.losses.push(loss.item());
  state.step++;
  r.stepTimes.push(performance.now() - started);
  if (r.stepTimes.length > 30) r.stepTimes.shift();
  // The first steps include compiling and warming up; the rate is shown once a few have run.
  if (r.stepTimes.length >= 5) {
    const ms = r.stepTimes.slice(-Math.min(r.stepTimes.length - 2, 30)).reduce((a, b) => a + b, 0);
    state.samplesPerSecond = (Math.min(r.stepTimes.length - 2, 30) * BATCH) / (ms / 1000);
  }
}

async function train(): Promise<void> {
  if (!run || run.backend !== select.value) run = newRun(select.value);
  const r = run;
  setBackend(r.backend);
  running = true;
  state.state = 'training';
  if (state.step === 0) recordAccuracy(r);
  render();
  const until = stepsPerRun === null ? Infinity : state.step + stepsPerRun;
  let drawn = performance.now();
  while (running && state.step < until) {
    trainStep(r);
    if (state.step % evalEvery === 0) recordAccuracy(r);
    if (performance.now() - drawn > 100) {
      render();
      drawn = performance.now();
    }
    await nextTask();
  }
  running = false;
  recordAccuracy(r);
  state.state = 'paused';
  render();
}

button.addEventListener('click', () => {
  if (running) {
    running = false;
    return;
  }
  train().catch(fail);
});
select.addEventListener('change', () => render());
window.addEventListener('resize', () => render());

async function start(): Promise<void> {
  render();
  const [data] = await Promise.all([
    loadMnist(),
    (async () => {
      try {
        const res = await fetch('nabla.wasm');
        if (!res.ok) throw new Error(`fetching nabla.wasm: HTTP ${res.status}`);
        await initWasmBackend({ source: await WebAssembly.compileStreaming(res) });
      } catch (err) {
        state.wasmUnavailable = backendInfo('wasm').reason ?? String(err);
        const option = select.querySelector<HTMLOptionElement>('option[value="wasm"]')!;
        option.disabled = true;
        option.textContent = 'wasm (unavailable here)';
        select.value = 'js';
        $('served').textContent = `The wasm backend cannot serve in this browser: ${state.wasmUnavailable}`;
      }
    })(),
  ]);
  mnist = data;
  const wanted = params.get('backend');
  if ((wanted === 'js' || wanted === 'wasm') && !(wanted === 'wasm' && state.wasmUnavailable)) select.value = wanted;
  state.state = 'ready';
  render();
  if (params.get('autostart') === '1') await train();
}

start().catch(fail);

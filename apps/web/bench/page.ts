// The benchmark page: loads the wasm backend and exposes the training loop as window.__train for the Node
// script that drives it (bench.ts).

import { initWasmBackend } from '@nabla/backend-wasm';
import { backendInfo, setBackend, type BackendInfo } from '@nabla/core';
import { trainLoop, type TrainResult } from './train-loop.js';
import { nextTask } from '../src/next-task.js';

declare global {
  interface Window {
    __ready: Promise<BackendInfo>;
    __train: (steps: number, warmup: number) => Promise<TrainResult>;
  }
}

window.__ready = (async () => {
  const res = await fetch('nabla.wasm');
  if (!res.ok) throw new Error(`fetching nabla.wasm: HTTP ${res.status}`);
  await initWasmBackend({ source: await WebAssembly.compileStreaming(res) });
  setBackend('wasm');
  return backendInfo('wasm');
})();
window.__train = (steps, warmup) => trainLoop(steps, warmup, nextTask);

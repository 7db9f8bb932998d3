// The benchmark page: loads the wasm backend and exposes the training loop as window.__train for the Node
// script that drives it (bench.ts).

import { initWasmBackend } from '@nabla/backend-wasm';
import { backendInfo, setBackend, type BackendInfo } from '@nabla/core';
import { trainLoop, type TrainResult } from './train-loop.js';

declare global {
  interface Window {
    __ready: Promise<BackendInfo>;
    __train: (steps: number, warmup: number) => Promise<TrainResult>;
  }
}

// One macrotask per step (a MessageChannel: setTimeout is clamped to 4 ms).
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const turn = (): Promise<void> => new Promise((resolve) => {
  waiting.push(resolve);
  channel.port2.postMessage(null);
});

window.__ready = (async () => {
  const res = await fetch('nabla.wasm');
  if (!res.ok) throw new Error(`fetching nabla.wasm: HTTP ${res.status}`);
  await initWasmBackend({ source: await WebAssembly.compileStreaming(res) });
  setBackend('wasm');
  return backendInfo('wasm');
})();
window.__train = (steps, warmup) => trainLoop(steps, warmup, turn);

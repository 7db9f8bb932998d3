// The conformance suite of packages/backend-tests in a browser page: every case of runConformance on js and on
// wasm (primitives and fused kernels against the float64 reference, gradients against finite differences,
// the PyTorch vectors of the MLP and the activations, autograd, memory reuse), and the wasm backend's own
// PyTorch-vector tests (losses, layers, optimizer trajectories). The suite's vitest calls land in
// vitest-shim.ts; the results are published as window.__conformance for the test that drives the page.

import '@nabla/backend-js';
import { initWasmBackend, type WasmBackend } from '@nabla/backend-wasm';
import { getBackendByName, registerBackend, setBackend } from '@nabla/core';
import { runConformance } from '@nabla/backend-tests';
import { ReferenceOnWasm } from '../../../../packages/backend-wasm/test/reference-on-wasm.js';
import '../../../../packages/backend-wasm/test/golden.test.js';
import { takeCases, type Case } from './vitest-shim.js';
import { nextTask } from '../../src/next-task.js';

export interface CaseResult {
  backend: string;
  name: string;
  /** null when the case passed, else its error as `name: message`. */
  error: string | null;
  ms: number;
}

export interface ConformanceState {
  state: 'running' | 'done' | 'error';
  results: CaseResult[];
  /** Cases left out by ?only=, by name. */
  skipped: string[];
  error: string | null;
}

declare global {
  interface Window {
    __conformance: ConformanceState;
  }
}

const state: ConformanceState = { state: 'running', results: [], skipped: [], error: null };
window.__conformance = state;

// The wasm backend's PyTorch-vector file declared its cases as it was imported.
const wasmGolden = takeCases();


// ?only=<text>: run only the cases whose name contains it (for looking into one failure by hand).
const only = new URLSearchParams(location.search).get('only');

async function run(backend: string, cases: Case[]): Promise<void> {
  const wanted = cases.filter((k) => only === null || k.name.includes(only));
  state.skipped.push(...cases.filter((k) => !wanted.includes(k)).map((k) => k.name));
  for (const c of wanted) {
    const started = performance.now(); 
    let error: string | null = null;
    try {
      await c.fn();
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    state.results.push({ backend, name: c.name, error, ms: performance.now() - started });
    await nextTask();
  }
}

async function main(): Promise<void> {
  const res = await fetch('nabla.wasm');
  if (!res.ok) throw new Error(`fetching nabla.wasm: HTTP ${res.status}`);
  await initWasmBackend({ source: await WebAssembly.compileStreaming(res) });

  // Each backend's own test process collects the suite with that backend in use (the default there): some
  // describe bodies make their tensors as they are collected.
  setBackend('js');
  runConformance('js');
  await run('js', takeCases());

  setBackend('wasm');
  runConformance('wasm');
  // As packages/backend-wasm/test/conformance.test.ts does: the reference computes over wasm memory.
  registerBackend('reference', () => new ReferenceOnWasm((getBackendByName('wasm') as WasmBackend).memory), -1);
  await run('wasm', [...takeCases(), ...wasmGolden]);
  state.state = 'done';
}

main().catch((err: unknown) => {
  state.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  state.state = 'error';
});

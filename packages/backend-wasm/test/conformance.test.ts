// The shared conformance suite (packages/backend-tests) on the 'wasm' backend. Its 'reference' backend is the
// float64 reference computing over wasm memory (see reference-on-wasm.ts), so that inputs made once serve
// both sides of each comparison.
import '../src/index.js';
import { getBackendByName, registerBackend } from '@nabla/core';
import { runConformance } from '@nabla/backend-tests';
import type { WasmBackend } from '../src/index.js';
import { ReferenceOnWasm } from './reference-on-wasm.js';

runConformance('wasm');
registerBackend('reference', () => new ReferenceOnWasm((getBackendByName('wasm') as WasmBackend).memory), -1);

// Registration: importing registers 'wasm' (loaded on first use in Node), and a module that cannot load
// leaves it unavailable with the reason while the JavaScript backend serves.

import '@nabla/backend-js';
import { expect, it } from 'vitest';
import { backendInfo, getBackend, setBackend, tensor } from '@nabla/core';
import { WasmBackend, initWasmBackend } from '../src/index.js';

it('serves by default over js, and says why when its module cannot load', async () => {
  expect(getBackend().name).toBe('wasm');
  await expect(initWasmBackend({ source: Uint8Array.of(0, 97, 115, 109, 9, 9) })).rejects.toThrow();
  expect(backendInfo('wasm')).toMatchObject({ available: false, reason: expect.stringMatching(/could not load/) });
  expect(() => setBackend('wasm')).toThrow(/unavailable: the WebAssembly module could not load/);
  setBackend('js');
  expect(tensor([1, 2]).add(1).toArray()).toEqual([2, 3]);
  const backend = await initWasmBackend();
  expect(backend).toBeInstanceOf(WasmBackend);
  setBackend('wasm');
  expect(tensor([1, 2]).mul(3).device).toBe('wasm');
  expect(backendInfo('wasm').available).toBe(true);
});

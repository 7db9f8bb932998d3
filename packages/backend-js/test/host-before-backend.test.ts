// A host tensor made before any backend was registered stays readable (strided views too) after a backend
// of other memory becomes the one in use: core starts the host backend that has not run yet to read it.
import { expect, it } from 'vitest';
import { registerBackend, setBackend, tensor } from '@nabla/core';
import { BoxedBackend } from '@nabla/backend-tests';

const early = tensor([[1, 2], [3, 4]]); // no backend registered yet: a host array

it('reads a strided view of a host tensor made before any backend, under a backend of other memory', async () => {
  await import('../src/index.js'); // registers 'js', not started yet
  registerBackend('boxed', () => new BoxedBackend(), -2);
  setBackend('boxed');
  expect(early.device).toBe('host');
  expect(early.T.toArray()).toEqual([[1, 3], [2, 4]]);
});

// The conformance suite: call runConformance(name) from a backend's own test file, after importing the
// backend so that it is registered. It compares every primitive and fused kernel with a float64 reference
// backend, checks every gradient against finite differences, and checks the PyTorch reference vectors.

import { registerBackend, listBackends } from '@nabla/core';
import { ReferenceBackend } from './reference.js';
import { primitivesSuite } from './primitives.suite.js';
import { gradientsSuite } from './gradients.suite.js';
import { fusedSuite } from './fused.suite.js';
import { goldenSuite } from './golden.suite.js';
import { behaviourSuite } from './behaviour.suite.js';
import { memorySuite } from './memory.suite.js';
import { autogradSuite } from './autograd.suite.js';
import { edgeCasesSuite } from './edge-cases.suite.js';

export { ReferenceBackend, unaryFns, binaryFns } from './reference.js';
export { fromGolden, assertClose, type GoldenTensor, type Tolerance } from './golden.js';
export { goldenDir, loadGolden } from './golden-files.js';
export { gradcheck, type GradcheckOptions } from './gradcheck.js';
export { randomTensor } from './random.js';
export { onBoth } from './primitives.suite.js';
export { softplus } from './autograd.suite.js';
export { BoxedBackend, BoxedMemory, BoxedStorage } from './boxed.js';

/** Registers the reference backend (priority -1, so it never serves by default). */
export function registerReference(): void {
  registerBackend('reference', () => new ReferenceBackend(), -1);
}

export function runConformance(name: string): void {
  registerReference();
  primitivesSuite(name);
  fusedSuite(name);
  gradientsSuite(name);
  goldenSuite(name);
  behaviourSuite(name);
  memorySuite(name);
  autogradSuite(name);
  edgeCasesSuite(name);
}

/** The registered backends that can run here (never the reference), for suites that run on each of them. */
export function backendsUnderTest(): string[] {
  return listBackends().filter((b) => b.available && b.name !== 'reference').map((b) => b.name);
}

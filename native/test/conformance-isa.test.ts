// The shared conformance suite again on the lower ISA paths (portable and AVX2 kernels and sgemm), so
// every path this binary can take meets the same contract. conformance.test.ts covers the best path.
import { afterAll, beforeAll, describe } from 'vitest';

import '../src/index.js';
import { runConformance } from '@nabla/backend-tests';

import { addon, useIsa } from './helpers.js';

const best = addon.info().bestIsa;

for (const isa of ['portable', 'avx2'] as const) {
  describe(`forced ISA ${isa}`, () => {
    beforeAll(() => useIsa(isa));
    afterAll(() => { addon.setIsa(best); });
    runConformance('native');
  });
}

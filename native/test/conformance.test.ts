// The shared conformance suite (packages/backend-tests) on the 'native' backend, on the best ISA path.
// conformance-isa.test.ts runs it again on the lower paths.
import '../src/index.js';
import { runConformance } from '@nabla/backend-tests';

runConformance('native');

// The shared conformance suite (packages/backend-tests) on the 'js' backend.
import '../src/index.js';
import { runConformance } from '@nabla/backend-tests';

runConformance('js');

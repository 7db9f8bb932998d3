// The suite run on the reference backend itself: checks core's compositions, autograd and the golden
// vectors with nothing but the plainest primitives underneath.
import { runConformance } from '../src/index.js';

runConformance('reference');

// The experiments, in the order the report shows them.
import type { Experiment } from './common.js';
import { batchNorm } from './batchNorm.js';
import { batchSize } from './batchSize.js';
import { gallery } from './gallery.js';
import { learningRate } from './learningRate.js';
import { optimizer } from './optimizer.js';
import { scaling } from './scaling.js';
import { vanishing } from './vanishing.js';

export const EXPERIMENTS: readonly Experiment[] = [scaling, batchSize, optimizer, learningRate, batchNorm, vanishing, gallery];

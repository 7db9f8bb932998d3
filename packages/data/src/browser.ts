// @nabla/data in browsers (the `browser` export condition of '@nabla/data', and '@nabla/data/browser'):
// everything but the functions that read files, which need Node's file system. Those are exported still, so
// that code shared with Node bundles, but they throw an error that says what to use instead.

import type * as node from './index.js';

export * from './common.js';
export { parseCsv } from './csv-browser.js';

/** Thrown in browsers by the functions of @nabla/data that read files from disk. */
export class NodeOnlyError extends Error {
  override name = 'NodeOnlyError';
}

function nodeOnly(fn: string, instead: string): never {
  throw new NodeOnlyError(`${fn} reads files from disk with Node's node:fs and is not available in browsers: ` +
    `fetch the file and ${instead}`);
}

const IDX = 'pass its bytes to parseIdx or parseIdxFloat32';

export const readIdx: typeof node.readIdx = () => nodeOnly('readIdx', IDX);
export const readIdxFloat32: typeof node.readIdxFloat32 = () => nodeOnly('readIdxFloat32', IDX);
export const loadIdx: typeof node.loadIdx = () => nodeOnly('loadIdx', IDX);
export const loadIdxBytes: typeof node.loadIdxBytes = () =>
  nodeOnly('loadIdxBytes', `${IDX}, then build a ByteImageDataset`);
export const loadMnist: typeof node.loadMnist = () => nodeOnly('loadMnist', `${IDX} (MNIST is in IDX files)`);
export const loadMnistBytes: typeof node.loadMnistBytes = () =>
  nodeOnly('loadMnistBytes', `${IDX}, then build a ByteImageDataset`);
export const mnistFolder: typeof node.mnistFolder = () => nodeOnly('mnistFolder', 'serve the MNIST files yourself');
export const readCsv: typeof node.readCsv = () => nodeOnly('readCsv', 'pass its text to parseCsv');
export type { ImageData, LoadIdxOptions, LoadMnistOptions } from './mnist.js';

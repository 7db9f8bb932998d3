// @nabla/data: datasets, loaders, transforms, and IDX/MNIST/CSV readers. This is the Node entry; bundlers
// that target browsers get browser.ts (the `browser` export condition), the same API without file readers.

export * from './common.js';
export { readIdx, readIdxFloat32 } from './idx.js';
export {
  loadIdx, loadMnist, mnistFolder, type ImageData, type LoadIdxOptions, type LoadMnistOptions,
} from './mnist.js';
export { loadIdxBytes, loadMnistBytes } from './byte-images.js';
export { readCsv, parseCsv } from './csv.js';

// @nabla/data: datasets, loaders, transforms, and IDX/MNIST/CSV readers.

export { ArrayDataset, Subset, TensorDataset, type Dataset, type Sample } from './dataset.js';
export { GeneratedDataset, fromArrays, fromIterable, type GeneratedDatasetOptions } from './from-arrays.js';
export { DataLoader, type Batch, type DataLoaderOptions, type Sampler } from './loader.js';
export { trainValSplit, type SplitOptions } from './split.js';
export { permutation } from './random.js';
export type { NumericData } from './nested.js';

export { scale, oneHot, flatten } from './transforms/elementwise.js';
export type { FitOptions } from './transforms/affine.js';
export { MinMaxScaler, minMax, type MinMaxJson, type MinMaxOptions } from './transforms/minmax.js';
export { StandardScaler, standardize, type StandardizeJson } from './transforms/standardize.js';
export { transformFromJSON, type FittedTransform } from './transforms/json.js';

export {
  DataFormatError, readIdx, readIdxFloat32, type IdxArray, type IdxDType, type IdxTypedArray,
} from './idx.js';
export {
  loadIdx, loadMnist, mnistFolder, type ImageData, type LoadIdxOptions, type LoadMnistOptions,
} from './mnist.js';
export { ByteImageDataset, loadIdxBytes, loadMnistBytes } from './byte-images.js';
export { readCsv, type CsvData, type ReadCsvOptions } from './csv.js';
export { gatherBytes } from './gather.js';

// What every entry of @nabla/data exports: everything that reads no files, so it runs in browsers too.

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
  DataFormatError, parseIdx, parseIdxFloat32, type IdxArray, type IdxDType, type IdxTypedArray, type ParseIdxOptions,
} from './idx-format.js';
export { ByteImageDataset } from './byte-image-dataset.js';
export type { CsvData, ReadCsvOptions } from './csv-table.js';
export { gatherBytes, gatherRows } from './gather.js';

// Image/label files as ByteImageDatasets (the images kept as bytes, see byte-image-dataset.ts).

import { ByteImageDataset } from './byte-image-dataset.js';
import { DataFormatError, readIdx, readIdxFloat32 } from './idx.js';
import { checkLabels } from './labels.js';
import { MNIST_HINTS, mnistFile, type LoadMnistOptions } from './mnist.js';
import { checkOptions } from './checks.js';

export { ByteImageDataset } from './byte-image-dataset.js';

/** An images file of uint8 pixels and its labels file (IDX, gzipped or not) as a ByteImageDataset. */
export function loadIdxBytes(
  imagesPath: string, labelsPath: string, rawOptions: { divisor?: number; classes?: number } = {},
): ByteImageDataset {
  const options = checkOptions('loadIdxBytes', rawOptions, ['divisor', 'classes']);
  const images = readIdx(imagesPath);
  if (images.dtype !== 'uint8') {
    throw new DataFormatError(`${imagesPath}: holds ${images.dtype} values; a ByteImageDataset needs uint8 pixels (use loadIdx)`);
  }
  if (images.shape.length < 2 || images.shape[0] === 0) {
    throw new DataFormatError(`${imagesPath}: expected images [n, ...] with n > 0, got shape [${images.shape.join(', ')}]`);
  }
  const labels = readIdxFloat32(labelsPath);
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new DataFormatError(`${labelsPath}: has labels of shape [${labels.shape.join(', ')}]; expected [${images.shape[0]}], one per image in ${imagesPath}`);
  }
  checkLabels(labelsPath, labels.data, options.classes);
  const features = images.shape.slice(1).reduce((p, d) => p * d, 1);
  return new ByteImageDataset(images.data as Uint8Array, labels.data, [features], options.divisor ?? 255);
}

/**
 * The real MNIST as a ByteImageDataset: 60000 (train) or 10000 (test) images of 784 pixels, scaled by 1/255
 * (or left 0..255 with normalize: false) as they are loaded into batches.
 */
export function loadMnistBytes(rawOptions: Omit<LoadMnistOptions, 'flatten'> = {}): ByteImageDataset {
  const options = checkOptions('loadMnistBytes', rawOptions, ['split', 'normalize'], MNIST_HINTS);
  const split = options.split ?? 'train';
  return loadIdxBytes(mnistFile(split, 'images'), mnistFile(split, 'labels'), {
    divisor: options.normalize === false ? 1 : 255, classes: 10,
  });
}

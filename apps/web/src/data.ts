// The MNIST subset the build put beside the page (IDX files, decoded by @nabla/data's parseIdx), kept as
// bytes in ByteImageDatasets, and batched by @nabla/data's DataLoader: shuffled each epoch from a seed,
// pixels divided by 255 as each batch is built.

import { ByteImageDataset, DataLoader, parseIdx, parseIdxFloat32, type Batch } from '@nabla/data';

export const FEATURES = 28 * 28;

export interface Mnist {
  train: ByteImageDataset;
  test: ByteImageDataset;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function split(name: 'train' | 'test'): Promise<ByteImageDataset> {
  const [imagesUrl, labelsUrl] = [`data/${name}-images.idx`, `data/${name}-labels.idx`];
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(imagesUrl), fetchBytes(labelsUrl)]);
  const images = parseIdx(imageBytes, { label: imagesUrl });
  if (images.dtype !== 'uint8' || images.shape.slice(1).join(',') !== '28,28') {
    throw new Error(`${imagesUrl}: expected 28×28 uint8 images, got ${images.dtype} [${images.shape.join(', ')}]`);
  }
  const labels = parseIdxFloat32(labelBytes, { label: labelsUrl });
  // ByteImageDataset checks that there is one label per image.
  return new ByteImageDataset(images.data as Uint8Array, labels.data, [FEATURES]);
}

export async function loadMnist(): Promise<Mnist> {
  const [train, test] = await Promise.all([split('train'), split('test')]);
  return { train, test };
}

/** Endless shuffled batches over a dataset: a new epoch (new order) begins when one ends; drops partial batches. */
export class Batches {
  private readonly loader: DataLoader;
  private epochBatches: Iterator<Batch>;
  private taken = 0;

  constructor(private readonly data: ByteImageDataset, readonly batchSize: number, seed = 1) {
    this.loader = new DataLoader(data, { batchSize, shuffle: true, dropLast: true, seed });
    this.epochBatches = this.loader[Symbol.iterator]();
  }

  /** The next batch, as tensors of the backend in use: x [batchSize, 784] in [0, 1], y [batchSize] classes. */
  next(): Batch {
    let next = this.epochBatches.next();
    if (next.done) {
      this.epochBatches = this.loader[Symbol.iterator]();
      this.taken = 0;
      next = this.epochBatches.next();
    }
    this.taken++;
    return next.value;
  }

  /** Epochs done, for display (0.5 = halfway through the first pass). */
  get progress(): number {
    return this.loader.epoch - 1 + (this.taken * this.batchSize) / this.data.length;
  }
}

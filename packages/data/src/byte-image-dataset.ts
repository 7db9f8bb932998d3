// Images kept as the bytes they are stored as (a quarter of float32's memory: MNIST train is 47 MB instead
// of 188 MB), turned into float32 pixels / divisor as a loader builds each batch, by gatherBytes (one
// backend kernel). float32(b) / float32(divisor) is what loadMnist / loadIdx compute too, so a model sees the
// same values either way.

import { ValueError } from '@nabla/core';
import { gatherBytes } from './gather.js';
import { checkIndex, type Dataset, type Sample } from './dataset.js';

export class ByteImageDataset implements Dataset {
  readonly length: number;
  readonly xShape: readonly number[];
  readonly yShape: readonly number[] = [];
  /** Bytes cannot be NaN, and labels are checked when the dataset is built. */
  readonly checkedFinite = true;
  private readonly row: number;

  /** `images` holds `labels.length` rows of `xShape` bytes; every value read is byte / divisor. */
  constructor(
    readonly images: Uint8Array, readonly labels: Float32Array, xShape: readonly number[], readonly divisor = 255,
  ) {
    this.row = xShape.reduce((p, d) => p * d, 1);
    if (!(divisor > 0 && Number.isFinite(divisor))) {
      throw new ValueError(`ByteImageDataset: divisor must be a positive finite number, got ${divisor}`);
    }
    if (images.length !== labels.length * this.row) {
      throw new ValueError(
        `ByteImageDataset: ${images.length} bytes do not hold ${labels.length} images of [${xShape.join(', ')}] ` +
        `(${labels.length * this.row} bytes)`,
      );
    }
    this.length = labels.length;
    this.xShape = [...xShape];
  }

  get(index: number): Sample {
    checkIndex('ByteImageDataset.get', index, this.length);
    const x = new Float32Array(this.row);
    gatherBytes(this.images, this.row, Uint32Array.of(index), 0, 1, this.divisor, x);
    return { x, y: this.labels.subarray(index, index + 1) };
  }

  copyRows(indices: Uint32Array, start: number, count: number, x: Float32Array, y: Float32Array): void {
    for (let r = 0; r < count; r++) {
      const index = indices[start + r]!;
      if (index >= this.length) checkIndex('ByteImageDataset.copyRows', index, this.length);
      y[r] = this.labels[index]!;
    }
    gatherBytes(this.images, this.row, indices, start, count, this.divisor, x);
  }
}

// Class labels read from a file: one non-negative integer per sample, below the number of classes if known.

import { ValueError } from '@nabla/core';
import { DataFormatError } from './idx-format.js';

export function checkLabels(path: string, labels: Float32Array, classes: number | undefined): void {
  if (classes !== undefined && (!Number.isInteger(classes) || classes < 1)) {
    throw new ValueError(`loadIdx: classes must be a positive integer, got ${classes}`);
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || (classes !== undefined && label >= classes)) {
      const expected = classes === undefined ? 'a non-negative integer' : `an integer in [0, ${classes - 1}]`;
      throw new DataFormatError(`${path}: label ${label} at index ${i} is out of range; expected ${expected}`);
    }
  }
}

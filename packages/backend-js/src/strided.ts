// N-d strided iteration shared by the elementwise, reduce and copy kernels.
//
// Dims are first coalesced (core's `coalesce`): size-1 dims are dropped and neighbours that are laid out as
// one longer dim in every operand are merged. A contiguous tensor thus becomes one dim, a transposed matrix stays two,
// and a broadcast [n, 1] + [1, m] stays two. Kernels then run a tight loop over the last dim (a "row")
// and `Rows` steps the start offsets of every operand from one row to the next.

import { coalesce, type Coalesced } from '@nabla/core';

export { coalesce, type Coalesced };

/**
 * Walks the rows (all dims but the last) of a coalesced layout. `offsets[o]` is operand o's start offset
 * of the current row; `rowStride[o]` its step along the row; `rowLength` the row's length.
 */
export class Rows {
  readonly rowLength: number;
  readonly count: number;
  readonly offsets: number[];
  readonly rowStride: number[];
  private readonly outerShape: number[];
  private readonly outerStrides: number[][];
  private readonly index: number[];

  constructor(layout: Coalesced, startOffsets: readonly number[]) {
    const rank = layout.shape.length;
    this.rowLength = layout.shape[rank - 1]!;
    this.outerShape = layout.shape.slice(0, rank - 1);
    this.outerStrides = layout.strides.map((s) => s.slice(0, rank - 1));
    this.rowStride = layout.strides.map((s) => s[rank - 1]!);
    this.count = this.outerShape.reduce((a, b) => a * b, 1);
    this.offsets = [...startOffsets];
    this.index = this.outerShape.map(() => 0);
  }

  /** Moves every operand's offset to the start of the next row (odometer over the outer dims). */
  next(): void {
    const { index, outerShape, outerStrides, offsets } = this;
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < outerShape[d]!) {
        for (let o = 0; o < offsets.length; o++) offsets[o]! += outerStrides[o]![d]!;
        return;
      }
      index[d] = 0;
      for (let o = 0; o < offsets.length; o++) offsets[o]! -= outerStrides[o]![d]! * (outerShape[d]! - 1);
    }
  }
}

// matmul over the backend's sgemm. Transposed views reach gemm as transpose flags, not copies.

import type { GemmArgs, Storage } from '../backend.js';
import { needsGrad, record } from '../autograd.js';
import { fmtShape, ShapeError } from '../errors.js';
import { getBackend } from '../registry.js';
import { broadcastShapes, broadcastStrides, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumTo } from './reduce.js';
import { clone, reshape, squeeze, transpose } from './views.js';
import { allocStorage, checkMemory } from '../memory.js';
import { checkOperandTensors } from '../check.js';

interface Operand {
  storage: Storage;
  trans: boolean;
  ld: number;
  /** Offsets of each matrix in the (broadcast) batch, relative to storage. */
  batchStrides: number[];
  offset: number;
}

/** How gemm reads the last two axes of t: row-major (ld = row stride) or column-major (transposed). */
function operand(t: Tensor, batchShape: readonly number[]): Operand {
  const r = t.rank;
  const rows = t.shape[r - 2]!;
  const cols = t.shape[r - 1]!;
  const sr = t.strides[r - 2]!;
  const sc = t.strides[r - 1]!;
  let src = t;
  let trans = false;
  let ld: number;
  if ((sc === 1 || cols <= 1) && (sr >= cols || rows <= 1)) {
    ld = Math.max(rows <= 1 ? cols : sr, 1);
  } else if ((sr === 1 || rows <= 1) && (sc >= rows || cols <= 1)) {
    trans = true;
    ld = Math.max(cols <= 1 ? rows : sc, 1);
  } else {
    src = clone(t); // e.g. an expanded (stride 0) matrix: gemm needs real rows
    ld = Math.max(cols, 1);
  }
  const batchStrides = broadcastStrides(src.shape.slice(0, r - 2), src.strides.slice(0, r - 2), batchShape);
  return { storage: src.storage, trans, ld, batchStrides, offset: src.offset };
}

function matmul2d(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.rank - 2]!;
  const k = a.shape[a.rank - 1]!;
  const n = b.shape[b.rank - 1]!;
  if (b.shape[b.rank - 2] !== k) {
    throw new ShapeError(
      `matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not fit: ` +
      `the last axis of the first (${k}) must equal the second-to-last of the second (${b.shape[b.rank - 2]})`,
    );
  }
  const batch = broadcastShapes('matmul (batch axes)', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, m, n];
  const backend = getBackend();
  checkMemory('matmul', backend, a);
  checkMemory('matmul', backend, b);
  const out = allocStorage(backend, sizeOf(shape));
  const opA = operand(a, batch);
  const opB = operand(b, batch);
  const count = sizeOf(batch);
  const args: GemmArgs<Storage> = {
    transA: opA.trans, transB: opB.trans, m, n, k, alpha: 1,
    a: opA.storage, aOffset: opA.offset, lda: opA.ld,
    b: opB.storage, bOffset: opB.offset, ldb: opB.ld,
    beta: 0, c: out, cOffset: 0, ldc: Math.max(n, 1),
  };
  const index = new Array<number>(batch.length).fill(0);
  for (let i = 0; i < count; i++) {
    let oa = opA.offset;
    let ob = opB.offset;
    for (let d = 0; d < batch.length; d++) {
      oa += index[d]! * opA.batchStrides[d]!;
      ob += index[d]! * opB.batchStrides[d]!;
    }
    args.aOffset = oa;
    args.bOffset = ob;
    args.cOffset = i * m * n;
    backend.gemm(args);
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++index[d]! < batch[d]!) break;
      index[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

/**
 * Matrix product with NumPy semantics: 2-D × 2-D, batched over leading axes (broadcast), and 1-D operands
 * promoted to a row (first) or a column (second) and squeezed back.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkOperandTensors('matmul', a, b);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(`matmul: operands must have at least one axis, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  if (a.rank === 1 || b.rank === 1) {
    // Errors name the shapes the caller passed, not the promoted ones.
    const k = b.rank === 1 ? b.shape[0]! : b.shape[b.rank - 2]!;
    if (a.shape[a.rank - 1] !== k) {
      throw new ShapeError(
        `matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not fit: the last axis of the first ` +
        `(${a.shape[a.rank - 1]}) must equal ${b.rank === 1 ? 'the length of the second' : 'the second-to-last axis of the second'} (${k})`,
      );
    }
  }
  // 1-D × 1-D is the dot product, a 0-d tensor (as in PyTorch and NumPy).
  if (a.rank === 1 && b.rank === 1) return reshape(matmul(reshape(a, [1, a.shape[0]!]), reshape(b, [b.shape[0]!, 1])), []);
  if (a.rank === 1) return squeeze(matmul(reshape(a, [1, a.shape[0]!]), b), -2);
  if (b.rank === 1) return squeeze(matmul(a, reshape(b, [b.shape[0]!, 1])), -1);
  const out = matmul2d(a, b);
  if (needsGrad(a, b)) {
    record(out, 'matmul', [a, b], (g) => [
      a.requiresGrad ? sumTo(matmul(g, transpose(b)), a.shape) : null,
      b.requiresGrad ? sumTo(matmul(transpose(a), g), b.shape) : null,
    ]);
  }
  return out;
}

// Neural-network ops built on the primitives, each using the backend's fused kernel when it has one:
// softmax / logSoftmax, linear, softmax cross-entropy, training-mode batch normalisation.

import type { Activation, Memory } from '../backend.js';
import { needsGrad, noGrad, noteGradAccumulatedInPlace, record } from '../autograd.js';
import { NablaError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { getBackend } from '../registry.js';
import { normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { activationBackward, activationForward, denseStorage } from './activations.js';
import { add, eq, exp, log, mul, sub } from './elementwise.js';
import { matmul } from './matmul.js';
import { max, mean, sum } from './reduce.js';
import { reshape, transpose } from './views.js';
import { allocStorage, checkMemory, fromHost, memoryOf, peek } from '../memory.js';
import { checkBatchNorm, checkLinear, checkNamedTensors, checkTensorAndAxes } from '../check.js';

export * from './activations.js';

/** log(softmax(x)) along `axis`, computed stably as x - max - log(sum(exp(x - max))). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensorAndAxes('logSoftmax', x, axis);
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  if (x.size === 0) return mul(x, 1); // nothing to normalise (PyTorch returns the empty shape too)
  const shifted = sub(x, noGrad(() => max(x, a, true)));
  return sub(shifted, log(sum(exp(shifted), a, true)));
}

export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensorAndAxes('softmax', x, axis);
  const a = normalizeAxis('softmax', axis, x.rank);
  if (x.size === 0) return mul(x, 1);
  const e = exp(sub(x, noGrad(() => max(x, a, true))));
  return e.div(sum(e, a, true));
}

function checkMatrix(op: string, name: string, t: Tensor, rows?: number, cols?: number): void {
  if (t.rank !== 2 || (rows !== undefined && t.shape[0] !== rows) || (cols !== undefined && t.shape[1] !== cols)) {
    throw new ShapeError(
      `${op}: ${name} has shape ${fmtShape(t.shape)}, expected [${rows ?? 'rows'}, ${cols ?? 'cols'}]`,
    );
  }
}

/**
 * y = act(x · Wᵀ + b) with W of shape [out, in] (PyTorch's layout), x of shape [batch, in].
 * One fused kernel (gemm + bias + activation) when the backend has it.
 */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null, act: Activation = 'identity', alpha = 0): Tensor {
  checkLinear(x, w, b, alpha);
  if (w.rank !== 2) throw new ShapeError(`linear: weight has shape ${fmtShape(w.shape)}, expected [out, in]`);
  const [outF, inF] = w.shape as [number, number];
  if (x.rank !== 2) {
    if (x.rank < 1 || x.shape[x.rank - 1] !== inF) {
      throw new ShapeError(`linear: input of shape ${fmtShape(x.shape)} does not end in ${inF} features (weight ${fmtShape(w.shape)})`);
    }
    const flat = reshape(x, [-1, inF]);
    return reshape(linear(flat, w, b, act, alpha), [...x.shape.slice(0, -1), outF]);
  }
  checkMatrix('linear', 'input', x, undefined, inF);
  if (b !== null && (b.rank !== 1 || b.size !== outF)) {
    throw new ShapeError(`linear: bias has shape ${fmtShape(b.shape)}, expected [${outF}]`);
  }
  const batch = x.shape[0]!;
  const backend = getBackend();
  const grad = needsGrad(x, w, b ?? undefined);
  let y: Tensor;
  let pre: Tensor;
  if (backend.linear) {
    checkMemory('linear', backend, x);
    checkMemory('linear', backend, w);
    if (b) checkMemory('linear', backend, b);
    y = new Tensor(allocStorage(backend, batch * outF), [batch, outF]);
    // ReLU's derivative reads only the sign of its input, and relu(x) > 0 exactly when x > 0 (NaN and -0
    // included), so y serves as the saved input: one buffer fewer per layer and step.
    const keepPre = grad && act !== 'identity' && act !== 'relu';
    pre = keepPre ? new Tensor(allocStorage(backend, batch * outF), [batch, outF]) : y;
    backend.linear(denseStorage(x), denseStorage(w), b ? denseStorage(b) : null, batch, inF, outF, act, alpha, y.storage,
      pre === y ? null : pre.storage);
  } else {
    pre = noGrad(() => {
      const z = matmul(x, transpose(w));
      return b ? add(z, b) : z;
    });
    y = act === 'identity' ? pre : activationForward(act, alpha, pre);
  }
  if (grad) {
    const inputs = b ? [x, w, b] : [x, w];
    record(y, 'linear', inputs, (g) => {
      const dpre = act === 'identity' ? g : activationBackward(act, alpha, pre, y, g);
      return [
        x.requiresGrad ? matmul(dpre, w) : null,
        w.requiresGrad && !accumulateWeightGrad(w, dpre, x) ? matmul(transpose(dpre), x) : null,
        b?.requiresGrad ? sum(dpre, 0) : null,
      ];
    });
  }
  return y;
}

/**
 * When the weight is a leaf that already holds a gradient buffer (zeroGrad({ setToNone: false }) keeps
 * them), adds dpreᵀ · x straight into it with one GEMM (beta = 1) and returns true: no new buffer of the
 * weight's size per step, and no separate pass to add it. Any other case returns false.
 */
function accumulateWeightGrad(w: Tensor, dpre: Tensor, x: Tensor): boolean {
  const acc = w.gradValue;
  if (w.gradFn !== null || acc === null || !acc.isContiguous) return false;
  if (acc.storage === w.storage || acc.storage === x.storage || acc.storage === dpre.storage) return false;
  const backend = getBackend();
  if (!sameMemory(backend.memory, acc, w, x, dpre)) return false;
  if (acc.rank !== 2 || acc.shape[0] !== w.shape[0] || acc.shape[1] !== w.shape[1]) return false;
  const [outF, inF] = w.shape as [number, number];
  const d = dpre.contiguous();
  const xc = x.contiguous();
  backend.gemm({
    transA: true, transB: false, m: outF, n: inF, k: d.shape[0]!, alpha: 1,
    a: d.storage, aOffset: d.offset, lda: outF, b: xc.storage, bOffset: xc.offset, ldb: inF,
    beta: 1, c: acc.storage, cOffset: acc.offset, ldc: inF,
  });
  noteGradAccumulatedInPlace(w);
  return true;
}

function sameMemory(memory: Memory, ...ts: Tensor[]): boolean {
  return ts.every((t) => memoryOf(t.storage) === memory);
}

/** Checks class indices stored as floats: integers in [0, classes). */
function checkTargets(op: string, targets: Tensor, rows: number, classes: number): void {
  if (targets.rank !== 1 || targets.size !== rows) {
    throw new ShapeError(`${op}: targets have shape ${fmtShape(targets.shape)}, expected [${rows}] (one class index per row)`);
  }
  const c = targets.contiguous();
  const t = peek(c.storage, c.offset, rows);
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new ValueError(`${op}: target ${i} is ${v}, expected a class index in 0..${classes - 1}`);
    }
  }
}

/** One-hot rows (no autograd) for class indices, via the primitives. */
export function oneHotOf(targets: Tensor, classes: number): Tensor {
  checkTensorAndAxes('oneHotOf', targets, classes);
  if (!Number.isInteger(classes) || classes < 1) throw new ValueError(`oneHotOf: classes must be a positive integer, got ${classes}`);
  // A target outside 0..classes-1 would give a row of zeros, silently (PyTorch's one_hot refuses it too).
  checkTargets('oneHotOf', reshape(targets, [-1]), targets.size, classes);
  return oneHotRows(targets, classes);
}

/** oneHotOf for targets already checked (softmaxCrossEntropy's composition checks them once per call). */
function oneHotRows(targets: Tensor, classes: number): Tensor {
  const ids = new Float32Array(classes);
  for (let i = 0; i < classes; i++) ids[i] = i;
  return eq(reshape(targets, [-1, 1]), new Tensor(fromHost(getBackend(), ids), [1, classes]));
}

/**
 * Per-row softmax cross-entropy of logits [rows, classes] against class indices [rows]:
 * loss[r] = -log_softmax(logits)[r, target[r]]. Fused forward and backward when the backend has them.
 */
export function softmaxCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  checkNamedTensors('softmaxCrossEntropy', { logits, targets });
  checkMatrix('softmaxCrossEntropy', 'logits', logits);
  const [rows, classes] = logits.shape as [number, number];
  checkTargets('softmaxCrossEntropy', targets, rows, classes);
  const backend = getBackend();
  checkMemory('softmaxCrossEntropy', backend, logits);
  checkMemory('softmaxCrossEntropy', backend, targets);
  const t = denseStorage(targets);
  let logProbs: Tensor;
  let loss: Tensor;
  if (backend.crossEntropy) {
    logProbs = new Tensor(allocStorage(backend, rows * classes), [rows, classes]);
    loss = new Tensor(allocStorage(backend, rows), [rows]);
    backend.crossEntropy(denseStorage(logits), t, rows, classes, logProbs.storage, loss.storage);
  } else {
    logProbs = noGrad(() => logSoftmax(logits, 1));
    loss = noGrad(() => sum(mul(logProbs, oneHotRows(targets, classes)), 1).neg());
  }
  if (needsGrad(logits)) {
    record(loss, 'softmaxCrossEntropy', [logits], (g) => {
      if (backend.crossEntropyBackward) {
        const d = allocStorage(backend, rows * classes);
        backend.crossEntropyBackward(logProbs.storage, t, denseStorage(g), rows, classes, d);
        return [new Tensor(d, [rows, classes])];
      }
      return [mul(sub(exp(logProbs), oneHotRows(targets, classes)), reshape(g, [rows, 1]))];
    });
  }
  return loss;
}

export interface BatchNormResult {
  y: Tensor;
  /** Batch mean per feature. */
  mean: Tensor;
  /** Biased batch variance per feature (what normalises y). */
  variance: Tensor;
}

/**
 * Training-mode batch normalisation of x [rows, features] with batch statistics:
 * y = (x - mean) / sqrt(var + eps) * gamma + beta. gamma/beta may be null (no affine).
 */
export function batchNorm(x: Tensor, gamma: Tensor | null, beta: Tensor | null, eps: number): BatchNormResult {
  checkBatchNorm(x, gamma, beta, eps);
  checkMatrix('batchNorm', 'input', x);
  const [rows, features] = x.shape as [number, number];
  if (rows < 2) {
    throw new ValueError(`batchNorm: training needs more than one row per batch to estimate a variance, got shape ${fmtShape(x.shape)}`);
  }
  for (const [name, p] of [['gamma', gamma], ['beta', beta]] as const) {
    if (p && (p.rank !== 1 || p.size !== features)) {
      throw new ShapeError(`batchNorm: ${name} has shape ${fmtShape(p.shape)}, expected [${features}]`);
    }
  }
  if (!(eps > 0)) throw new ValueError(`batchNorm: eps must be positive, got ${eps}`);
  const backend = getBackend();
  for (const t of [x, gamma, beta]) if (t) checkMemory('batchNorm', backend, t);
  const xc = x.contiguous();
  let meanT: Tensor;
  let invStd: Tensor;
  let y: Tensor;
  if (backend.batchNorm) {
    meanT = new Tensor(allocStorage(backend, features), [features]);
    invStd = new Tensor(allocStorage(backend, features), [features]);
    y = new Tensor(allocStorage(backend, rows * features), [rows, features]);
    backend.batchNorm(denseStorage(xc), gamma ? denseStorage(gamma) : null, beta ? denseStorage(beta) : null,
      rows, features, eps, y.storage, meanT.storage, invStd.storage);
  } else {
    let mu: Tensor | null = null;
    let istd: Tensor | null = null;
    y = noGrad(() => {
      mu = mean(xc, 0);
      const centered = sub(xc, mu);
      istd = add(mean(mul(centered, centered), 0), eps).sqrt().pow(-1);
      let out = mul(centered, istd);
      if (gamma) out = mul(out, gamma);
      if (beta) out = add(out, beta);
      return out;
    });
    meanT = mu!;
    invStd = istd!;
  }
  // Recomputed rather than derived from invStd, which would lose digits when var is small next to eps.
  const variance = noGrad(() => {
    const centered = sub(xc, meanT);
    return mean(mul(centered, centered), 0);
  });
  const inputs = [x, gamma, beta].filter((t): t is Tensor => t !== null);
  if (inputs.some((t) => needsGrad(t))) {
    record(y, 'batchNorm', inputs, (g) => {
      const grads = batchNormBackward(xc, gamma, meanT, invStd, g.contiguous());
      const out: (Tensor | null)[] = [grads.dx];
      if (gamma) out.push(grads.dgamma);
      if (beta) out.push(grads.dbeta);
      return out;
    });
  }
  return { y, mean: meanT, variance };
}

function batchNormBackward(
  x: Tensor, gamma: Tensor | null, meanT: Tensor, invStd: Tensor, dy: Tensor,
): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const [rows, features] = x.shape as [number, number];
  const backend = getBackend();
  if (backend.batchNormBackward) {
    const dx = new Tensor(allocStorage(backend, rows * features), [rows, features]);
    const dgamma = new Tensor(allocStorage(backend, features), [features]);
    const dbeta = new Tensor(allocStorage(backend, features), [features]);
    backend.batchNormBackward(denseStorage(x), gamma ? denseStorage(gamma) : null, denseStorage(meanT), denseStorage(invStd), denseStorage(dy),
      rows, features, dx.storage, dgamma.storage, dbeta.storage);
    return { dx, dgamma, dbeta };
  }
  if (rows === 0) throw new NablaError('batchNorm backward: empty batch');
  // dx = invStd / N * (N * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)), dxhat = dy * gamma.
  const xhat = mul(sub(x, meanT), invStd);
  const dxhat = gamma ? mul(dy, gamma) : dy;
  const dx = mul(
    sub(sub(mul(dxhat, rows), sum(dxhat, 0)), mul(xhat, sum(mul(dxhat, xhat), 0))),
    mul(invStd, 1 / rows),
  );
  return { dx, dgamma: sum(mul(dy, xhat), 0), dbeta: sum(dy, 0) };
}

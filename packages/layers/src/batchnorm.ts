// BatchNorm1d over [batch, features] or [batch, features, length], as PyTorch's nn.BatchNorm1d.
// Training: normalise with the batch mean and biased variance (core's batchNorm, fused when the backend has
// it) and move the running statistics towards the batch's, using the unbiased variance var * n / (n - 1).
// Eval: normalise with the running statistics.

import { ValueError, ShapeError, batchNorm, checkTensor, fmtShape, ones, zeros, add, mul, sub, noGrad, type Tensor } from '@nabla/core';
import { Module } from './module.js';
import { checkBoolean, checkOptions } from './options.js';

export interface BatchNorm1dOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the newest batch in the running statistics (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learn a scale ('weight', init 1) and shift ('bias', init 0) per feature (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
}

export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, options: BatchNorm1dOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new ValueError(`BatchNorm1d: numFeatures must be a positive integer, got ${String(numFeatures)}`);
    }
    const o = checkOptions('BatchNorm1d', options, ['eps', 'momentum', 'affine', 'trackRunningStats'], '{ eps: 1e-3 }');
    const eps = o.eps ?? 1e-5;
    // An infinite eps would divide every value by Infinity: a layer that outputs only its bias.
    if (typeof eps !== 'number' || !(eps > 0 && eps < Infinity)) throw new ValueError(`BatchNorm1d: eps must be a positive finite number, got ${String(eps)}`);
    const momentum = o.momentum === undefined ? 0.1 : o.momentum;
    if (momentum !== null && !(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) {
      throw new ValueError(`BatchNorm1d: momentum must be in [0, 1] or null, got ${String(momentum)}`);
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = checkBoolean('BatchNorm1d', 'affine', o.affine ?? true);
    this.trackRunningStats = checkBoolean('BatchNorm1d', 'trackRunningStats', o.trackRunningStats ?? true);
    this.registerParameter('weight', this.affine ? ones([numFeatures]) : null);
    this.registerParameter('bias', this.affine ? zeros([numFeatures]) : null);
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? zeros([]) : null);
  }

  /** Scale per feature (gamma), or null without affine. */
  get weight(): Tensor | null {
    return this.getParameter('weight');
  }

  /** Shift per feature (beta), or null without affine. */
  get bias(): Tensor | null {
    return this.getParameter('bias');
  }

  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }

  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }

  /** Number of training batches seen (a 0-d tensor, as PyTorch's buffer). */
  get numBatchesTracked(): Tensor | null {
    return this.getBuffer('num_batches_tracked');
  }

  forward(x: Tensor): Tensor {
    checkTensor('BatchNorm1d.forward', 'input', x);
    if ((x.rank !== 2 && x.rank !== 3) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `BatchNorm1d(${this.numFeatures}): input has shape ${fmtShape(x.shape)}, expected [batch, ${this.numFeatures}] ` +
        `or [batch, ${this.numFeatures}, length]`,
      );
    }
    // [N, C, L] is normalised as N*L rows of C features.
    const rows2d = x.rank === 2 ? x : x.permute(0, 2, 1).reshape(-1, this.numFeatures);
    const y = this.training || !this.trackRunningStats ? this.batchStatistics(x, rows2d) : this.runningStatistics(rows2d);
    if (x.rank === 2) return y;
    return y.reshape(x.shape[0]!, x.shape[2]!, this.numFeatures).permute(0, 2, 1);
  }

  private batchStatistics(x: Tensor, rows2d: Tensor): Tensor {
    const rows = rows2d.shape[0]!;
    if (rows < 2) {
      throw new ValueError(
        `BatchNorm1d: training needs more than one value per feature to estimate a variance, got input of shape ` +
        `${fmtShape(x.shape)}; use a batch of 2 or more, or call eval() (when it is a DataLoader's last, partial ` +
        'batch: pass dropLast: true)',
      );
    }
    const { y, mean, variance } = batchNorm(rows2d, this.weight, this.bias, this.eps);
    if (this.training && this.trackRunningStats) this.updateRunningStats(mean, variance, rows);
    return y;
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, rows: number): void {
    // A few hundred numbers per step: plain arithmetic in double (as PyTorch's addcmul in float32 would
    // round differently only in the last place), written back in one go, in whatever memory they live.
    const count = this.numBatchesTracked!.item() + 1;
    this.numBatchesTracked!.copy_([count]);
    const f = this.momentum ?? 1 / count;
    const unbiased = rows / (rows - 1);
    const rm = Float32Array.from(this.runningMean!.data());
    const rv = Float32Array.from(this.runningVar!.data());
    const m = mean.data();
    const v = variance.data();
    for (let i = 0; i < this.numFeatures; i++) {
      rm[i] = (1 - f) * rm[i]! + f * m[i]!;
      rv[i] = (1 - f) * rv[i]! + f * v[i]! * unbiased;
    }
    this.runningMean!.copy_(rm);
    this.runningVar!.copy_(rv);
  }

  private runningStatistics(rows2d: Tensor): Tensor {
    const invStd = noGrad(() => add(this.runningVar!, this.eps).sqrt().pow(-1));
    let y = mul(sub(rows2d, this.runningMean!), invStd);
    if (this.weight) y = mul(y, this.weight);
    if (this.bias) y = add(y, this.bias);
    return y;
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, ` +
      `track_running_stats=${this.trackRunningStats}`;
  }
}

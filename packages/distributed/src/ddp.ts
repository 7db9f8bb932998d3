// DistributedDataParallel: PyTorch's DDP for nabla. Wrap the model on every rank; each rank trains on its
// own share of every batch (see DistributedSampler) and, after backward, every rank holds the same
// gradients: the mean over the ranks. So the optimizer takes the same step everywhere and the replicas stay
// identical (bit for bit) without ever sending weights again.
//
//  - At construction, rank 0's parameters and buffers are broadcast to every rank.
//  - Gradients are averaged in buckets (bucketCapMb each). Each parameter's .grad is a view of its
//    bucket (see buckets.ts), so backward accumulates into the bucket; with several ranks on a machine the
//    buckets live in memory they all map (ProcessGroup.sharedBuffer), where the allreduce sums them. A
//    post-accumulate hook on every parameter counts the gradients backward has finished, and a bucket's
//    allreduce (sum, then / worldSize, in place) starts when its last one is final, on the addon's
//    communication thread, while backward goes on. Buckets start in a fixed order on every rank (MPI needs
//    the same order everywhere). When the last bucket has started, the hook waits for all of them, so when
//    backward() returns the gradients are averaged and optimizer.step() needs nothing else. Views that
//    optimizer.zeroGrad() dropped (setToNone, its default) are put back, zeroed, at the next forward; a
//    gradient that is still not the bucket's view when backward reaches it is copied in, and the view put
//    back as .grad.
//  - Buffers (BatchNorm's running statistics) are broadcast from rank 0 (all in one message) at each forward
//    in training mode, as PyTorch does by default, and at the first forward in eval mode after training:
//    every rank then holds rank 0's statistics, which are those of rank 0's shares.
//  - Every parameter that requires grad must receive a gradient in every backward (as with PyTorch's
//    default find_unused_parameters=False): one that does not is reported by name at the next forward, or
//    at the end of the program when the step was the last.

import { Tensor, ValueError, describeValue, dropGrad, gradOf, isGradEnabled } from '@nabla/core';
import { Module } from '@nabla/layers';
import { planBuckets, type Bucket, type Slot } from './buckets.js';
import { CoalescedBroadcast } from './coalesced.js';
import { ProcessGroup, getProcessGroup, type Work } from './group.js';
import { hostView } from './host.js';
import { addExitCheck } from './faults.js';
import { checkKnownKeys } from './options.js';
import { checkSameReplicas } from './same-model.js';

export interface DistributedDataParallelOptions {
  /** Default: the group of initDistributed(). */
  group?: ProcessGroup;
  /** Size of a gradient bucket in megabytes (2^20 bytes). Default 1. */
  bucketCapMb?: number;
  /** Broadcast buffers from rank 0 at each forward in training mode. Default true. */
  broadcastBuffers?: boolean;
  /**
   * Start each bucket's allreduce during backward (default true); false waits for the whole backward and
   * then reduces the buckets one after the other (for comparison).
   */
  overlap?: boolean;
}

/**
 * The wrapper whose hooks average each parameter's gradient: a second one on the same parameter would add
 * its own hooks and buckets, and the two would fight over .grad.
 */
const averagedBy = new WeakMap<Tensor, DistributedDataParallel>();

function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`DistributedDataParallel: ${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

export class DistributedDataParallel extends Module {
  readonly module: Module;
  readonly group: ProcessGroup;
  readonly broadcastBuffers: boolean;
  readonly overlap: boolean;
  private readonly buckets: Bucket[];
  private readonly slots: Map<Tensor, Slot>;
  private readonly works: (Work | null)[];
  private nextBucket = 0;
  private readyParams = 0;
  /** Parameters whose gradient is in its bucket this step (to name the missing ones). */
  private readonly filled = new Set<Tensor>();
  private readonly hookHandles: { remove(): void }[] = [];
  /** While the hooks are on: the check at exit for a step whose gradients were never averaged. */
  private exitCheck: { remove(): void } | null = null;
  /** A training forward ran since buffers were last broadcast (it may have updated them locally). */
  private buffersChanged = false;
  private readonly bufferBroadcast: CoalescedBroadcast;

  constructor(module: Module, options: DistributedDataParallelOptions = {}) {
    super();
    if (!(module instanceof Module)) {
      throw new ValueError(`DistributedDataParallel: expected a Module of @nabla/layers, got ${describeValue(module)}`);
    }
    if (module instanceof DistributedDataParallel) {
      throw new ValueError('DistributedDataParallel: the module is already a DistributedDataParallel; wrap the model once');
    }
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`DistributedDataParallel: options must be an object, got ${describeValue(options)}`);
    }
    checkKnownKeys('DistributedDataParallel', options, ['group', 'bucketCapMb', 'broadcastBuffers', 'overlap']);
    const capMb = options.bucketCapMb ?? 1;
    if (typeof capMb !== 'number' || !(capMb > 0) || !Number.isFinite(capMb)) {
      throw new ValueError(`DistributedDataParallel: bucketCapMb must be a finite number > 0, got ${describeValue(capMb)}`);
    }
    if (options.group !== undefined && !(options.group instanceof ProcessGroup)) {
      throw new ValueError(`DistributedDataParallel: group must be the ProcessGroup of initDistributed(), got ${describeValue(options.group)}`);
    }
    this.broadcastBuffers = checkBoolean('broadcastBuffers', options.broadcastBuffers, true);
    this.overlap = checkBoolean('overlap', options.overlap, true);
    this.module = module;
    this.group = options.group ?? getProcessGroup();
    this.bufferBroadcast = new CoalescedBroadcast(this.group);

    const parameters = module.namedParameters();
    const trainable = parameters.filter(([, p]) => p.requiresGrad);
    for (const [name, p] of parameters) hostView(p, `DistributedDataParallel: parameter ${name}`);
    for (const [name, p] of trainable) {
      if (averagedBy.has(p)) {
        throw new ValueError(`DistributedDataParallel: parameter ${name} is already averaged by another ` +
          'DistributedDataParallel; wrap the model once (or call detachHooks() on the other one first)');
      }
    }
    checkSameReplicas(this.group, {
      parameters, buffers: module.namedBuffers(), bucketCapMb: capMb, broadcastBuffers: this.broadcastBuffers,
    });
    this.syncState();
    // With more than one rank, buckets live where the allreduce sums them (see ProcessGroup.sharedBuffer).
    const allocate = this.group.worldSize > 1 ? (n: number) => this.group.sharedBuffer(n) : undefined;
    ({ buckets: this.buckets, slots: this.slots } = planBuckets(trainable, capMb * 1024 * 1024, allocate));
    this.works = this.buckets.map(() => null);
    for (const slot of this.slots.values()) {
      if (slot.param.grad !== null) slot.view.set(hostView(slot.param.grad, `gradient of ${slot.name}`));
      slot.param.grad = new Tensor(slot.view, slot.param.shape);
    }
    this.attachHooks();
  }

  /** Puts the gradient hooks on (done at construction; after detachHooks, to average gradients again). */
  attachHooks(): void {
    // One rank: the mean of one gradient is itself, so there is nothing to send or wait for.
    if (this.hookHandles.length > 0 || this.group.worldSize === 1) return;
    for (const slot of this.slots.values()) {
      const other = averagedBy.get(slot.param);
      if (other !== undefined && other !== this) {
        throw new ValueError(`DistributedDataParallel: parameter ${slot.name} is already averaged by another ` +
          'DistributedDataParallel; call detachHooks() on it first');
      }
    }
    for (const slot of this.slots.values()) {
      averagedBy.set(slot.param, this);
      this.hookHandles.push(slot.param.registerPostAccumulateGradHook((leaf) => this.onGradReady(leaf)));
    }
    // The next forward names a parameter that got no gradient; after the last step there is none.
    this.exitCheck = addExitCheck(() => (this.readyParams === 0 ? null : this.unusedMessage()));
  }

  /** Number of gradient buckets (one allreduce each per step). */
  get bucketCount(): number {
    return this.buckets.length;
  }

  /** True when the buckets live in memory the machine's ranks share, so that averaging copies nothing. */
  get bucketsShared(): boolean {
    return this.buckets.length > 0 && this.buckets.every((b) => this.group.isShared(b.data));
  }

  /** Rank 0's parameters and buffers, copied into every rank's (done at construction). */
  syncState(): void {
    for (const [name, p] of this.module.namedParameters()) this.group.broadcast(hostView(p, `broadcast of parameter ${name}`), 0);
    this.syncBuffers();
  }

  /** Copies rank 0's buffers into every rank's (forward does it; call it before reading buffers yourself). */
  syncBuffers(): void {
    this.bufferBroadcast.run(this.module.namedBuffers().map(([name, b]) => hostView(b, `broadcast of buffer ${name}`)), 0);
  }

  forward(...xs: Tensor[]): Tensor {
    if (this.readyParams !== 0) this.reportUnused();
    // In training mode every forward starts from rank 0's buffers; the first forward in eval mode after
    // training does too, so evaluation on every rank uses the same running statistics.
    if (this.broadcastBuffers && (this.module.training || this.buffersChanged)) this.syncBuffers();
    this.buffersChanged = this.module.training;
    if (this.hookHandles.length > 0 && isGradEnabled()) this.restoreBucketViews();
    return this.module(...xs);
  }

  /**
   * Puts back, zeroed, the bucket views that optimizer.zeroGrad() dropped (it sets .grad to null by
   * default): backward then accumulates into the buckets in place (the linear layers' weight gradients
   * straight from their GEMMs) instead of into fresh memory that the hooks would copy in.
   */
  private restoreBucketViews(): void {
    for (const slot of this.slots.values()) {
      if (gradOf(slot.param) !== null) continue;
      slot.view.fill(0);
      slot.param.grad = new Tensor(slot.view, slot.param.shape);
    }
  }

  /** Takes the gradient hooks off: the wrapped module then trains on its own, without averaging. */
  detachHooks(): void {
    for (const h of this.hookHandles) h.remove();
    this.hookHandles.length = 0;
    this.exitCheck?.remove();
    this.exitCheck = null;
    for (const slot of this.slots.values()) if (averagedBy.get(slot.param) === this) averagedBy.delete(slot.param);
  }

  private onGradReady(param: Tensor): void {
    const slot = this.slots.get(param)!;
    const bucket = this.buckets[slot.bucket]!;
    const grad = gradOf(param)!;
    if (grad.storage !== slot.view) {
      slot.view.set(hostView(grad, `gradient of ${slot.name}`));
      dropGrad(param); // its memory goes back for the next gradient
      param.grad = new Tensor(slot.view, param.shape);
    }
    bucket.ready++;
    this.readyParams++;
    this.filled.add(param);
    if (this.overlap) {
      // Start every bucket that is complete, in bucket order.
      while (this.nextBucket < this.buckets.length && this.bucketFull(this.nextBucket)) {
        this.works[this.nextBucket] = this.group.allreduceAsync(this.buckets[this.nextBucket]!.data, { mean: true });
        this.nextBucket++;
      }
      if (this.nextBucket === this.buckets.length) this.finish();
    } else if (this.readyParams === this.slots.size) {
      for (const b of this.buckets) this.group.allreduceMean(b.data);
      this.finish();
    }
  }

  private bucketFull(index: number): boolean {
    const b = this.buckets[index]!;
    return b.ready === b.slots.length;
  }

  /** Waits for every bucket: the gradients (views of the buckets) then hold the means. */
  private finish(): void {
    for (let b = 0; b < this.buckets.length; b++) {
      this.works[b]?.wait();
      this.works[b] = null;
      this.buckets[b]!.ready = 0;
    }
    this.nextBucket = 0;
    this.readyParams = 0;
    this.filled.clear();
  }

  private unusedMessage(): string {
    const missing = [...this.slots.values()].filter((s) => !this.filled.has(s.param)).map((s) => s.name);
    return `DistributedDataParallel: parameter(s) ${missing.join(', ')} received no gradient in the last backward, ` +
      'so the gradients of that step were not averaged; every parameter that requires grad must take part in the ' +
      'loss of every step (or set requiresGrad = false on it before wrapping the model)';
  }

  private reportUnused(): never {
    // The job cannot go on: the other ranks wait in this step's allreduce.
    return this.group.abort(`nabla distributed: rank ${this.group.rank}: ${this.unusedMessage()}`);
  }

  protected override extraRepr(): string {
    return `worldSize=${this.group.worldSize}, buckets=${this.buckets.length}`;
  }
}

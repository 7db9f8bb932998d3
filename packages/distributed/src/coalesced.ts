// Several small arrays broadcast as one: a single collective per call instead of one per array (each costs
// a round trip, and the ranks' comparison of their calls). DDP's buffers (BatchNorm's running statistics,
// three per layer) go this way at every training forward, as PyTorch coalesces them.

import type { ProcessGroup } from './group.js';

export class CoalescedBroadcast {
  private flat = new Float32Array(0);

  constructor(private readonly group: ProcessGroup) {}

  /** Copies `root`'s arrays into every rank's, in one broadcast. */
  run(views: readonly Float32Array[], root = 0): void {
    if (views.length === 0) return;
    if (views.length === 1) {
      this.group.broadcast(views[0]!, root);
      return;
    }
    const total = views.reduce((n, v) => n + v.length, 0);
    if (this.flat.length !== total) this.flat = new Float32Array(total);
    let offset = 0;
    for (const v of views) {
      this.flat.set(v, offset);
      offset += v.length;
    }
    this.group.broadcast(this.flat, root);
    offset = 0;
    for (const v of views) {
      v.set(this.flat.subarray(offset, offset + v.length));
      offset += v.length;
    }
  }
}

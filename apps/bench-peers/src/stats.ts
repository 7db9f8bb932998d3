// Summaries of repeated measurements. Rounds are separate processes on a shared machine: the best round is
// the closest to the machine's speed, the median the typical one; both are reported, never the mean (one
// round slowed by a neighbour would drag it).

/** Whether a larger figure is better (samples/s, GFLOP/s) or a smaller one (µs per op, MB). */
export type Better = 'higher' | 'lower';

export interface Summary {
  best: number;
  median: number;
  rounds: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(rounds: readonly number[], better: Better): Summary {
  if (rounds.length === 0) throw new RangeError('summary of no rounds');
  const best = better === 'higher' ? Math.max(...rounds) : Math.min(...rounds);
  return { best, median: median(rounds), rounds: [...rounds] };
}

/**
 * Of several settings of one peer (PyTorch with OpenBLAS's default kernels, or with SkylakeX), the faster
 * one, judged by the median; its name and summary.
 */
export function fastest<T extends { summary: Summary }>(candidates: readonly T[], better: Better): T | undefined {
  let pick: T | undefined;
  for (const c of candidates) {
    if (!pick) pick = c;
    else if (better === 'higher' ? c.summary.median > pick.summary.median : c.summary.median < pick.summary.median) pick = c;
  }
  return pick;
}

/** nabla's figure over the peer's, best against best and median against median. */
export function ratios(nabla: Summary, peer: Summary): { best: number; median: number } {
  return { best: nabla.best / peer.best, median: nabla.median / peer.median };
}

/** Floating-point operations of the nine GEMMs of one training step of an MLP, per sample of the batch. */
export function stepFlopsPerSample(widths: readonly number[]): number {
  let weights = 0;
  for (let l = 0; l + 1 < widths.length; l++) weights += widths[l]! * widths[l + 1]!;
  // forward, dW and dX: three GEMMs per layer, each 2·batch·in·out.
  return 3 * 2 * weights;
}

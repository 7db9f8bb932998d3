// Timing helpers for the benchmarks: run a function until enough time has passed, after a warm-up, and
// report the best of a few rounds (the least disturbed by other work on the machine).

export interface TimingOptions {
  /** Seconds each round should last at least. */
  minSeconds: number;
  rounds: number;
}

/** Seconds per call of fn: the best round's mean. */
export function timePerCall(fn: () => void, options: TimingOptions): number {
  fn(); // warm-up: JIT, caches, thread pool start
  let reps = 1;
  // Grow the repetition count until one round takes minSeconds.
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const seconds = (performance.now() - t0) / 1000;
    if (seconds >= options.minSeconds || reps >= 1 << 24) break;
    reps = Math.max(reps * 2, Math.ceil(reps * (options.minSeconds / Math.max(seconds, 1e-6)) * 1.1));
  }
  let best = Infinity;
  for (let r = 0; r < options.rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t0) / 1000 / reps);
  }
  return best;
}

import { describe, expect, it } from 'vitest';
import { fastest, median, ratios, stepFlopsPerSample, summarize } from '../src/stats.js';
import { STEP_SHAPES, gemmFlops, stepGflops } from '../src/shapes.js';
import { checkEntry, filledArray, lastEntry } from '../src/timing.js';

describe('statistics', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('best is the largest figure when higher is better, the smallest when lower is', () => {
    expect(summarize([5, 9, 7], 'higher')).toEqual({ best: 9, median: 7, rounds: [5, 9, 7] });
    expect(summarize([5, 9, 7], 'lower').best).toBe(5);
  });

  it('the faster peer setting is chosen by its median, in the direction of the unit', () => {
    const a = { name: 'a', summary: summarize([10, 30, 11], 'higher') };
    const b = { name: 'b', summary: summarize([20, 21, 22], 'higher') };
    expect(fastest([a, b], 'higher')?.name).toBe('b');
    expect(fastest([a, b], 'lower')?.name).toBe('a');
    expect(fastest([], 'higher')).toBeUndefined();
  });

  it('ratios are nabla over peer, best with best and median with median', () => {
    expect(ratios(summarize([4, 6], 'higher'), summarize([2, 3], 'higher'))).toEqual({ best: 2, median: 2 });
  });

  it('flops of a step: three GEMMs of 2·in·out per layer and sample', () => {
    expect(stepFlopsPerSample([784, 256, 128, 10])).toBe(6 * (784 * 256 + 256 * 128 + 128 * 10));
    const total = STEP_SHAPES.reduce((s, g) => s + gemmFlops(g), 0);
    expect(total).toBe(128 * stepFlopsPerSample([784, 256, 128, 10]));
  });

  it('step GFLOP/s is total flops over total time, and needs all nine shapes', () => {
    const all = new Map(STEP_SHAPES.map((s) => [s.name, 50]));
    expect(stepGflops(all)).toBeCloseTo(50, 10);
    all.delete('fc3 dX');
    expect(stepGflops(all)).toBeUndefined();
  });

  it('the check entry of a GEMM follows the operands as stored, transposed or not', () => {
    // A = [[1, 2, 3], [4, 5, 6]] (2×3), B = [[1, 0], [0, 1], [1, 1]] (3×2): C's last entry is 5 + 6 = 11.
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Float32Array.from([1, 0, 0, 1, 1, 1]);
    expect(lastEntry(a, b, { m: 2, n: 2, k: 3, transA: false, transB: false })).toBe(11);
    // The same product with A stored as Aᵀ (3×2) and B stored as Bᵀ (2×3).
    const aT = Float32Array.from([1, 4, 2, 5, 3, 6]);
    const bT = Float32Array.from([1, 0, 1, 0, 1, 1]);
    expect(lastEntry(aT, bT, { m: 2, n: 2, k: 3, transA: true, transB: true })).toBe(11);
    expect(() => checkEntry('C', 11.5, 11)).toThrow(/last entry 11.5, expected 11/);
    expect(() => checkEntry('C', Number.NaN, 11)).toThrow();
    expect(() => checkEntry('C', 11.000001, 11)).not.toThrow();
  });

  it('operands are reproducible and within [-1, 1)', () => {
    const a = filledArray(1000, 7);
    expect(filledArray(1000, 7)).toEqual(a);
    expect(a.every((v) => v >= -1 && v < 1)).toBe(true);
    expect(filledArray(1000, 8)).not.toEqual(a);
  });
});

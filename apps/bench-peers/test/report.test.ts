import { describe, expect, it } from 'vitest';
import { DEFAULTS, QUICK, roundJobs, trainKey, type Options } from '../src/plan.js';
import { markdown, resultDocument, tableRows, type Collected } from '../src/report.js';
import { GEMM_SHAPES } from '../src/shapes.js';
import { fmt, markdownTable } from '../src/table.js';

const options: Options = { ...DEFAULTS, threads: [1], data: ['x255'], coretypes: ['default', 'SkylakeX'], torchDefaultThreads: false };

function train(samplesPerSecond: number, core?: string) {
  return { samplesPerSecond, peakRssMb: 200, ...(core ? { openblas: { core } } : {}) };
}

function gemms(gflops: number, extra: Record<string, unknown> = {}) {
  return { ...extra, cases: GEMM_SHAPES.map((s) => ({ name: s.name, bestGflops: gflops })) };
}

const collected: Collected = {
  [trainKey('nabla', 'loop', 'x255', 1)]: { rounds: [train(90_000), train(80_000), train(100_000)], errors: [] },
  [trainKey('nabla', 'fit', 'x255', 1)]: { rounds: [train(85_000)], errors: [] },
  [trainKey('torch-default', 'loop', 'x255', 1)]: { rounds: [train(30_000, 'Zen'), train(31_000, 'Zen')], errors: [] },
  [trainKey('torch-SkylakeX', 'loop', 'x255', 1)]: { rounds: [train(45_000, 'SkylakeX'), train(50_000, 'SkylakeX')], errors: [] },
  'sgemm/nabla': { rounds: [gemms(100)], errors: [] },
  'sgemm/openblas/default': { rounds: [gemms(40, { core: 'Zen' })], errors: [] },
  'sgemm/openblas/SkylakeX': { rounds: [gemms(80, { core: 'SkylakeX' })], errors: [] },
  'matmul/nabla': {
    rounds: [{ cases: GEMM_SHAPES.map((s) => ({ name: s.name, contiguous: { best: 60 }, views: { best: 50 } })) }], errors: [],
  },
  'overhead/nabla': { rounds: [{ microsecondsPerOp: 0.5 }], errors: [] },
  'overhead/torch': { rounds: [{ microsecondsPerOp: 1 }], errors: [] },
  peak: { rounds: [{ gflops: { avx512: 200, avx2: 100 } }], errors: [] },
};

describe('the table', () => {
  const rows = tableRows(collected, options);
  const row = (start: string) => rows.find((r) => r.what.startsWith(start))!;

  it('compares training against the faster PyTorch setting', () => {
    const r = row('MLP training, the README loop');
    expect(r.nabla).toEqual({ best: 100_000, median: 90_000, rounds: [90_000, 80_000, 100_000] });
    expect(r.peer?.median).toBe(47_500);
    expect(r.peerLabel).toBe('PyTorch (SkylakeX)');
  });

  it('compares sgemm against the faster OpenBLAS setting, as a share of the FMA peak', () => {
    const r = row('sgemm, the 9 GEMMs');
    expect(r.nabla?.best).toBeCloseTo(100);
    expect(r.peer?.best).toBeCloseTo(80);
    expect(r.peakShare).toBe(200);
    expect(row('`a.matmul(b)`, the 9 GEMMs of a step, transposed').nabla?.best).toBeCloseTo(50);
  });

  it('renders one markdown row per figure, with ratios nabla/peer', () => {
    const text = markdown(rows);
    const lines = text.split('\n');
    expect(lines).toHaveLength(rows.length + 2);
    expect(text).toContain('| MLP training, the README loop, x/255, 1 thread');
    expect(text).toMatch(/PyTorch \(SkylakeX\)\s*\|\s*50\.0k\s*\|\s*47\.5k\s*\|\s*2\.00×\s*\|\s*1\.89×/);
    expect(text).toMatch(/per-op overhead.*\|\s*0\.50\s*\|.*\|\s*0\.50×/);
    expect(text).toContain('100 (50%)');
  });

  it('shows a dash where a side did not run', () => {
    const text = markdown(tableRows({ 'overhead/nabla': { rounds: [{ microsecondsPerOp: 0.5 }], errors: [] } }, options));
    expect(text).toMatch(/per-op overhead[^\n]*\| PyTorch\s*\|\s*-\s*\|\s*-\s*\|\s*-\s*\|\s*-\s*\|/);
  });
});

describe('plan', () => {
  it('alternates nabla and peer jobs and skips peers that are missing', () => {
    const jobs = roundJobs({ ...DEFAULTS, ...QUICK } as Options, { torch: true, sgemm: true, openblas: true });
    const training = jobs.filter((j) => j.key.startsWith('train/'));
    expect(training.map((j) => j.runner)).toEqual(['nabla', 'torch', 'nabla', 'torch']);
    const second = roundJobs({ ...DEFAULTS, ...QUICK } as Options, { torch: true, sgemm: true, openblas: true }, 2);
    expect(second.filter((j) => j.key.startsWith('train/')).map((j) => j.runner)).toEqual(['torch', 'nabla', 'torch', 'nabla']);
    const none = roundJobs(DEFAULTS, { torch: false, sgemm: false, openblas: false });
    expect(none.every((j) => j.runner === 'nabla')).toBe(true);
  });
});

describe('formatting', () => {
  it('aligns columns and formats figures for reading', () => {
    expect(markdownTable(['a', 'b'], [['x', '1']], [false, true])).toBe('| a   |   b |\n|-----|----:|\n| x   |   1 |');
    expect([fmt(123_456), fmt(12_345), fmt(512.3), fmt(51.23), fmt(5.123), fmt(undefined)]).toEqual(['123k', '12.3k', '512', '51.2', '5.12', '-']);
  });
});

describe('the JSON document', () => {
  it('carries how the run ran, the table as data and markdown, and every round', () => {
    const doc = resultDocument({
      date: '2026-01-01T00:00:00.000Z', finished: '2026-01-01T00:05:00.000Z', command: 'pnpm bench:peers', quick: false,
      machine: { cpu: 'x', loadAverageStart: [1, 1, 1] }, versions: { node: 'v20' }, options, notes: [],
    }, { ...collected, 'overhead/torch': { rounds: [], errors: ['round 1: exit code 1'] } });
    expect(Object.keys(doc)).toEqual([
      'schema', 'date', 'finished', 'command', 'quick', 'machine', 'versions', 'options', 'notes',
      'failures', 'fmaPeak', 'table', 'gemmDetail', 'markdown', 'raw',
    ]);
    expect(doc.failures).toEqual(['overhead/torch round 1: exit code 1']);
    expect(doc.fmaPeak).toEqual({ isa: 'avx512', summary: { best: 200, median: 200, rounds: [200] } });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('PyTorch settings', () => {
  it('above one thread, each core type also runs with a passive OpenMP wait, and the faster one is the peer', () => {
    const two: Options = { ...options, threads: [2] };
    const jobs = roundJobs(two, { torch: true, sgemm: false, openblas: false }).filter((j) => j.runner === 'torch' && j.key.startsWith('train/'));
    expect(jobs.map((j) => j.key)).toEqual([
      'train/torch-default/loop/x255/2t', 'train/torch-default-passive/loop/x255/2t',
      'train/torch-SkylakeX/loop/x255/2t', 'train/torch-SkylakeX-passive/loop/x255/2t',
    ]);
    const rows = tableRows({
      [trainKey('torch-SkylakeX', 'loop', 'x255', 2)]: { rounds: [train(500, 'SkylakeX')], errors: [] },
      [trainKey('torch-SkylakeX-passive', 'loop', 'x255', 2)]: { rounds: [train(9000, 'SkylakeX')], errors: [] },
    }, two);
    const r = rows.find((x) => x.what.startsWith('MLP training, the README loop'))!;
    expect(r.peer?.best).toBe(9000);
    expect(r.peerLabel).toBe('PyTorch (SkylakeX, OMP_WAIT_POLICY=PASSIVE)');
  });
});

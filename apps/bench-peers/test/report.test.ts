import { describe, expect, it } from 'vitest';
import { combineConcurrent } from '../src/child.js';
import { DEFAULTS, QUICK, TFJS_WORKLOAD, processesSide, roundJobs, trainKey, type Options } from '../src/plan.js';
import { keyRatios, markdown, resultDocument, tableRows, type Collected } from '../src/report.js';
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
    const quick = { ...DEFAULTS, ...QUICK, groups: ['native'] } as Options;
    const jobs = roundJobs(quick, { torch: true, sgemm: true, openblas: true });
    const training = jobs.filter((j) => j.key.startsWith('train/'));
    expect(training.map((j) => j.runner)).toEqual(['nabla', 'torch', 'nabla', 'torch']);
    const second = roundJobs(quick, { torch: true, sgemm: true, openblas: true }, 2);
    expect(second.filter((j) => j.key.startsWith('train/')).map((j) => j.runner)).toEqual(['torch', 'nabla', 'torch', 'nabla']);
    const none = roundJobs(DEFAULTS, { torch: false, sgemm: false, openblas: false });
    expect(none.every((j) => j.runner === 'nabla')).toBe(true);
  });

  it('runs only the row groups asked for', () => {
    const have = { torch: true, sgemm: true, openblas: true, wasm: true, tfjs: true };
    const wasmOnly = roundJobs({ ...DEFAULTS, groups: ['wasm'] }, have);
    expect(wasmOnly.map((j) => j.key)).toEqual([
      'sgemm/nabla-wasm', 'sgemm/tfjs-wasm', 'matmul/nabla-wasm',
      trainKey('nabla-wasm', 'loop', 'x255', 1), trainKey('tfjs-wasm', TFJS_WORKLOAD, 'x255', 1),
      trainKey('nabla-js', 'loop', 'x255', 1), trainKey('tfjs-cpu', TFJS_WORKLOAD, 'x255', 1),
    ]);
    expect(roundJobs({ ...DEFAULTS, groups: ['native'] }, have).some((j) => j.runner === 'tfjs' || j.key.includes('wasm'))).toBe(false);
    const both = roundJobs(DEFAULTS, have);
    expect(both.filter((j) => j.runner === 'tfjs')).toHaveLength(3);
    // Micro-benchmarks of both groups come before any training run.
    const firstTrain = both.findIndex((j) => j.key.startsWith('train/'));
    expect(both.slice(firstTrain).every((j) => j.key.startsWith('train/'))).toBe(true);
  });

  it('alternates the wasm group too, and passes each side its backend', () => {
    const have = { torch: false, sgemm: false, openblas: false, wasm: true, tfjs: true };
    const second = roundJobs({ ...DEFAULTS, groups: ['wasm'] }, have, 2).filter((j) => j.key.startsWith('train/'));
    expect(second.map((j) => (j.runner === 'nabla' || j.runner === 'tfjs' ? `${j.runner}-${j.backend}` : j.runner))).toEqual([
      'tfjs-wasm', 'nabla-wasm', 'tfjs-cpu', 'nabla-js',
    ]);
    const noTfjs = roundJobs({ ...DEFAULTS, groups: ['wasm'] }, { ...have, tfjs: false, wasm: false });
    expect(noTfjs.map((j) => j.key)).toEqual([trainKey('nabla-js', 'loop', 'x255', 1)]);
  });
});

describe('scaling over threads', () => {
  const two: Options = { ...options, threads: [1, 2] };

  it('runs as many 1-thread processes at once as the most threads measured, per data variant', () => {
    const jobs = roundJobs({ ...two, groups: ['native'], data: ['x255', 'std'] }, { torch: false, sgemm: false, openblas: false });
    const together = jobs.filter((j) => j.runner === 'nabla' && (j.copies ?? 1) > 1);
    expect(together.map((j) => j.key)).toEqual([
      trainKey(processesSide(2), 'loop', 'x255', 1), trainKey(processesSide(2), 'loop', 'std', 1),
    ]);
    expect(together.every((j) => j.runner === 'nabla' && j.copies === 2 && j.task.task === 'train' && j.task.threads === 1)).toBe(true);
    expect(roundJobs({ ...two, threads: [2] }, { torch: false, sgemm: false, openblas: false }).some((j) => j.runner === 'nabla' && j.copies)).toBe(false);
  });

  it('compares 2 threads and 2 processes at once with 1 thread', () => {
    const c: Collected = {
      [trainKey('nabla', 'loop', 'x255', 1)]: { rounds: [train(80_000), train(70_000)], errors: [] },
      [trainKey('nabla', 'loop', 'x255', 2)]: { rounds: [train(120_000), train(100_000)], errors: [] },
      [trainKey(processesSide(2), 'loop', 'x255', 1)]: { rounds: [train(150_000), train(140_000)], errors: [] },
    };
    const ratios = keyRatios(tableRows(c, two));
    expect(ratios.find((r) => r.id === 'scaling-threads-x255-2')).toMatchObject({ best: 1.5, median: 110_000 / 75_000 });
    expect(ratios.find((r) => r.id === 'scaling-processes-x255-2')).toMatchObject({ best: 150_000 / 80_000, median: 145_000 / 75_000 });
    expect(tableRows(c, options).some((r) => r.id?.startsWith('scaling'))).toBe(false);
  });

  it('sums the samples/s of processes run at once, and fails if one of them failed', () => {
    const ok = (samplesPerSecond: number) => ({ ok: true, value: { samplesPerSecond, steps: 100 } });
    expect(combineConcurrent([ok(70_000), ok(75_000)])).toEqual({
      ok: true, value: { samplesPerSecond: 145_000, steps: 100, processes: [{ samplesPerSecond: 70_000, steps: 100 }, { samplesPerSecond: 75_000, steps: 100 }] },
    });
    const failed = combineConcurrent([ok(70_000), { ok: false, error: 'exit code 1' }]);
    expect(failed).toEqual({ ok: false, error: 'one of 2 processes run at once failed: exit code 1' });
  });
});

describe('the wasm rows', () => {
  const wasmOptions: Options = { ...options, groups: ['wasm'] };
  const sgemm = (byName: Record<string, number>, fallback: number) =>
    ({ cases: GEMM_SHAPES.map((s) => ({ name: s.name, bestGflops: byName[s.name] ?? fallback })) });
  const wasmCollected: Collected = {
    [trainKey('nabla-wasm', 'loop', 'x255', 1)]: { rounds: [train(12_000), train(14_000), train(13_000)], errors: [] },
    [trainKey('nabla-js', 'loop', 'x255', 1)]: { rounds: [train(3_000), train(3_500)], errors: [] },
    [trainKey('tfjs-wasm', TFJS_WORKLOAD, 'x255', 1)]: { rounds: [{ samplesPerSecond: 2_000, peakRssMb: 400 }], errors: [] },
    [trainKey('tfjs-cpu', TFJS_WORKLOAD, 'x255', 1)]: { rounds: [{ samplesPerSecond: 400, peakRssMb: 300 }], errors: [] },
    'sgemm/nabla-wasm': { rounds: [sgemm({ 'square 1024': 30 }, 20)], errors: [] },
    'matmul/nabla-wasm': {
      rounds: [{ cases: GEMM_SHAPES.map((s) => ({ name: s.name, contiguous: { best: 24 }, views: { best: 18 } })) }], errors: [],
    },
    // tfjs-wasm: fast on the square product, slow where the step transposes an operand.
    'sgemm/tfjs-wasm': { rounds: [sgemm({ 'square 1024': 25, 'fc1 dX': 20, 'fc2 dX': 20, 'fc3 dX': 20 }, 2)], errors: [] },
  };
  const rows = tableRows(wasmCollected, wasmOptions);
  const ratio = (id: string) => keyRatios(rows).find((r) => r.id === id);

  it('shows only the wasm group when only it ran', () => {
    expect(rows.every((r) => r.id !== undefined)).toBe(true);
    expect(rows.some((r) => r.what.includes('OpenBLAS') || r.peerLabel.startsWith('PyTorch'))).toBe(false);
  });

  it('compares wasm training with TensorFlow.js wasm and with the js backend, and js with TensorFlow.js cpu', () => {
    expect(ratio('train-wasm-vs-tfjs-wasm')).toMatchObject({ best: 7, median: 6.5 });
    expect(ratio('train-wasm-vs-js')).toMatchObject({ best: 4, median: 13_000 / 3_250 });
    expect(ratio('train-js-vs-tfjs-cpu')).toMatchObject({ best: 8.75, median: 3_250 / 400 });
    expect(ratio('rss-wasm-vs-tfjs-wasm')?.best).toBe(0.5);
    expect(rows.find((r) => r.id === 'train-wasm-vs-tfjs-wasm')?.peerLabel).toBe('TensorFlow.js wasm (tf.layers, trainOnBatch)');
  });

  it('compares the wasm sgemm and a.matmul(b) with tf.matMul at 1024² and over the nine step GEMMs', () => {
    expect(ratio('sgemm-wasm-1024')?.best).toBeCloseTo(30 / 25, 10);
    expect(ratio('matmul-wasm-1024')?.best).toBeCloseTo(24 / 25, 10);
    // Total flops over total time: each side's step figure lies between its slowest and fastest shape.
    const step = ratio('sgemm-wasm-step')!;
    expect(step.best).toBeGreaterThan(20 / 20);
    expect(step.best).toBeLessThan(20 / 2);
    expect(ratio('matmul-wasm-step')!.best).toBeCloseTo((step.best * 18) / 20, 10);
  });

  it('leaves a ratio out where a side did not run, and puts the ratios in the JSON', () => {
    const partial = { ...wasmCollected };
    delete partial['sgemm/tfjs-wasm'];
    const ids = keyRatios(tableRows(partial, wasmOptions)).map((r) => r.id);
    expect(ids).toEqual(['train-wasm-vs-tfjs-wasm', 'train-wasm-vs-js', 'train-js-vs-tfjs-cpu', 'rss-wasm-vs-tfjs-wasm']);
    const doc = resultDocument({
      date: '', finished: '', command: 'pnpm bench:peers --only wasm', quick: false, machine: {}, versions: {}, options: wasmOptions, notes: [],
    }, wasmCollected);
    expect((doc.ratios as { id: string }[]).map((r) => r.id)).toContain('sgemm-wasm-step');
    expect((doc.gemmDetail as { headers: string[] }).headers).toEqual(['GFLOP/s, best round', 'wasm sgemm kernel', 'a.matmul(b) on wasm, views', 'tfjs-wasm tf.matMul']);
    expect(String(doc.markdown)).toMatch(/MLP training, wasm backend, the README loop[^\n]*\|\s*7\.00×\s*\|\s*6\.50×\s*\|/);
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
      'failures', 'fmaPeak', 'table', 'ratios', 'gemmDetail', 'markdown', 'raw',
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

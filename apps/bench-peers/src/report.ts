// From the raw per-round results of every job to the summaries, the one table and the JSON document.
// Pure: no processes, no clock, no files (tested in test/report.test.ts).

import type { DataVariant, Options } from './plan.js';
import { GROUPS, TFJS_WORKLOAD, processesSide, torchSettings, trainKey } from './plan.js';
import { GEMM_SHAPES, STEP_SHAPES, WIDTHS, stepGflops } from './shapes.js';
import { fastest, ratios, stepFlopsPerSample, summarize, type Better, type Summary } from './stats.js';
import { fmt, fmtRatio, markdownTable } from './table.js';

type Value = Record<string, unknown>;

/** Every job's results, one entry per round that succeeded; failures as messages. */
export interface Collected {
  [key: string]: { rounds: Value[]; errors: string[] };
}

export interface Row {
  /** A stable name for the rows whose ratio is quoted elsewhere (the JSON's `ratios`). */
  id?: string;
  what: string;
  unit: string;
  better: Better;
  nabla?: Summary;
  peer?: Summary;
  peerLabel: string;
  /** When set, cells also show the figure as a share of this (the FMA peak of the threads used). */
  peakShare?: number;
}

const num = (v: Value, k: string): number => Number(v[k]);

function rounds(c: Collected, key: string, pick: (v: Value) => number | undefined, better: Better): Summary | undefined {
  const xs = (c[key]?.rounds ?? []).map(pick).filter((x): x is number => x !== undefined && Number.isFinite(x));
  return xs.length > 0 ? summarize(xs, better) : undefined;
}

/** OpenBLAS as it named its kernels in that process, e.g. "Zen" (OPENBLAS_CORETYPE unset) or "SkylakeX". */
function coreName(c: Collected, key: string, coretype: string): string {
  const v = c[key]?.rounds[0];
  const ob = (v?.openblas ?? null) as { core?: string } | null;
  const core = ob?.core ?? (typeof v?.core === 'string' ? v.core : undefined);
  if (coretype === 'default') return core ? `default: ${core}` : 'default';
  return coretype;
}

interface Candidate { key: string; coretype: string; summary: Summary }

function candidates(c: Collected, keys: { key: string; coretype: string }[], pick: (v: Value) => number | undefined, better: Better): Candidate[] {
  return keys.flatMap(({ key, coretype }) => {
    const summary = rounds(c, key, pick, better);
    return summary ? [{ key, coretype, summary }] : [];
  });
}

export function fmaPeak(c: Collected): { isa: string; summary: Summary } | undefined {
  for (const isa of ['avx512', 'avx2']) {
    const s = rounds(c, 'peak', (v) => (v.gflops as Record<string, number> | undefined)?.[isa], 'higher');
    if (s) return { isa, summary: s };
  }
  return undefined;
}

const DATA_LABEL: Record<DataVariant, string> = { x255: 'x/255', std: 'standardised' };

function sgemmByName(v: Value): Map<string, number> {
  const cases = (v.cases ?? []) as { name: string; bestGflops: number }[];
  return new Map(cases.map((x) => [x.name, x.bestGflops]));
}

function matmulByName(v: Value, layout: 'contiguous' | 'views'): Map<string, number> {
  const cases = (v.cases ?? []) as ({ name: string } & Record<'contiguous' | 'views', { best: number }>)[];
  return new Map(cases.map((x) => [x.name, x[layout].best]));
}

/** The rows of the one table, in reading order: the groups that ran. */
export function tableRows(c: Collected, o: Options): Row[] {
  const groups = o.groups ?? GROUPS;
  return [...(groups.includes('native') ? nativeRows(c, o) : []), ...(groups.includes('wasm') ? wasmRows(c, o) : [])];
}

/** nabla's native backend beside PyTorch and OpenBLAS. */
function nativeRows(c: Collected, o: Options): Row[] {
  const rows: Row[] = [];
  const peak = fmaPeak(c);
  const perSample = stepFlopsPerSample(WIDTHS);
  const torchKeys = (data: DataVariant, threads: number) =>
    torchSettings(o, threads).map((t) => ({ key: trainKey(t.side, 'loop', data, threads), coretype: t.coretype }));
  const sps = (v: Value) => num(v, 'samplesPerSecond');
  const torchLabel = (x: Candidate | undefined) =>
    (x ? `PyTorch (${coreName(c, x.key, x.coretype)}${x.key.includes('-passive/') ? ', OMP_WAIT_POLICY=PASSIVE' : ''})` : 'PyTorch');

  for (const threads of o.threads) {
    const t = `${threads} thread${threads > 1 ? 's' : ''}`;
    for (const data of o.data) {
      const peer = fastest(candidates(c, torchKeys(data, threads), sps, 'higher'), 'higher');
      for (const workload of ['loop', 'fit'] as const) {
        rows.push({
          what: `MLP training, ${workload === 'loop' ? 'the README loop' : '`fit`'}, ${DATA_LABEL[data]}, ${t}`,
          unit: 'samples/s', better: 'higher', peerLabel: torchLabel(peer),
          nabla: rounds(c, trainKey('nabla', workload, data, threads), sps, 'higher'), peer: peer?.summary,
        });
      }
    }
    const data = o.data[0]!;
    const peer = fastest(candidates(c, torchKeys(data, threads), sps, 'higher'), 'higher');
    const gflops = (v: Value) => (sps(v) * perSample) / 1e9;
    rows.push({
      what: `training step as GFLOP/s of its 9 GEMMs (share of ${threads}× FMA peak), ${DATA_LABEL[data]}, ${t}`,
      unit: 'GFLOP/s', better: 'higher', peerLabel: torchLabel(peer),
      nabla: rounds(c, trainKey('nabla', 'loop', data, threads), gflops, 'higher'),
      peer: peer ? rounds(c, peer.key, gflops, 'higher') : undefined,
      peakShare: peak ? peak.summary.best * threads : undefined,
    });
    rows.push({
      what: `peak RSS of the training process, ${DATA_LABEL[data]}, ${t}`,
      unit: 'MB', better: 'lower', peerLabel: torchLabel(peer),
      nabla: rounds(c, trainKey('nabla', 'loop', data, threads), (v) => num(v, 'peakRssMb'), 'lower'),
      peer: peer ? rounds(c, peer.key, (v) => num(v, 'peakRssMb'), 'lower') : undefined,
    });
  }
  rows.push(...scalingRows(c, o));
  if (o.torchDefaultThreads) {
    const data = o.data[0]!;
    const peer = fastest(candidates(c, torchKeys(data, 0), sps, 'higher'), 'higher');
    const most = Math.max(...o.threads);
    rows.push({
      what: `MLP training, each with its default threads (nabla ${most}, PyTorch its own), ${DATA_LABEL[data]}`,
      unit: 'samples/s', better: 'higher', peerLabel: torchLabel(peer),
      nabla: rounds(c, trainKey('nabla', 'loop', data, most), sps, 'higher'), peer: peer?.summary,
    });
  }

  const blasKeys = o.coretypes.map((ct) => ({ key: `sgemm/openblas/${ct}`, coretype: ct }));
  const blasLabel = (x: Candidate | undefined) => (x ? `OpenBLAS (${coreName(c, x.key, x.coretype)})` : 'OpenBLAS');
  const sgemmRow = (what: string, pick: (m: Map<string, number>) => number | undefined, nablaKey: string, nablaPick: (v: Value) => Map<string, number>) => {
    const peer = fastest(candidates(c, blasKeys, (v) => pick(sgemmByName(v)), 'higher'), 'higher');
    rows.push({
      what, unit: 'GFLOP/s', better: 'higher', peerLabel: blasLabel(peer),
      nabla: rounds(c, nablaKey, (v) => pick(nablaPick(v)), 'higher'), peer: peer?.summary,
      peakShare: peak?.summary.best,
    });
  };
  for (const s of GEMM_SHAPES) {
    const dims = `${s.m}×${s.k}${s.transA ? 'ᵀ' : ''} · ${s.k}×${s.n}${s.transB ? 'ᵀ' : ''}`;
    sgemmRow(`sgemm ${s.name} (${dims}), 1 thread`, (m) => m.get(s.name), 'sgemm/nabla', sgemmByName);
  }
  sgemmRow('sgemm, the 9 GEMMs of a step (total flops / total time), 1 thread', stepGflops, 'sgemm/nabla', sgemmByName);
  for (const layout of ['contiguous', 'views'] as const) {
    const how = layout === 'contiguous' ? 'contiguous operands' : 'transposed views';
    sgemmRow(`\`a.matmul(b)\`, the 9 GEMMs of a step, ${how}, 1 thread`, stepGflops, 'matmul/nabla', (v) => matmulByName(v, layout));
  }
  sgemmRow('`a.matmul(b)`, 1024³, 1 thread', (m) => m.get('square 1024'), 'matmul/nabla', (v) => matmulByName(v, 'contiguous'));

  rows.push({
    what: 'per-op overhead: add of two 16-element tensors', unit: 'µs', better: 'lower', peerLabel: 'PyTorch',
    nabla: rounds(c, 'overhead/nabla', (v) => num(v, 'microsecondsPerOp'), 'lower'),
    peer: rounds(c, 'overhead/torch', (v) => num(v, 'microsecondsPerOp'), 'lower'),
  });
  if (peak) {
    rows.push({ what: `FMA peak of one core (${peak.isa}, 12 independent FMA chains)`, unit: 'GFLOP/s', better: 'higher', peerLabel: '', nabla: peak.summary });
  }
  return rows;
}

/**
 * nabla at n threads against nabla at 1 thread, and beside it n 1-thread processes at once against one: how
 * much of what the cores give independent work one training's threads turn into speed.
 */
function scalingRows(c: Collected, o: Options): Row[] {
  if (!o.threads.includes(1)) return [];
  const sps = (v: Value) => num(v, 'samplesPerSecond');
  return o.threads.filter((t) => t > 1).flatMap((threads) => o.data.flatMap((data): Row[] => {
    const one = rounds(c, trainKey('nabla', 'loop', data, 1), sps, 'higher');
    return [
      {
        id: `scaling-threads-${data}-${threads}`, what: `the README loop, ${DATA_LABEL[data]}: ${threads} threads against 1 thread`,
        unit: 'samples/s', better: 'higher', peerLabel: 'nabla, 1 thread', nabla: rounds(c, trainKey('nabla', 'loop', data, threads), sps, 'higher'), peer: one,
      },
      {
        id: `scaling-processes-${data}-${threads}`,
        what: `the README loop, ${DATA_LABEL[data]}: ${threads} processes of 1 thread at once (samples/s summed) against 1 process`,
        unit: 'samples/s', better: 'higher', peerLabel: 'nabla, 1 thread',
        nabla: rounds(c, trainKey(processesSide(threads), 'loop', data, 1), sps, 'higher'), peer: one,
      },
    ];
  }));
}

const TFJS_LABEL = { wasm: 'TensorFlow.js wasm (tf.layers, trainOnBatch)', cpu: 'TensorFlow.js cpu (tf.layers, trainOnBatch)' } as const;

/** nabla's wasm and js backends beside TensorFlow.js's wasm and cpu backends, 1 thread. */
function wasmRows(c: Collected, o: Options): Row[] {
  const data = o.data[0]!;
  const on = `${DATA_LABEL[data]}, 1 thread`;
  const sps = (v: Value) => num(v, 'samplesPerSecond');
  const rss = (v: Value) => num(v, 'peakRssMb');
  const nabla = (backend: 'wasm' | 'js', pick = sps, better: Better = 'higher') => rounds(c, trainKey(`nabla-${backend}`, 'loop', data, 1), pick, better);
  const tfjs = (backend: 'wasm' | 'cpu', pick = sps, better: Better = 'higher') =>
    rounds(c, trainKey(`tfjs-${backend}`, TFJS_WORKLOAD, data, 1), pick, better);
  const train = { unit: 'samples/s', better: 'higher' as const };
  const rows: Row[] = [
    {
      id: 'train-wasm-vs-tfjs-wasm', what: `MLP training, wasm backend, the README loop (\`for await\`), ${on}`, ...train,
      peerLabel: TFJS_LABEL.wasm, nabla: nabla('wasm'), peer: tfjs('wasm'),
    },
    {
      id: 'train-wasm-vs-js', what: `MLP training, wasm backend against nabla's js backend, same loop, ${on}`, ...train,
      peerLabel: 'nabla js backend', nabla: nabla('wasm'), peer: nabla('js'),
    },
    {
      id: 'train-js-vs-tfjs-cpu', what: `MLP training, js backend, the README loop (\`for await\`), ${on}`, ...train,
      peerLabel: TFJS_LABEL.cpu, nabla: nabla('js'), peer: tfjs('cpu'),
    },
    {
      id: 'rss-wasm-vs-tfjs-wasm', what: `peak RSS of the training process, wasm backend, ${on}`, unit: 'MB', better: 'lower',
      peerLabel: TFJS_LABEL.wasm, nabla: nabla('wasm', rss, 'lower'), peer: tfjs('wasm', rss, 'lower'),
    },
  ];
  const peerLabel = 'TensorFlow.js wasm `tf.matMul`';
  const gemmRow = (id: string, what: string, key: string, pick: (v: Value) => number | undefined, peerPick: (v: Value) => number | undefined): Row => ({
    id, what, unit: 'GFLOP/s', better: 'higher', peerLabel,
    nabla: rounds(c, key, pick, 'higher'), peer: rounds(c, 'sgemm/tfjs-wasm', peerPick, 'higher'),
  });
  const square = (m: Map<string, number>) => m.get('square 1024');
  rows.push(
    gemmRow('sgemm-wasm-1024', 'wasm sgemm kernel (`WasmKernels.gemm`), 1024³, 1 thread', 'sgemm/nabla-wasm',
      (v) => square(sgemmByName(v)), (v) => square(sgemmByName(v))),
    gemmRow('sgemm-wasm-step', 'wasm sgemm kernel, the 9 GEMMs of a step with their transposes (total flops / total time), 1 thread',
      'sgemm/nabla-wasm', (v) => stepGflops(sgemmByName(v)), (v) => stepGflops(sgemmByName(v))),
    gemmRow('matmul-wasm-step', '`a.matmul(b)` on wasm, the 9 GEMMs of a step, transposed views, 1 thread', 'matmul/nabla-wasm',
      (v) => stepGflops(matmulByName(v, 'views')), (v) => stepGflops(sgemmByName(v))),
    gemmRow('matmul-wasm-1024', '`a.matmul(b)` on wasm, 1024³, 1 thread', 'matmul/nabla-wasm',
      (v) => square(matmulByName(v, 'contiguous')), (v) => square(sgemmByName(v))),
  );
  return rows;
}

export interface KeyRatio {
  id: string;
  what: string;
  peer: string;
  best: number;
  median: number;
}

/** The ratios of the rows with an id whose both sides ran: nabla's figure over the peer's. */
export function keyRatios(rows: readonly Row[]): KeyRatio[] {
  return rows.flatMap((r) => {
    if (!r.id || !r.nabla || !r.peer) return [];
    return [{ id: r.id, what: r.what, peer: r.peerLabel, ...ratios(r.nabla, r.peer) }];
  });
}

function cell(v: number | undefined, share?: number): string {
  if (v === undefined) return '-';
  return share ? `${fmt(v)} (${Math.round((100 * v) / share)}%)` : fmt(v);
}

export function markdown(rows: readonly Row[]): string {
  const headers = ['what', 'unit', 'nabla best', 'nabla median', 'peer', 'peer best', 'peer median', 'nabla/peer best', 'nabla/peer median'];
  const right = [false, false, true, true, false, true, true, true, true];
  return markdownTable(headers, rows.map((r) => {
    const ratio = r.nabla && r.peer ? ratios(r.nabla, r.peer) : undefined;
    return [
      r.what, `${r.unit} ${r.better === 'higher' ? '↑' : '↓'}`,
      cell(r.nabla?.best, r.peakShare), cell(r.nabla?.median, r.peakShare),
      r.peerLabel || '-', cell(r.peer?.best, r.peakShare), cell(r.peer?.median, r.peakShare),
      fmtRatio(ratio?.best), fmtRatio(ratio?.median),
    ];
  }), right);
}

/** Per-shape detail of the sgemm and matmul rows: every side's best round, for the terminal and JSON. */
export function gemmDetail(c: Collected, o: Options): { headers: string[]; rows: string[][] } {
  const groups = o.groups ?? GROUPS;
  const sides: { label: string; key: string; pick: (v: Value) => Map<string, number> }[] = [
    ...(groups.includes('native') ? [
      { label: 'nabla sgemm', key: 'sgemm/nabla', pick: sgemmByName },
      { label: 'a.matmul(b) contiguous', key: 'matmul/nabla', pick: (v: Value) => matmulByName(v, 'contiguous') },
      { label: 'a.matmul(b) views', key: 'matmul/nabla', pick: (v: Value) => matmulByName(v, 'views') },
      ...o.coretypes.map((ct) => ({ label: `OpenBLAS ${coreName(c, `sgemm/openblas/${ct}`, ct)}`, key: `sgemm/openblas/${ct}`, pick: sgemmByName })),
    ] : []),
    ...(groups.includes('wasm') ? [
      { label: 'wasm sgemm kernel', key: 'sgemm/nabla-wasm', pick: sgemmByName },
      { label: 'a.matmul(b) on wasm, views', key: 'matmul/nabla-wasm', pick: (v: Value) => matmulByName(v, 'views') },
      { label: 'tfjs-wasm tf.matMul', key: 'sgemm/tfjs-wasm', pick: sgemmByName },
    ] : []),
  ];
  const names = [...STEP_SHAPES.map((s) => s.name), 'step (9 GEMMs)', 'square 1024'];
  const value = (m: Map<string, number>, name: string) => (name === 'step (9 GEMMs)' ? stepGflops(m) : m.get(name));
  return {
    headers: ['GFLOP/s, best round', ...sides.map((s) => s.label)],
    rows: names.map((name) => [name, ...sides.map((s) => fmt(rounds(c, s.key, (v) => value(s.pick(v), name), 'higher')?.best))]),
  };
}

export interface RunInfo {
  date: string;
  finished: string;
  command: string;
  quick: boolean;
  machine: Record<string, unknown>;
  versions: Record<string, unknown>;
  options: Options;
  notes: string[];
}

/** The JSON file of a run: how it ran, the table as data and as markdown, and every round of every job. */
export function resultDocument(run: RunInfo, c: Collected): Record<string, unknown> {
  const rows = tableRows(c, run.options);
  return {
    schema: 'nabla-bench-peers/1',
    ...run,
    failures: Object.entries(c).flatMap(([k, v]) => v.errors.map((e) => `${k} ${e}`)),
    fmaPeak: fmaPeak(c) ?? null,
    table: rows,
    ratios: keyRatios(rows),
    gemmDetail: gemmDetail(c, run.options),
    markdown: markdown(rows),
    raw: c,
  };
}

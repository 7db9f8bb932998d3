// The HTML report: one self-contained file (figures embedded as PNG data URIs, no scripts, no external
// links needed) with every experiment's question, verdict, figures and table, plus the training and
// benchmark summaries when `pnpm demo` and `pnpm demo bench` have written theirs to the same folder.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure } from './charts.js';
import type { ExperimentsRun } from './experiments/command.js';
import type { Cell } from './table.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function figure(dir: string, f: Figure): string {
  const png = readFileSync(join(dir, f.png)).toString('base64');
  return `<figure><img class="figure" alt="${escapeHtml(f.title)}" src="data:image/png;base64,${png}">` +
    `<figcaption>${escapeHtml(f.title)} (<a href="${escapeHtml(f.svg)}">SVG</a>)</figcaption></figure>`;
}

function readJson(path: string): Record<string, unknown> | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

interface TrainJson {
  date: string;
  agreement: { message: string };
  results: { backend: string; threads: number; samplesPerSecond: number; secondsPerEpoch: number; testAccuracy: number; peakRssMb: number; epochs: unknown[] }[];
  figures: Figure[];
}

function trainSection(outRoot: string): string {
  const dir = join(outRoot, 'train');
  const json = readJson(join(dir, 'results.json')) as TrainJson | null;
  if (!json) return '';
  const rows = json.results.map((r) => [r.backend, r.threads, r.epochs.length, Math.round(r.samplesPerSecond), r.secondsPerEpoch.toFixed(2),
    `${(r.testAccuracy * 100).toFixed(2)}%`, Math.round(r.peakRssMb)]);
  const figures = json.figures.filter((f) => existsSync(join(dir, f.png))).map((f) => figure(dir, f)).join('\n');
  return `<section id="train"><h2>Training the recipe on each backend</h2><p class="meta">From <code>pnpm demo</code>, ${escapeHtml(json.date)}.</p>` +
    `<p class="verdict">${escapeHtml(json.agreement.message)}</p>` +
    table(['backend', 'threads', 'epochs', 'samples/s', 's/epoch', 'test accuracy', 'peak RSS (MB)'], rows) +
    `<div class="figures">${figures}</div></section>`;
}

interface BenchJson {
  date: string;
  endToEnd: { backend: string; threads: number; samplesPerSecond: number }[];
  verdicts: string[];
}

function benchSection(outRoot: string): string {
  const json = readJson(join(outRoot, 'bench', 'bench.json')) as BenchJson | null;
  if (!json) return '';
  const rows = json.endToEnd.map((r) => [r.backend, r.threads, Math.round(r.samplesPerSecond)]);
  return `<section id="bench"><h2>Benchmark</h2><p class="meta">From <code>pnpm demo bench</code>, ${escapeHtml(json.date)}.</p>` +
    table(['backend', 'threads', 'training samples/s'], rows) +
    json.verdicts.map((v) => `<p class="verdict">${escapeHtml(v)}</p>`).join('') + '</section>';
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:0}.meta{color:#666}.verdict{background:#eef6ee;border-left:4px solid #3a3;padding:.5em .8em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}.figures{display:flex;flex-wrap:wrap;gap:1em}
figure{margin:0}img.figure{max-width:540px;width:100%;border:1px solid #ddd}section{margin-bottom:2.5em}`;

export function renderReport(run: ExperimentsRun, dir: string, outRoot: string): string {
  const sections = run.experiments.map((e) =>
    `<section id="${escapeHtml(e.id)}"><h2>${escapeHtml(e.title)}</h2><p>${escapeHtml(e.question)}</p>` +
    `<p class="verdict">${escapeHtml(e.verdict)}</p>` +
    `<div class="figures">${e.figures.map((f) => figure(dir, f)).join('\n')}</div>` +
    `${table(e.table.headers, e.table.rows)}<p class="meta">${e.seconds.toFixed(1)} s</p></section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nabla demo report</title><style>${STYLE}</style></head>
<body><h1>nabla demo report</h1>
<p class="meta">${escapeHtml(run.date)} · ${escapeHtml(run.backend)} · ${escapeHtml(run.machine.cpu)} (${run.machine.cores} cores) · Node ${escapeHtml(run.machine.node)} ·
${run.quick ? 'quick run' : 'full run'} (MNIST train ${run.data.train}, test ${run.data.test}) · ${run.seconds.toFixed(1)} s</p>
${trainSection(outRoot)}
${benchSection(outRoot)}
${sections}
</body></html>
`;
}

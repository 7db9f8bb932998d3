// The HTML report: one self-contained file (figures embedded as PNG data URIs, no scripts, no external
// links needed) with every experiment's question, verdict, figures and table, plus the training and
// benchmark summaries when `pnpm demo` and `pnpm demo bench` have written theirs to the same folder.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure } from './charts.js';
import type { ExperimentsRun } from './experiments/command.js';
import { OUTCOME_LABEL, type Outcome, type Verdict } from './experiments/common.js';
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

/** The verdict box, coloured by its outcome and labelled with it (the colour is never the only cue). */
export function verdictBox(verdict: Verdict): string {
  return `<p class="verdict ${verdict.outcome}" data-outcome="${verdict.outcome}"><strong>${escapeHtml(OUTCOME_LABEL[verdict.outcome])}.</strong> ` +
    `<span class="verdict-text">${escapeHtml(verdict.text)}</span></p>`;
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
  agreement: { ok: boolean; message: string };
  comparison?: string;
  results: { backend: string; threads: number; samplesPerEpoch: number; samplesPerSecond: number; secondsPerEpoch: number; testAccuracy: number; peakRssMb: number; epochs: unknown[] }[];
  figures: Figure[];
}

function trainSection(outRoot: string): string {
  const dir = join(outRoot, 'train');
  const json = readJson(join(dir, 'results.json')) as TrainJson | null;
  if (!json) return '';
  const rows = json.results.map((r) => [r.backend, r.threads, r.epochs.length, r.samplesPerEpoch, Math.round(r.samplesPerSecond), r.secondsPerEpoch.toFixed(2),
    `${(r.testAccuracy * 100).toFixed(2)}%`, Math.round(r.peakRssMb)]);
  const outcome: Outcome = json.agreement.ok ? 'shown' : 'not-shown';
  const figures = json.figures.filter((f) => existsSync(join(dir, f.png))).map((f) => figure(dir, f)).join('\n');
  return `<section id="train"><h2>Training the recipe on each backend</h2><p class="meta">From <code>pnpm demo</code>, ${escapeHtml(json.date)}.</p>` +
    `<p class="verdict ${outcome}">${escapeHtml(json.agreement.message)}</p>` +
    (json.comparison ? `<p>${escapeHtml(json.comparison)}</p>` : '') +
    table(['backend', 'threads', 'epochs', 'samples/epoch', 'samples/s', 's/epoch', 'test accuracy', 'peak RSS (MB)'], rows) +
    `<div class="figures">${figures}</div></section>`;
}

interface BenchJson {
  date: string;
  quick?: boolean;
  endToEnd: { backend: string; threads: number; samplesPerSecond: number }[];
}

function benchSection(outRoot: string): string {
  const json = readJson(join(outRoot, 'bench', 'bench.json')) as BenchJson | null;
  if (!json) return '';
  const rows = json.endToEnd.map((r) => [r.backend, r.threads, Math.round(r.samplesPerSecond)]);
  const quick = json.quick ? ' A <code>--quick</code> run: a smoke test, not a measurement.' : '';
  return `<section id="bench"><h2>Benchmark</h2><p class="meta">From <code>pnpm demo bench</code>, ${escapeHtml(json.date)}.${quick}</p>` +
    table(['backend', 'threads', 'training samples/s'], rows) + '</section>';
}

// One column of figures at their natural width (they are drawn for it, see charts.ts): text in a figure is
// as large as the page's own.
const STYLE = `body{font:16px/1.55 system-ui,sans-serif;max-width:1040px;margin:2em auto;padding:0 1.2em;color:#222}
h1{margin-bottom:0}.meta{color:#555}.lesson{font-style:italic}
.verdict{border-left:6px solid;padding:.6em .9em}.verdict.shown{background:#e9f5e9;border-color:#2e8b2e}
.verdict.not-shown{background:#fdecea;border-color:#c0392b}.verdict.inconclusive{background:#f3f1e7;border-color:#9a8a3a}
.quick{background:#fff6d6;border:1px solid #d9b84a;padding:.6em .9em}
table{border-collapse:collapse;margin:1em 0;font-size:15px}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}.figures{display:flex;flex-direction:column;gap:1.2em}
figure{margin:0}img.figure{display:block;width:100%;max-width:1000px;height:auto;border:1px solid #ddd}section{margin-bottom:2.5em}`;

function summary(run: ExperimentsRun): string {
  const items = run.experiments.map((e) => `<li><a href="#${escapeHtml(e.id)}">${escapeHtml(e.title)}</a>: ` +
    `<span class="outcome ${e.verdict.outcome}">${escapeHtml(OUTCOME_LABEL[e.verdict.outcome])}</span></li>`).join('');
  return `<ul class="summary">${items}</ul>`;
}

export function renderReport(run: ExperimentsRun, dir: string, outRoot: string): string {
  const sections = run.experiments.map((e) =>
    `<section id="${escapeHtml(e.id)}"><h2>${escapeHtml(e.title)}</h2><p>${escapeHtml(e.question)}</p>` +
    `<p class="lesson">The lesson: ${escapeHtml(e.lesson)}</p>` + verdictBox(e.verdict) +
    `<div class="figures">${e.figures.map((f) => figure(dir, f)).join('\n')}</div>` +
    `${table(e.table.headers, e.table.rows)}<p class="meta">${e.seconds.toFixed(1)} s</p></section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nabla demo report</title><style>${STYLE}</style></head>
<body><h1>nabla demo report</h1>
<p class="meta">${escapeHtml(run.date)} · ${escapeHtml(run.backend)} · ${escapeHtml(run.machine.cpu)} (${run.machine.cores} cores) · Node ${escapeHtml(run.machine.node)} ·
${run.quick ? 'quick run' : 'full run'} (MNIST train ${run.data.train}, test ${run.data.test}) · ${run.seconds.toFixed(1)} s</p>
${run.quick ? '<p class="quick">A quick run: small slices of MNIST and few updates. It checks that everything works; it is too small to settle the lessons about training, and its verdicts say so.</p>' : ''}
${summary(run)}
${trainSection(outRoot)}
${benchSection(outRoot)}
${sections}
</body></html>
`;
}

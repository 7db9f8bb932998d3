// Figures: Vega-Lite specs compiled to Vega, rendered to SVG in Node (no canvas, no browser), then to PNG
// by resvg (a Rust renderer shipped as npm prebuilt binaries). Each figure is written as NAME.svg and
// NAME.png, and described by a Figure record that the JSON results and the HTML report use.
//
// The figures are drawn at the width the report shows them (FIGURE_WIDTH CSS pixels), so their text is
// shown at its own size: 14 px axis labels, not a shrunken copy. Series differ by colour and by dash
// pattern, so curves that coincide stay visible as separate entries, and a reader without colour vision can
// still tell them apart. Accuracy is drawn from 0; when every value is high, a second panel beside it zooms
// in, with its range in its title (a stated break rather than an axis that silently starts at 0.915).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Figure {
  id: string;
  title: string;
  /** File names, relative to the folder the figure was written to. */
  svg: string;
  png: string;
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Width of the plotting area of a full-width figure, in CSS pixels (the report's column is about 1000). */
export const FIGURE_WIDTH = 820;

export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  series: readonly Series[];
  /** Logarithmic y axis; points at or below 0 are dropped. */
  logY?: boolean;
  /** The y axis's range. Accuracy charts pass [0, 1] so that the axis starts where a reader expects. */
  yDomain?: readonly [number, number];
  /** Draw a marker at each point (for short series); also makes the x axis ticks whole numbers (epochs, layers). */
  points?: boolean;
  /** A line under the title, e.g. which curves coincide where. */
  subtitle?: string;
  /** Where the x axis has its ticks (default: Vega's choice). */
  xTicks?: readonly number[];
  width?: number;
  height?: number;
}

/** Dash patterns, one per series in order: solid first, then patterns that stay distinct when lines overlap. */
export const DASHES: readonly (readonly number[])[] = [[1, 0], [8, 4], [2, 3], [12, 3, 2, 3], [5, 5], [1, 5], [16, 4]];

/** Text sizes for a figure shown at its natural size. */
export const CHART_CONFIG = {
  font: 'DejaVu Sans, Arial, sans-serif',
  title: { fontSize: 17, anchor: 'start' as const, offset: 12 },
  axis: { labelFontSize: 14, titleFontSize: 15, titleFontWeight: 'normal' as const, titlePadding: 10 },
  legend: { labelFontSize: 14, symbolSize: 220, symbolStrokeWidth: 2.5, symbolType: 'stroke', labelLimit: 0, orient: 'bottom' as const, direction: 'horizontal' as const, columnPadding: 28 },
  header: { labelFontSize: 15, titleFontSize: 15 },
  line: { strokeWidth: 2.5 },
  point: { size: 70, filled: true },
};

/** Log axes span many decades: label only the powers of ten, written as 1e-7 rather than 0.0000001. */
const LOG_AXIS = {
  labelExpr: "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? format(datum.value, '.0e') : ''",
};

/** The rows Vega-Lite plots: non-finite values are dropped (a diverged run plots up to where it diverged). */
function rows(series: readonly Series[], logY: boolean): { series: string; x: number; y: number }[] {
  const out: { series: string; x: number; y: number }[] = [];
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y) || (logY && y <= 0)) continue;
      out.push({ series: s.name, x, y });
    }
  }
  return out;
}

/** Colour and dash scales that give each series, in order, its own of each. */
function seriesEncoding(names: readonly string[]) {
  const domain = [...names];
  const common = { field: 'series', type: 'nominal' as const, title: null, sort: domain };
  return {
    color: { ...common, scale: { domain, scheme: 'category10' } },
    strokeDash: { ...common, scale: { domain, range: names.map((_, i) => [...DASHES[i % DASHES.length]!]) } },
  };
}

/** The plot of a line chart without its top-level settings, so that it can also be one panel of several. */
function linePlot(options: LineChartOptions) {
  const logY = options.logY ?? false;
  const points = options.points ?? false;
  const yScale = logY ? { type: 'log' as const } : options.yDomain ? { domain: [...options.yDomain], nice: false } : { zero: false };
  return {
    width: options.width ?? FIGURE_WIDTH,
    height: options.height ?? 340,
    data: { values: rows(options.series, logY) },
    mark: { type: 'line' as const, point: points, clip: true },
    encoding: {
      x: {
        field: 'x', type: 'quantitative' as const, title: options.xTitle, scale: { zero: false },
        ...(points ? { axis: { tickMinStep: 1, format: 'd' } } : options.xTicks ? { axis: { values: [...options.xTicks] } } : {}),
      },
      y: { field: 'y', type: 'quantitative' as const, title: options.yTitle, scale: yScale, ...(logY ? { axis: LOG_AXIS } : {}) },
      ...seriesEncoding(options.series.map((s) => s.name)),
    },
  };
}

const TOP_LEVEL = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  padding: 12,
  config: CHART_CONFIG,
};

export function lineSpec(options: LineChartOptions): TopLevelSpec {
  const title = options.subtitle ? { text: options.title, subtitle: options.subtitle, subtitleFontSize: 14, subtitlePadding: 6 } : options.title;
  return { ...TOP_LEVEL, title, ...linePlot(options) } as TopLevelSpec;
}

/**
 * The lower end of the zoomed panel of an accuracy chart, or null when the values already spread over the
 * full range (their lowest is below 0.5): the lowest value rounded down to a multiple of 0.05.
 */
export function accuracyZoomFloor(series: readonly Series[]): number | null {
  let low = Infinity;
  for (const s of series) for (let i = 0; i < s.y.length; i++) if (Number.isFinite(s.y[i]!)) low = Math.min(low, s.y[i]!);
  if (!(low >= 0.5)) return null;
  return Math.min(0.95, Math.floor(low * 20) / 20);
}

/** An accuracy chart: from 0 to 1, and when every value is high, beside it the same curves from a stated floor. */
export function accuracySpec(options: Omit<LineChartOptions, 'yDomain' | 'logY'>): TopLevelSpec {
  const floor = accuracyZoomFloor(options.series);
  if (floor === null) return lineSpec({ ...options, yDomain: ACCURACY_DOMAIN });
  const panelTitle = (text: string) => ({ text, fontSize: 15, fontWeight: 'normal' as const });
  return {
    ...TOP_LEVEL,
    title: options.title,
    spacing: 40,
    hconcat: [
      { ...linePlot({ ...options, yDomain: ACCURACY_DOMAIN, width: 300 }), title: panelTitle('from 0') },
      { ...linePlot({ ...options, yDomain: [floor, 1], width: FIGURE_WIDTH - 380 }), title: panelTitle(`zoomed in: ${Math.round(floor * 100)}% to 100%`) },
    ],
  } as TopLevelSpec;
}

export function writeAccuracyChart(dir: string, id: string, options: Omit<LineChartOptions, 'yDomain' | 'logY'>): Promise<Figure> {
  return writeFigure(dir, id, options.title, accuracySpec(options));
}

export interface PanelChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /** One small panel per entry, each with its own curves (e.g. an activation and its derivative). */
  panels: readonly { name: string; series: readonly Series[] }[];
  columns?: number;
}

/**
 * Small multiples: one panel per entry, all on the same axes, so that curves which coincide in one big chart
 * (ReLU, LeakyReLU, ELU and PReLU for x > 0) each get a panel of their own. The y range covers every value,
 * so nothing is clipped.
 */
export function panelSpec(options: PanelChartOptions): TopLevelSpec {
  const columns = options.columns ?? 4;
  const values = options.panels.flatMap((p) => rows(p.series, false).map((r) => ({ ...r, panel: p.name })));
  const ys = values.map((v) => v.y);
  const pad = 0.05 * (Math.max(...ys) - Math.min(...ys));
  const names = [...new Set(options.panels.flatMap((p) => p.series.map((s) => s.name)))];
  const panelWidth = Math.floor((FIGURE_WIDTH + 60) / columns) - 60;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    background: 'white',
    padding: 12,
    config: CHART_CONFIG,
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: options.panels.map((p) => p.name) },
    columns,
    // Axes on every panel (the scales stay shared): otherwise a short last row leaves an axis under an empty cell.
    resolve: { axis: { x: 'independent', y: 'independent' } },
    spec: {
      width: panelWidth,
      height: 170,
      mark: { type: 'line', clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.xTitle, scale: { zero: false, nice: false } },
        y: {
          field: 'y', type: 'quantitative', title: options.yTitle,
          scale: { domain: [Math.min(...ys) - pad, Math.max(...ys) + pad], nice: false },
        },
        ...seriesEncoding(names),
      },
    },
  };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string, scale = 2): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true } }).render().asPng();
}

/** Renders a spec to DIR/ID.svg and DIR/ID.png. */
export async function writeFigure(dir: string, id: string, title: string, spec: TopLevelSpec): Promise<Figure> {
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`figure id '${id}' must be lowercase letters, digits and dashes`);
  const svg = await renderSvg(spec);
  writeFileSync(join(dir, `${id}.svg`), svg);
  writeFileSync(join(dir, `${id}.png`), svgToPng(svg));
  return { id, title, svg: `${id}.svg`, png: `${id}.png` };
}

export function writeLineChart(dir: string, id: string, options: LineChartOptions): Promise<Figure> {
  return writeFigure(dir, id, options.title, lineSpec(options));
}

export function writePanelChart(dir: string, id: string, options: PanelChartOptions): Promise<Figure> {
  return writeFigure(dir, id, options.title, panelSpec(options));
}

/** 0, 1, 2, ... n-1 (or from `start`), as the x of a per-epoch or per-step series. */
export function steps(n: number, start = 0): number[] {
  return Array.from({ length: n }, (_, i) => i + start);
}

/** The y range of accuracy charts: from 0, so that a gap between two curves looks as large as it is. */
export const ACCURACY_DOMAIN = [0, 1] as const;

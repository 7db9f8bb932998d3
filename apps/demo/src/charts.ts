// Figures: Vega-Lite specs compiled to Vega, rendered to SVG in Node (no canvas, no browser), then to PNG
// by resvg (a Rust renderer shipped as npm prebuilt binaries). Each figure is written as NAME.svg and
// NAME.png, and described by a Figure record that the JSON results and the HTML report use.

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

export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  series: readonly Series[];
  /** Logarithmic y axis; points at or below 0 are dropped. */
  logY?: boolean;
  /** Draw a dot at each point (for short series); also makes the x axis ticks whole numbers (epochs, layers). */
  points?: boolean;
  width?: number;
  height?: number;
}

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

export function lineSpec(options: LineChartOptions): TopLevelSpec {
  const logY = options.logY ?? false;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: options.width ?? 520,
    height: options.height ?? 280,
    background: 'white',
    data: { values: rows(options.series, logY) },
    mark: { type: 'line', point: options.points ?? false, clip: true },
    encoding: {
      x: {
        field: 'x', type: 'quantitative', title: options.xTitle, scale: { zero: false },
        ...(options.points ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
      },
      y: { field: 'y', type: 'quantitative', title: options.yTitle, scale: logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: options.series.map((s) => s.name), legend: { labelLimit: 400 } },
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

/** 0, 1, 2, ... n-1 (or from `start`), as the x of a per-epoch or per-step series. */
export function steps(n: number, start = 0): number[] {
  return Array.from({ length: n }, (_, i) => i + start);
}

// How a tensor prints (toString, console.log in Node): PyTorch's layout, so the output reads the same as
// torch's. Four decimals; integers as "1."; scientific notation when magnitudes span more than 1000x or
// leave [1e-4, 1e8]; every value padded to one width; rows wrapped at 80 characters; more than 1000 elements
// summarised to the first and last 3 along each axis with "...". Then the tensor's autograd state.

import type { Tensor } from './tensor.js';

export interface PrintOptions {
  /** Decimals shown (default 4). */
  precision: number;
  /** Tensors with more elements are summarised (default 1000). */
  threshold: number;
  /** Elements kept at each end of a summarised axis (default 3). */
  edgeItems: number;
  /** Characters per line before rows wrap (default 80). */
  lineWidth: number;
}

const printOptions: PrintOptions = { precision: 4, threshold: 1000, edgeItems: 3, lineWidth: 80 };

/** Changes how tensors print, like torch.set_printoptions; returns the previous options. */
export function setPrintOptions(options: Partial<PrintOptions>): PrintOptions {
  const previous = { ...printOptions };
  const keys = ['precision', 'threshold', 'edgeItems', 'lineWidth'] as const;
  // All checked before any is applied, so a refused call changes nothing.
  for (const key of keys) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new TypeError(`setPrintOptions: ${key} must be a non-negative integer, got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
    }
    // Number's toFixed and toExponential take at most 100 digits.
    if (key === 'precision' && v > 100) throw new RangeError(`setPrintOptions: precision must be at most 100, got ${v}`);
  }
  for (const key of keys) if (options[key] !== undefined) printOptions[key] = options[key];
  return previous;
}

/** The positions shown along an axis of size n: all, or the edges with -1 marking the "..." between them. */
function shownIndices(n: number, summarize: boolean): number[] {
  const edge = printOptions.edgeItems;
  if (!summarize || n <= 2 * edge) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)];
}

/** Formats numbers as PyTorch's _Formatter does, from the values that will be shown. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private width = 1;

  constructor(values: readonly number[]) {
    const p = printOptions.precision;
    const nonzeroFinite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (nonzeroFinite.length === 0) return;
    const abs = nonzeroFinite.map(Math.abs);
    const min = Math.min(...abs);
    const max = Math.max(...abs);
    this.intMode = nonzeroFinite.every((v) => v === Math.ceil(v));
    this.sciMode = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
    for (const v of nonzeroFinite) {
      const text = this.sciMode ? exponential(v, p) : this.intMode ? `${v.toFixed(0)}.` : v.toFixed(p);
      this.width = Math.max(this.width, text.length);
    }
  }

  format(v: number): string {
    let text: string;
    if (Number.isNaN(v)) text = 'nan';
    else if (!Number.isFinite(v)) text = v > 0 ? 'inf' : '-inf';
    else if (this.sciMode) text = exponential(v, printOptions.precision);
    else if (this.intMode) text = `${(Object.is(v, -0) ? 0 : v).toFixed(0)}.`;
    else text = v.toFixed(printOptions.precision);
    return text.padStart(this.width);
  }

  get elementWidth(): number {
    return this.width;
  }
}

/** Python's '{:.4e}': a two-digit exponent at least (1.0000e+05). */
function exponential(v: number, precision: number): string {
  return v.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** The values of a contiguous copy that the layout will show (all, or the summarised edges). */
function shownValues(data: Float32Array, shape: readonly number[], summarize: boolean): number[] {
  const out: number[] = [];
  const walk = (dim: number, base: number, stride: number): void => {
    if (dim === shape.length) {
      out.push(data[base]!);
      return;
    }
    const inner = stride / shape[dim]!;
    for (const i of shownIndices(shape[dim]!, summarize)) if (i >= 0) walk(dim + 1, base + i * inner, inner);
  };
  walk(0, 0, data.length);
  return out;
}

function vectorText(data: Float32Array, base: number, n: number, indent: number, summarize: boolean, f: Formatter): string {
  const perLine = Math.max(1, Math.floor((printOptions.lineWidth - indent) / (f.elementWidth + 2)));
  const items = shownIndices(n, summarize).map((i) => (i < 0 ? ' ...' : f.format(data[base + i]!)));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function blockText(
  data: Float32Array, shape: readonly number[], dim: number, base: number, indent: number, summarize: boolean, f: Formatter,
): string {
  const n = shape[dim]!;
  const innerSize = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  if (dim === shape.length - 1) return vectorText(data, base, n, indent, summarize, f);
  const parts = shownIndices(n, summarize).map((i) =>
    (i < 0 ? '...' : blockText(data, shape, dim + 1, base + i * innerSize, indent + 1, summarize, f)));
  const rest = shape.length - dim - 1;
  return `[${parts.join(`,${'\n'.repeat(rest)}${' '.repeat(indent + 1)}`)}]`;
}

/** Appends ", suffix" items, moving one to its own line when it would pass the line width (as PyTorch). */
function withSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let lastLine = text.length - text.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > printOptions.lineWidth) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLine = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}

/** The name PyTorch's style gives a gradient function: 'linear' -> 'LinearBackward'. */
function gradFnName(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Backward`;
}

/** A tensor as PyTorch prints it: `tensor([[ 0.1000, -2.0000]], requiresGrad=true)`. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (t.size === 0) {
    body = '[]';
    if (t.rank !== 1) suffixes.push(`size=[${t.shape.join(', ')}]`);
  } else {
    const data = t.data();
    const summarize = t.size > printOptions.threshold;
    const f = new Formatter(shownValues(data, t.shape, summarize));
    body = t.rank === 0 ? f.format(data[0]!).trimStart() : blockText(data, t.shape, 0, 0, indent, summarize, f);
  }
  if (t.gradFn !== null) suffixes.push(`gradFn=<${gradFnName(t.gradFn.name)}>`);
  else if (t.requiresGrad) suffixes.push('requiresGrad=true');
  return withSuffixes(prefix + body, suffixes, indent);
}

// CSV text of numbers (tabular data) into tensors. Parsing (quotes, delimiters, line endings) is left to
// csv-parse, a well-kept parser, passed in by the caller (its Node build reads files in csv.ts, its browser
// build serves csv-browser.ts); this file picks columns, converts cells to numbers and reports bad cells by
// source, line and column.

import type { Options } from 'csv-parse';
import { Tensor, ValueError, tensor } from '@nabla/core';
import { DataFormatError } from './idx-format.js';
import { checkOptions } from './checks.js';

export interface ReadCsvOptions {
  /** The first line holds column names. Default true. */
  header?: boolean;
  /** The feature columns, by name (needs a header) or 0-based index. Default: every column but the label. */
  columns?: readonly (string | number)[];
  /** The label column, by name or 0-based index. Default: none (y is null). */
  label?: string | number;
  /**
   * 'number' (default): label cells are numbers. 'category': label cells are names (e.g. "setosa"),
   * mapped to class indices 0..k-1 in sorted order; the names are returned as `classes`.
   */
  labelType?: 'number' | 'category';
  /** Field delimiter. Default ','. */
  delimiter?: string;
}

export interface CsvData {
  /** Features [rows, columns]. */
  x: Tensor;
  /** Labels [rows], or null without a label column. */
  y: Tensor | null;
  /** Names of the feature columns (from the header, else "column <i>"). */
  columns: string[];
  /** Name of the label column, or null. */
  label: string | null;
  /** With labelType 'category': the class names, index i being class i. */
  classes?: string[];
}

interface Row {
  fields: string[];
  line: number;
}

/** csv-parse's synchronous parse (the Node build, or the browser build with its own Buffer). */
export type CsvParse = (input: string | Uint8Array, options: Options) => string[][];

/**
 * The numbers of a CSV text as tensors. `fn` names the public function and `path` the source (a file name,
 * a URL or 'CSV data') in error messages.
 */
export function csvTable(
  fn: string, path: string, text: string | Uint8Array, rawOptions: ReadCsvOptions, parse: CsvParse,
): CsvData {
  const known = ['header', 'columns', 'label', 'labelType', 'delimiter', ...(fn === 'parseCsv' ? ['source'] : [])];
  const options = checkOptions(fn, rawOptions, known, {
    sep: "pandas' sep is delimiter here",
    usecols: "pandas' usecols is columns here",
    labels: 'the label column is label (one name or index)',
  });
  const header = options.header ?? true;
  const labelType = options.labelType ?? 'number';
  if (labelType !== 'number' && labelType !== 'category') {
    throw new ValueError(`${fn}: labelType must be 'number' or 'category', got ${JSON.stringify(labelType)}`);
  }
  const rows = parseRows(path, text, options.delimiter ?? ',', parse);
  if (rows.length === 0) throw new DataFormatError(`${path}: empty file; expected ${header ? 'a header and ' : ''}rows`);
  const width = rows[0].fields.length;
  const names = header
    ? rows[0].fields.map((name) => name.trim())
    : Array.from({ length: width }, (_, i) => `column ${i}`);
  const dataRows = header ? rows.slice(1) : rows;
  if (dataRows.length === 0) throw new DataFormatError(`${path}: no data rows after the header`);
  for (const row of dataRows) {
    if (row.fields.length !== width) {
      throw new DataFormatError(`${path}: line ${row.line} has ${row.fields.length} fields, expected ${width}` +
        ` (as ${header ? 'in the header' : 'on the first line'})`);
    }
  }

  const labelIndex = options.label === undefined ? -1 : columnIndex(fn, path, options.label, names, header, 'label');
  const featureIndices = options.columns === undefined
    ? names.map((_, i) => i).filter((i) => i !== labelIndex)
    : options.columns.map((c) => columnIndex(fn, path, c, names, header, 'columns'));
  if (featureIndices.length === 0) throw new ValueError(`${fn}: ${path}: no feature columns selected`);
  if (featureIndices.includes(labelIndex)) {
    throw new ValueError(`${fn}: ${path}: column "${names[labelIndex]}" is both a feature and the label`);
  }

  const n = dataRows.length;
  const f = featureIndices.length;
  const x = new Float32Array(n * f);
  const delimiter = options.delimiter ?? ',';
  for (let r = 0; r < n; r++) {
    const row = dataRows[r];
    for (let j = 0; j < f; j++) x[r * f + j] = toNumber(path, row, featureIndices[j], names, delimiter);
  }

  const result: CsvData = {
    x: tensor(x, [n, f]),
    y: null,
    columns: featureIndices.map((i) => names[i]),
    label: labelIndex >= 0 ? names[labelIndex] : null,
  };
  if (labelIndex >= 0) {
    const y = new Float32Array(n);
    if (labelType === 'number') {
      for (let r = 0; r < n; r++) y[r] = toNumber(path, dataRows[r], labelIndex, names, delimiter);
    } else {
      // An empty cell is a missing label, not a class named "".
      const blank = dataRows.find((row) => row.fields[labelIndex].trim() === '');
      if (blank) {
        throw new DataFormatError(`${path}: line ${blank.line}, column "${names[labelIndex]}" (${labelIndex}): an empty ` +
          'label cell; every row needs a class name');
      }
      const classes = [...new Set(dataRows.map((row) => row.fields[labelIndex].trim()))].sort();
      const classOf = new Map(classes.map((name, i) => [name, i]));
      for (let r = 0; r < n; r++) y[r] = classOf.get(dataRows[r].fields[labelIndex].trim())!;
      result.classes = classes;
    }
    result.y = tensor(y, [n]);
  }
  return result;
}

function parseRows(path: string, text: string | Uint8Array, delimiter: string, parse: CsvParse): Row[] {
  try {
    // Width is checked by readCsv rather than by csv-parse, so that the message can name the expected width.
    const lines: number[] = [];
    const records = parse(text, {
      delimiter,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context: { lines: number }) => {
        // A line of nothing but spaces is blank too (skip_empty_lines only skips lines with no characters).
        if (record.length === 1 && record[0].trim() === '') return null;
        lines.push(context.lines); // the file line each record ends on, for error messages
        return record;
      },
    });
    return records.map((fields: string[], i: number) => ({ fields, line: lines[i] }));
  } catch (err) {
    throw new DataFormatError(`${path}: not valid CSV: ${(err as Error).message}`);
  }
}

function columnIndex(
  fn: string, path: string, column: string | number, names: readonly string[], header: boolean, option: string,
): number {
  if (typeof column === 'number') {
    if (!Number.isInteger(column) || column < 0 || column >= names.length) {
      throw new ValueError(`${fn}: ${path}: ${option} index ${column} is out of range; the file has ` +
        `${names.length} columns (0..${names.length - 1})`);
    }
    return column;
  }
  if (!header) {
    throw new ValueError(`${fn}: ${path}: ${option} "${column}" is a name, but header is false; use an index`);
  }
  const index = names.indexOf(column);
  if (index < 0) {
    throw new ValueError(`${fn}: ${path}: no column named "${column}" (${option}); the header has ` +
      names.map((name) => `"${name}"`).join(', '));
  }
  const others = names.flatMap((name, i) => (name === column && i !== index ? [i] : []));
  if (others.length > 0) {
    const all = [index, ...others];
    throw new ValueError(`${fn}: ${path}: columns ${all.slice(0, -1).join(', ')} and ${all.at(-1)} are all named ` +
      `"${column}" (${option}); select one of them by index`);
  }
  return index;
}

/**
 * A cell as a message shows it: in quotes, with characters that print as nothing or move the text (NUL and
 * other control characters, zero-width and direction marks) written as \uXXXX, so "2\u00000" is not shown
 * as "20".
 */
function quoted(cell: string): string {
  return JSON.stringify(cell).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function toNumber(path: string, row: Row, column: number, names: readonly string[], delimiter: string): number {
  const cell = row.fields[column].trim();
  // Number('') is 0 and Number('0x1f') is 31: only plain decimal notation counts as a number here.
  const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell) ? Number(cell) : NaN;
  if (!Number.isFinite(value)) {
    const what = cell === '' ? 'an empty cell' : quoted(cell);
    // A cell holding "1;2" usually means a file written with another delimiter (or a decimal comma).
    const other = [';', '\t', '|'].find((d) => d !== delimiter && cell.includes(d));
    const hint = other === undefined ? '' : ` (is the file delimited by ${JSON.stringify(other)}? pass { delimiter: ${JSON.stringify(other)} })`;
    throw new DataFormatError(`${path}: line ${row.line}, column "${names[column]}" (${column}): ${what} is not ` +
      `a finite number${hint}`);
  }
  return value;
}

// CSV files of numbers into tensors, read with node:fs and parsed by csv-parse's Node build (see csv-table.ts).

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describeValue } from '@nabla/core';
import { DataFormatError } from './idx-format.js';
import { csvTable, type CsvData, type CsvParse, type ReadCsvOptions } from './csv-table.js';

export type { CsvData, ReadCsvOptions } from './csv-table.js';

/** Reads a CSV file of numbers into a feature tensor x and (optionally) a label tensor y. */
export function readCsv(path: string, options: ReadCsvOptions = {}): CsvData {
  if (typeof path !== 'string') throw new TypeError(`readCsv: path must be a string, got ${describeValue(path)}`);
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (err) {
    throw new DataFormatError(`${path}: cannot read CSV file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  // Excel's "Unicode text" export: UTF-16 with a byte-order mark, which would parse as a single garbled column.
  if (text.length >= 2 && ((text[0] === 0xff && text[1] === 0xfe) || (text[0] === 0xfe && text[1] === 0xff))) {
    throw new DataFormatError(`${path}: the file is UTF-16 (it starts with the byte-order mark ` +
      `${text[0].toString(16).toUpperCase()} ${text[1].toString(16).toUpperCase()}); save it as UTF-8 CSV`);
  }
  return csvTable('readCsv', path, text, options, parse as CsvParse);
}

/**
 * The numbers of a CSV text (the body of a fetch(), say) as readCsv returns them. `options.source` names the
 * text in error messages (default 'CSV data').
 */
export function parseCsv(text: string, options: ReadCsvOptions & { source?: string } = {}): CsvData {
  if (typeof text !== 'string') throw new TypeError(`parseCsv: text must be a string, got ${describeValue(text)}`);
  return csvTable('parseCsv', options.source ?? 'CSV data', text, options, parse as CsvParse);
}

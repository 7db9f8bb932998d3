// parseCsv for browsers: csv-parse's browser build (which brings its own Buffer) in place of its Node build.

import { parse } from 'csv-parse/browser/esm/sync';
import { describeValue } from '@nabla/core';
import { csvTable, type CsvData, type CsvParse, type ReadCsvOptions } from './csv-table.js';

/**
 * The numbers of a CSV text (the body of a fetch(), say) as readCsv returns them. `options.source` names the
 * text in error messages (default 'CSV data').
 */
export function parseCsv(text: string, options: ReadCsvOptions & { source?: string } = {}): CsvData {
  if (typeof text !== 'string') throw new TypeError(`parseCsv: text must be a string, got ${describeValue(text)}`);
  return csvTable('parseCsv', options.source ?? 'CSV data', text, options, parse as CsvParse);
}

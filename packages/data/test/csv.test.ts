import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { DataFormatError, readCsv } from '../src/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

function csv(name: string, text: string): string {
  const path = dir.path(name);
  writeFileSync(path, text);
  return path;
}

const IRIS = `sepal_length,sepal_width,petal_length,petal_width,species
5.1,3.5,1.4,0.2,setosa
7.0,3.2,4.7,1.4,versicolor
6.3,3.3,6.0,2.5,virginica

5.8,2.7,5.1,1.9,virginica
`;

describe('readCsv', () => {
  test('header, every other column as features, a categorical label', () => {
    const data = readCsv(csv('iris.csv', IRIS), { label: 'species', labelType: 'category' });
    expect(data.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(data.label).toBe('species');
    expect(data.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(data.x.shape).toEqual([4, 4]);
    expect((data.x.toArray() as number[][])[1]).toEqual([7, 3.200000047683716, 4.699999809265137, 1.399999976158142]);
    expect(data.y!.toArray()).toEqual([0, 1, 2, 2]);
  });

  test('columns by name or index, numeric label, no header, other delimiters, quotes', () => {
    const path = csv('nums.csv', 'a,b,c\n1,2,3\n4,5,6\n');
    const picked = readCsv(path, { columns: ['c', 0], label: 1 });
    expect(picked.columns).toEqual(['c', 'a']);
    expect(picked.x.toArray()).toEqual([[3, 1], [6, 4]]);
    expect(picked.y!.toArray()).toEqual([2, 5]);
    const noHeader = readCsv(csv('nh.csv', '1;2\n3;4\n'), { header: false, delimiter: ';' });
    expect(noHeader.columns).toEqual(['column 0', 'column 1']);
    expect(noHeader.x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(noHeader.y).toBeNull();
    const quoted = readCsv(csv('q.csv', '"x","y"\r\n" 1.5 ","-2e3"\r\n'));
    expect(quoted.x.toArray()).toEqual([[1.5, -2000]]);
  });

  test('a path that is not a string is named', () => {
    expect(() => readCsv(123 as never)).toThrow(TypeError);
    expect(() => readCsv(123 as never)).toThrow('readCsv: path must be a string, got the number 123');
  });

  test('a bad value names the file, line and column', () => {
    const path = csv('bad.csv', 'a,b\n1,2\n3,abc\n');
    expect(() => readCsv(path)).toThrow(DataFormatError);
    expect(() => readCsv(path)).toThrow(`${path}: line 3, column "b" (1): "abc" is not a finite number`);
    const nan = csv('nan.csv', 'a,b\n1,NaN\n');
    expect(() => readCsv(nan)).toThrow(`${nan}: line 2, column "b" (1): "NaN" is not a finite number`);
    const empty = csv('emptycell.csv', 'a,b\n1,\n');
    expect(() => readCsv(empty)).toThrow(`${empty}: line 2, column "b" (1): an empty cell is not a finite number`);
    const hex = csv('hex.csv', 'a\n0x10\n');
    expect(() => readCsv(hex)).toThrow(/"0x10" is not a finite number/);
    const nul = csv('nul.csv', 'a,b\n1,2\u00000\n');
    expect(() => readCsv(nul)).toThrow(`${nul}: line 2, column "b" (1): "2\\u00000" is not a finite number`);
    const hidden = csv('hidden.csv', 'a\n1\u200b\n');
    expect(() => readCsv(hidden)).toThrow(/"1\\u200b" is not a finite number/);
    const label = csv('label.csv', 'a,y\n1,cat\n');
    expect(() => readCsv(label, { label: 'y' })).toThrow(`${label}: line 2, column "y" (1): "cat" is not a finite number`);
  });

  test('rows of the wrong width, empty files, header-only files, broken quoting', () => {
    const wide = csv('wide.csv', 'a,b\n1,2\n3,4,5\n');
    expect(() => readCsv(wide)).toThrow(`${wide}: line 3 has 3 fields, expected 2 (as in the header)`);
    const narrow = csv('narrow.csv', '1,2\n3\n');
    expect(() => readCsv(narrow, { header: false })).toThrow(`${narrow}: line 2 has 1 fields, expected 2 (as on the first line)`);
    const empty = csv('empty.csv', '');
    expect(() => readCsv(empty)).toThrow(`${empty}: empty file; expected a header and rows`);
    const headerOnly = csv('header.csv', 'a,b\n');
    expect(() => readCsv(headerOnly)).toThrow(`${headerOnly}: no data rows after the header`);
    const quote = csv('quote.csv', 'a,b\n"1,2\n');
    expect(() => readCsv(quote)).toThrow(new RegExp(`quote.csv: not valid CSV: .*`));
    expect(() => readCsv(dir.path('missing.csv'))).toThrow(/missing.csv: cannot read CSV file \(ENOENT\)/);
  });

  test('bad column choices', () => {
    const path = csv('cols.csv', 'a,b\n1,2\n');
    expect(() => readCsv(path, { label: 'z' })).toThrow(`readCsv: ${path}: no column named "z" (label); the header has "a", "b"`);
    expect(() => readCsv(path, { columns: [2] })).toThrow(/columns index 2 is out of range; the file has 2 columns \(0..1\)/);
    expect(() => readCsv(path, { header: false, label: 'a' })).toThrow(/label "a" is a name, but header is false/);
    expect(() => readCsv(path, { columns: ['a'], label: 'a' })).toThrow(/column "a" is both a feature and the label/);
  });
});

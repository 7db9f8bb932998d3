// The browser entry (src/browser.ts): everything that reads no files works from bytes and text in memory,
// and the file readers throw an error that names node:fs and what to use instead. (That the entry bundles
// for browsers with no Node built-in is checked with esbuild in apps/web/test/browser-bundles.test.ts.)

import '@nabla/backend-js';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import * as browser from '../src/browser.js';
import * as node from '../src/index.js';
import { idxBytes, tempDir, writeIdx } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('the browser entry of @nabla/data', () => {
  test('exports every name of the Node entry, and NodeOnlyError besides', () => {
    const missing = Object.keys(node).filter((name) => !(name in browser));
    expect(missing).toEqual([]);
    expect(Object.keys(browser).filter((name) => !(name in node))).toEqual(['NodeOnlyError']);
  });

  test('parseIdx decodes bytes in memory as readIdx decodes the same file', () => {
    const values = [1, -2, 300, -40000, 7, 8];
    const bytes = idxBytes('int32', [2, 3], values);
    const parsed = browser.parseIdx(new Uint8Array(bytes));
    const read = node.readIdx(writeIdx(dir.path('a.idx'), 'int32', [2, 3], values));
    expect(parsed).toEqual(read);
    expect(Array.from(parsed.data)).toEqual(values);
    const scaled = browser.parseIdxFloat32(idxBytes('uint8', [2, 2], [0, 51, 102, 255]), { scale: 1 / 255 });
    expect(scaled.shape).toEqual([2, 2]);
    expect(Array.from(scaled.data)).toEqual([0, 51, 102, 255].map((v) => Math.fround(v * (1 / 255))));
  });

  test('parseIdx refuses gzipped, truncated and non-byte input with messages that say so', () => {
    const bytes = idxBytes('uint8', [4], [1, 2, 3, 4]);
    expect(() => browser.parseIdx(gzipSync(bytes), { label: 'labels.gz' }))
      .toThrow(/labels\.gz: gzipped bytes.*inflate them first.*DecompressionStream/);
    expect(() => browser.parseIdx(bytes.subarray(0, bytes.length - 1), { label: 'cut.idx' }))
      .toThrow(browser.DataFormatError);
    expect(() => browser.parseIdx(bytes.subarray(0, bytes.length - 1), { label: 'cut.idx' }))
      .toThrow(/cut\.idx: truncated: 1 bytes missing/);
    expect(() => browser.parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(/parseIdx: expected the file's bytes as a Uint8Array, got Array/);
    expect(() => browser.parseIdxFloat32(bytes, { scale: NaN })).toThrow(/scale must be finite/);
  });

  test("parseCsv on csv-parse's browser build reads text as readCsv reads files", () => {
    const text = 'a,b,kind\n1,2,x\n3,4.5,y\n';
    const fromText = browser.parseCsv(text, { label: 'kind', labelType: 'category' });
    expect(fromText.x.toArray()).toEqual([[1, 2], [3, 4.5]]);
    expect(fromText.y!.toArray()).toEqual([0, 1]);
    expect(fromText.classes).toEqual(['x', 'y']);
    expect(node.parseCsv(text, { label: 'kind', labelType: 'category' }).x.toArray()).toEqual([[1, 2], [3, 4.5]]);
    expect(() => browser.parseCsv('a,b\n1,oops\n', { source: 'table.csv' }))
      .toThrow(/table\.csv: line 2, column "b" \(1\): "oops" is not a finite number/);
    expect(() => browser.parseCsv('a\n1\n', { label: 'nope' })).toThrow(/parseCsv: CSV data: no column named "nope"/);
    expect(() => browser.parseCsv(42 as unknown as string)).toThrow(/parseCsv: text must be a string/);
  });

  test('a ByteImageDataset of fetched bytes batches through the DataLoader', () => {
    const images = browser.parseIdx(idxBytes('uint8', [4, 2], [0, 255, 51, 102, 10, 20, 30, 40]));
    const labels = browser.parseIdxFloat32(idxBytes('uint8', [4], [1, 0, 3, 2]));
    const dataset = new browser.ByteImageDataset(images.data as Uint8Array, labels.data, [2]);
    const batches = [...new browser.DataLoader(dataset, { batchSize: 2 })];
    expect(batches.map((b) => b.y.toArray())).toEqual([[1, 0], [3, 2]]);
    expect(batches[0]!.x.toArray()).toEqual([[0, 1], [0.2, 0.4]].map((r) => r.map(Math.fround)));
  });

  test.each([
    ['readIdx', () => browser.readIdx('x.idx'), /parseIdx or parseIdxFloat32/],
    ['readIdxFloat32', () => browser.readIdxFloat32('x.idx'), /parseIdx/],
    ['loadIdx', () => browser.loadIdx('a', 'b'), /parseIdx/],
    ['loadIdxBytes', () => browser.loadIdxBytes('a', 'b'), /ByteImageDataset/],
    ['loadMnist', () => browser.loadMnist(), /parseIdx/],
    ['loadMnistBytes', () => browser.loadMnistBytes(), /ByteImageDataset/],
    ['mnistFolder', () => browser.mnistFolder(), /serve the MNIST files/],
    ['readCsv', () => browser.readCsv('x.csv'), /parseCsv/],
  ])('%s throws NodeOnlyError naming node:fs and what to use instead', (name, call, instead) => {
    expect(call).toThrow(browser.NodeOnlyError);
    expect(call).toThrow(new RegExp(`^${name} reads files from disk with Node's node:fs and is not available in browsers`));
    expect(call).toThrow(instead);
  });
});

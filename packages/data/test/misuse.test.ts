// What a PyTorch, torchvision or pandas user passes by habit: options under their names there, a positional
// batch size, CSV files with duplicate column names, blank labels, another delimiter or UTF-16 text. Each is
// either taken as meant or an error naming the fix, never silently other data.
import '@nabla/backend-js';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { tensor } from '@nabla/core';
import {
  DataFormatError, DataLoader, TensorDataset, loadIdx, loadMnist, loadMnistBytes, minMax, parseCsv, readCsv, standardize,
  trainValSplit,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

const ds = new TensorDataset(tensor([[1], [2], [3], [4], [5]]), tensor([0, 1, 0, 1, 0]));

describe('options under other libraries\' names', () => {
  test('DataLoader: batch_size is an error naming batchSize; a number is the batch size, as in PyTorch', () => {
    expect(() => new DataLoader(ds, { batch_size: 2 } as never)).toThrow(/DataLoader: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
    expect(() => new DataLoader(ds, { batchSize: 2, num_workers: 4 } as never)).toThrow(/unknown option 'num_workers' \(batches are built in this process/);
    expect(() => new DataLoader(ds, 'big' as never)).toThrow(/DataLoader: options must be an object, got a string \("big"\)/);
    const loader = new DataLoader(ds, 2);
    expect(loader.batchSize).toBe(2);
    expect([...loader].map((b) => b.x.shape[0])).toEqual([2, 2, 1]);
    expect(() => new DataLoader(ds, 0)).toThrow(/batchSize must be a positive integer, got 0/);
  });

  test("loadMnist: torchvision's train: false is an error naming split: 'test', not the training set", () => {
    expect(() => loadMnist({ train: false } as never)).toThrow(/loadMnist: unknown option 'train' \(torchvision's train: false is split: 'test' here\)/);
    expect(() => loadMnistBytes({ root: './data' } as never)).toThrow(/loadMnistBytes: unknown option 'root'/);
    expect(() => loadIdx('images', 'labels', { normalise: true } as never)).toThrow(/loadIdx: unknown option 'normalise'; known options: normalize, flatten, classes/);
  });

  test('splits and scalers', () => {
    expect(() => trainValSplit(ds, 0.4, { random_state: 1 } as never)).toThrow(/trainValSplit: unknown option 'random_state'; known options: seed, stratify/);
    expect(() => minMax(tensor([[1], [2]]), { feature_range: [0, 1] } as never)).toThrow(/minMax: unknown option 'feature_range' \(scikit-learn's feature_range is range here\)/);
    expect(() => standardize(tensor([[1], [2]]), { per_feature: false } as never)).toThrow(/did you mean 'perFeature'\?/);
  });
});

describe('CSV files off the happy path', () => {
  test("pandas' option names are errors naming ours", () => {
    expect(() => parseCsv('a;b\n1;2\n', { sep: ';' } as never)).toThrow(/parseCsv: unknown option 'sep' \(pandas' sep is delimiter here\)/);
    const path = dir.path('plain.csv');
    writeFileSync(path, 'a,b\n1,2\n');
    expect(() => readCsv(path, { label: 'b', source: 'x' } as never)).toThrow(/readCsv: unknown option 'source'/);
  });

  test('a column name used twice cannot select a column', () => {
    expect(() => parseCsv('a,a,b\n1,2,3\n', { label: 'a' })).toThrow(/parseCsv: CSV data: columns 0 and 1 are all named "a" \(label\); select one of them by index/);
    expect(() => parseCsv('a,a,b\n1,2,3\n', { columns: ['b', 'a'] })).toThrow(/named "a" \(columns\)/);
    expect(Array.from(parseCsv('a,a,b\n1,2,3\n', { label: 1 }).y!.data())).toEqual([2]);
  });

  test('an empty category label is an error, not a class named ""', () => {
    expect(() => parseCsv('x,y\n1,cat\n2,\n3,dog\n', { label: 'y', labelType: 'category' })).toThrow(/line 3, column "y" \(1\): an empty label cell/);
  });

  test('a line of spaces is blank, like an empty line', () => {
    const data = parseCsv('a,b\n1,2\n   \n3,4\n\t\n');
    expect(data.x.shape).toEqual([2, 2]);
    expect(Array.from(data.x.data())).toEqual([1, 2, 3, 4]);
  });

  test('a cell holding another delimiter says which delimiter to pass', () => {
    expect(() => parseCsv('a;b\n1;2\n')).toThrow(/"1;2" is not a finite number \(is the file delimited by ";"\? pass \{ delimiter: ";" \}\)/);
    expect(() => parseCsv('a,b\n1,x\n')).toThrow(/"x" is not a finite number$/);
  });

  test('a UTF-16 file (Excel\'s Unicode text) is named as such', () => {
    const path = dir.path('utf16.csv');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\r\n1,2\r\n', 'utf16le')]));
    expect(() => readCsv(path)).toThrow(DataFormatError);
    expect(() => readCsv(path)).toThrow(/utf16\.csv: the file is UTF-16 \(it starts with the byte-order mark FF FE\); save it as UTF-8 CSV/);
  });
});

describe('datasets from plain arrays', () => {
  test('ArrayDataset needs Float32Arrays and says how to get them', async () => {
    const { ArrayDataset } = await import('../src/index.js');
    expect(() => new ArrayDataset([1, 2, 3, 4] as never, [2, 2], new Float32Array(2), [2]))
      .toThrow(/ArrayDataset: x must be a Float32Array, got an array of length 4; use Float32Array.from\(x\), or fromArrays\(xs, ys\)/);
    expect(() => new ArrayDataset(new Float32Array(4), [2, 2], [0, 1] as never, [2])).toThrow(/y must be a Float32Array/);
  });
});

describe('datasets of ones own written the PyTorch way', () => {
  const own = (get: (i: number) => unknown): { length: number; xShape: number[]; yShape: number[]; get: (i: number) => never } =>
    ({ length: 4, xShape: [2], yShape: [], get: get as (i: number) => never });

  test('a class label as a plain number fills its row, as a PyTorch dataset returns it', () => {
    const loader = new DataLoader(own((i) => ({ x: Float32Array.of(i, i), y: i % 2 })), 4);
    const [batch] = [...loader];
    expect(Array.from(batch!.y.data())).toEqual([0, 1, 0, 1]);
  });

  test('a [x, y] pair, a missing x and missing shapes are errors saying what a dataset returns', () => {
    expect(() => [...new DataLoader(own((i) => [Float32Array.of(i, i), 0]), 2)]).toThrow(/DataLoader: get\(0\) returned an array of length 2; a dataset's get\(index\) returns \{ x, y \} \(an object, not a PyTorch-style \[x, y\] pair\)/);
    expect(() => [...new DataLoader(own(() => ({ y: 0 })), 2)]).toThrow(/sample 0 has x of undefined values and y of 1/);
    expect(() => new DataLoader({ length: 2, get: () => ({ x: [1], y: [1] }) } as never)).toThrow(/DataLoader: the dataset's xShape must be the shape of one sample's x \(e\.g\. \[784\], or \[\] for a class label\), got undefined/);
  });
});

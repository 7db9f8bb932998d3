// The example scripts and how the install test reads their output.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CORE_EXAMPLE, EXAMPLE, expectTrained, parseTraining, readExample, withNativeImport } from '../lib/example.mjs';

test('each example has exactly one native import to switch on, and switching it on changes only that line', () => {
  for (const path of [EXAMPLE, CORE_EXAMPLE]) {
    const text = readExample(path);
    assert.ok(!/^import '@nabla\/backend-native'/m.test(text), `${path} imports native already`);
    const switched = withNativeImport(text);
    assert.match(switched, /^import '@nabla\/backend-native';/m);
    const changed = text.split('\n').filter((line, i) => line !== switched.split('\n')[i]);
    assert.equal(changed.length, 1);
  }
});

test('withNativeImport refuses a script without the commented line', () => {
  assert.throws(() => withNativeImport("import '@nabla/backend-js';\n"), /no line starting with/);
});

const OUTPUT = 'backend: js\nnative: {"name":"native","available":false,"reason":"not registered"}\nloss: 0.6409 -> 0.0126\n';

test('parseTraining reads backend, native info and the losses', () => {
  const result = parseTraining(OUTPUT);
  assert.equal(result.backend, 'js');
  assert.equal(result.native.reason, 'not registered');
  assert.equal(result.first, 0.6409);
  assert.equal(result.last, 0.0126);
  assert.throws(() => parseTraining('backend: js\n'), /did not print/);
});

test('expectTrained fails on the wrong backend, a loss that did not fall, or NaN', () => {
  const result = parseTraining(OUTPUT);
  assert.match(expectTrained(result, 'js'), /trained on 'js'/);
  assert.throws(() => expectTrained(result, 'native'), /ran on 'js', expected 'native'/);
  assert.throws(() => expectTrained({ ...result, last: 0.5 }, 'js'), /did not fall/);
  assert.throws(() => expectTrained({ ...result, last: Number.NaN }, 'js'), /did not fall/);
});

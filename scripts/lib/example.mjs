// The training example that the install test runs in each fresh project, and how its output is read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { root } from './workspace.mjs';

const examples = join(root, 'scripts', 'examples');
export const EXAMPLE = join(examples, 'train-small.mjs');
/** The same run with @nabla/core alone, for projects that install only core and a backend. */
export const CORE_EXAMPLE = join(examples, 'train-small-core.mjs');

const NATIVE_LINE = "// import '@nabla/backend-native';";

/** The example with its one commented-out line switched on: what a user changes after adding the addon. */
export function withNativeImport(text) {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.startsWith(NATIVE_LINE));
  if (index < 0) throw new Error(`the example has no line starting with "${NATIVE_LINE}" to switch on`);
  lines[index] = lines[index].slice(3);
  return lines.join('\n');
}

export function readExample(path) {
  return readFileSync(path, 'utf8');
}

/** { backend, native: BackendInfo of 'native', first, last } from the example's last three lines. */
export function parseTraining(output) {
  const backend = /^backend: (\S+)$/m.exec(output)?.[1];
  const nativeJson = /^native: (\{.*\})$/m.exec(output)?.[1];
  const loss = /^loss: (\S+) -> (\S+)$/m.exec(output);
  if (!backend || !nativeJson || !loss) {
    throw new Error(`the example did not print its "backend:", "native:" and "loss:" lines; it printed:\n${output}`);
  }
  return { backend, native: JSON.parse(nativeJson), first: Number(loss[1]), last: Number(loss[2]) };
}

/** Throws unless the run used `backend` and its loss fell to less than half of where it started. */
export function expectTrained(result, backend) {
  if (result.backend !== backend) {
    throw new Error(`the example ran on '${result.backend}', expected '${backend}' ` +
      `(backendInfo('native'): ${JSON.stringify(result.native)})`);
  }
  const { first, last } = result;
  if (!Number.isFinite(first) || !Number.isFinite(last) || !(last < 0.5 * first)) {
    throw new Error(`the loss did not fall to less than half: ${first} -> ${last}`);
  }
  return `trained on '${backend}': loss ${first.toFixed(4)} -> ${last.toFixed(4)}`;
}

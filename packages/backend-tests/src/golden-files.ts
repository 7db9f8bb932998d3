// Reading the PyTorch reference vectors from their folder.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of reference vectors: $NABLA_GOLDEN_DIR, else the copy in this package. */
export function goldenDir(): string {
  const fromEnv = process.env.NABLA_GOLDEN_DIR;
  if (fromEnv) return resolve(fromEnv);
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');
}

/** Parses one golden file (activations, losses, layers, mlp, optimizers). */
export function loadGolden<T = Record<string, unknown>>(name: string): T {
  const path = join(goldenDir(), `${name}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new Error(`cannot read golden vectors ${path}: ${(err as Error).message}`, { cause: err });
  }
}

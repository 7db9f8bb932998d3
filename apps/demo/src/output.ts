// Where the demo writes: demo-output/ under the folder the user ran the command from. pnpm runs package
// scripts inside the package, but sets INIT_CWD to where `pnpm demo` was typed, so output lands there.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function defaultOutputDir(): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), 'demo-output');
}

/** Creates `dir/sub` (and parents) and returns its path. */
export function ensureDir(dir: string, ...sub: string[]): string {
  const path = join(dir, ...sub);
  mkdirSync(path, { recursive: true });
  return path;
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

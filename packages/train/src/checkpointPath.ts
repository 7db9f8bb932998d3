// The file name of ModelCheckpoint, with Keras' placeholders: '{epoch}' (1-based), '{epoch:02d}' (zero-padded),
// and any logged value such as '{val_loss:.4f}' or '{accuracy}'. A placeholder left unreplaced would make
// every epoch overwrite one file with a literal '{epoch:02d}' in its name, so anything not understood is an
// error.

import { ValueError } from '@nabla/core';
import { monitoredValue } from './callbacks.js';
import type { EpochLog } from './history.js';

const PLACEHOLDER = /\{([^{}:]*)(?::([^{}]*))?\}/g;
const SPEC = /^(?:0?(\d+)d|\.(\d+)f)?$/;

/** Throws when the path has a placeholder whose format is not one of '', '0Nd', 'Nd' and '.Nf'. */
export function checkPathTemplate(where: string, path: string): void {
  for (const [text, name, spec] of path.matchAll(PLACEHOLDER)) {
    if (name === '' || !SPEC.test(spec ?? '')) {
      throw new ValueError(`${where}: cannot format ${text} in path ${JSON.stringify(path)}; use {epoch}, {epoch:02d}, {val_loss:.4f} or {<logged key>}`);
    }
  }
}

/** The path for this epoch's file, every placeholder replaced. */
export function formatPath(where: string, path: string, log: EpochLog): string {
  return path.replace(PLACEHOLDER, (_text, name: string, spec: string | undefined) => {
    const value = name === 'epoch' ? log.epoch + 1 : monitoredValue(where, log, name);
    const [, width, digits] = SPEC.exec(spec ?? '')!;
    if (digits !== undefined) return value.toFixed(Number(digits));
    if (width !== undefined) {
      const text = String(Math.round(value));
      return spec!.startsWith('0') ? text.padStart(Number(width), '0') : text.padStart(Number(width), ' ');
    }
    return String(value);
  });
}

// Restoring any fitted transform from JSON, whatever its kind.

import { ValueError } from '@nabla/core';
import { MinMaxScaler } from './minmax.js';
import { StandardScaler } from './standardize.js';

export type FittedTransform = MinMaxScaler | StandardScaler;

/** Restores a fitted transform (minMax or standardize) from its toJSON() object or JSON text. */
export function transformFromJSON(json: unknown): FittedTransform {
  const obj: unknown = typeof json === 'string' ? safeParse(json) : json;
  const kind = obj !== null && typeof obj === 'object' ? (obj as { kind?: unknown }).kind : undefined;
  if (kind === 'minMax') return MinMaxScaler.fromJSON(obj);
  if (kind === 'standardize') return StandardScaler.fromJSON(obj);
  throw new ValueError(`transformFromJSON: unknown transform kind ${JSON.stringify(kind)} ` +
    '(expected "minMax" or "standardize")');
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValueError(`transformFromJSON: not valid JSON (${(err as Error).message})`);
  }
}

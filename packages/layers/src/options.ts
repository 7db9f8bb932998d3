// Checking the options object a layer is built with, so that a misspelt key (`negative_slope`, `bais`) or a
// PyTorch-style positional argument that this API takes in an object fails at construction instead of
// being ignored, which would silently build a different layer than the one asked for.

import { ValueError, describeValue } from '@nabla/core';

/**
 * Returns `options` as an object: undefined becomes {}; anything else that is not a plain object is an
 * error (`hint` says how to pass it), and so is a key outside `known`.
 */
export function checkOptions<T extends object>(where: string, options: T | undefined, known: readonly string[], hint = ''): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${where}: options must be an object${hint ? ` such as ${hint}` : ''}, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const alias = ALIASES[key] ?? ALIASES[camel];
    const suggestion = known.includes(camel) ? camel : alias !== undefined && known.includes(alias) ? alias : null;
    throw new ValueError(
      `${where}: unknown option '${key}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; known options: ${known.join(', ') || 'none'}`,
    );
  }
  return options;
}

/** PyTorch's names for options that are called differently here. */
const ALIASES: Record<string, string> = {
  negativeSlope: 'alpha',
};

/** A value as a message shows it: numbers as they are (NaN, 1.5), anything else described (a string ("2")). */
function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : describeValue(v);
}

/** A finite number, or an error naming the layer, the option and the value as given. */
export function checkFinite(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ValueError(`${layer}: ${name} must be a finite number, got ${show(v)}`);
  }
  return v;
}

/** true or false, or an error naming the layer and the option. */
export function checkBoolean(layer: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValueError(`${layer}: ${name} must be true or false, got ${show(v)}`);
  return v;
}

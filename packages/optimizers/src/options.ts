// Checking the options users pass to optimizers and schedulers, so a bad value or a misspelt key fails at
// construction with a message that names the class, the option and what was expected.

import { ValueError } from '@nabla/core';

/** Keras' names of options (lower-cased, without underscores) and ours. */
const KERAS_NAMES: Record<string, string> = {
  learningrate: 'lr', epsilon: 'eps', beta1: 'betas', beta2: 'betas', rho: 'alpha',
};

/** Rejects keys that the class does not know (a typo such as `weight_decay` would otherwise be ignored). */
export function checkKnownKeys(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      // weight_decay -> weightDecay; PyTorch's T_max -> tMax (compared without case).
      const camel = key.replace(/_([a-z])/gi, (_m, c: string) => c.toUpperCase()).toLowerCase();
      const alias = KERAS_NAMES[key.replace(/_/g, '').toLowerCase()];
      const match = key.includes('_') ? known.find((k) => k.toLowerCase() === camel) : undefined;
      const suggestion = match ?? (alias !== undefined && known.includes(alias) ? alias : undefined);
      const hint = suggestion !== undefined ? ` (did you mean '${suggestion}'?)` : '';
      throw new ValueError(`${where}: unknown option '${key}'${hint}; known options: ${known.join(', ')}`);
    }
  }
}

/**
 * A scheduler's options: an object, or the one value PyTorch takes positionally after the optimizer
 * (`StepLR(opt, 10)` is `{ stepSize: 10 }`), given as `positional`. Anything else is an error with an example.
 */
export function schedulerOptions<T extends object>(
  where: string, options: T | number | readonly number[] | undefined, positional: keyof T & string, known: readonly string[],
): T {
  if (options === undefined) return {} as T;
  if (typeof options === 'number' || Array.isArray(options)) return { [positional]: options } as T;
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${where}: options must be an object such as { ${positional}: ... }, got ${describe(options)}`);
  }
  checkKnownKeys(where, options, known);
  return options as T;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** A finite number at or above `min` (and below `maxExclusive` when given). */
export function checkNumber(where: string, name: string, value: unknown, min: number, maxExclusive?: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${where}: ${name} must be a finite number, got ${describe(value)}`);
  }
  if (value < min) throw new ValueError(`${where}: ${name} must be >= ${min}, got ${value}`);
  if (maxExclusive !== undefined && value >= maxExclusive) {
    throw new ValueError(`${where}: ${name} must be < ${maxExclusive}, got ${value}`);
  }
  return value;
}

export function checkBoolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${where}: ${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** An integer at or above `min`. */
export function checkInteger(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValueError(`${where}: ${name} must be an integer, got ${describe(value)}`);
  }
  if (value < min) throw new ValueError(`${where}: ${name} must be >= ${min}, got ${value}`);
  return value;
}

/** Adam's betas: two numbers in [0, 1). */
export function checkBetas(where: string, value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ValueError(`${where}: betas must be a pair [beta1, beta2], got ${JSON.stringify(value)}`);
  }
  return [checkNumber(where, 'betas[0]', value[0], 0, 1), checkNumber(where, 'betas[1]', value[1], 0, 1)];
}

// Loading a state dict: check every key and shape first, then copy values into the existing storage, so
// a failed load changes nothing and optimizers that hold the parameters keep seeing the same tensors.

import { NablaError, Tensor, describeValue, fmtShape } from '@nabla/core';

export interface LoadStateDictOptions {
  /** Missing and unexpected keys are errors (default true). Shape mismatches are errors either way. */
  strict?: boolean;
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function entriesOf(dict: Map<string, Tensor> | Record<string, Tensor>): [string, Tensor][] {
  if (dict instanceof Map) return [...dict.entries()];
  if (dict === null || typeof dict !== 'object') {
    throw new NablaError(`loadStateDict: expected a Map or an object of tensors, got ${dict === null ? 'null' : typeof dict}`);
  }
  return Object.entries(dict);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The prefix that turns every missing key into an unexpected one ('module.'), or null. */
function sharedPrefix(missing: readonly string[], unexpected: readonly string[]): string | null {
  if (missing.length === 0 || missing.length !== unexpected.length) return null;
  const first = unexpected.find((k) => k.endsWith(missing[0]!));
  if (first === undefined) return null;
  const prefix = first.slice(0, first.length - missing[0]!.length);
  if (prefix === '') return null;
  const wanted = new Set(missing.map((k) => prefix + k));
  return unexpected.every((k) => wanted.has(k)) ? prefix : null;
}

/** Writes the elements of `src` into the storage of `dst` (same shape), whatever the layout of either. */
function copyInto(dst: Tensor, src: Tensor): void {
  dst.copy_(src);
}

export function applyStateDict(
  owner: string, current: Map<string, Tensor>, dict: Map<string, Tensor> | Record<string, Tensor>,
  options: LoadStateDictOptions,
): LoadResult {
  if (options === null || typeof options !== 'object') {
    throw new NablaError(`${owner}.loadStateDict: options must be an object such as { strict: false }, got ${describeValue(options)}`);
  }
  const strict = options.strict ?? true;
  if (typeof strict !== 'boolean') {
    throw new NablaError(`${owner}.loadStateDict: strict must be true or false, got ${describeValue(strict)}`);
  }
  // What @nabla/train's load() returns holds the state dict under 'model'.
  if (!(dict instanceof Map) && dict !== null && typeof dict === 'object' && (dict as Record<string, unknown>).model instanceof Map) {
    throw new NablaError(`${owner}.loadStateDict: got a checkpoint ({ model, optimizer, metadata }); pass its state dict: checkpoint.model`);
  }
  const given = new Map(entriesOf(dict));
  const missingKeys = [...current.keys()].filter((k) => !given.has(k));
  const unexpectedKeys = [...given.keys()].filter((k) => !current.has(k));
  const problems: string[] = [];
  for (const [key, value] of given) {
    const target = current.get(key);
    if (!target) continue;
    if (!(value instanceof Tensor)) {
      problems.push(`'${key}' is ${describeValue(value)}, expected a Tensor`);
    } else if (!sameShape(value.shape, target.shape)) {
      problems.push(`'${key}' has shape ${fmtShape(value.shape)}, the module's is ${fmtShape(target.shape)}`);
    }
  }
  if (strict && missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
  if (strict && unexpectedKeys.length > 0) {
    problems.push(`unexpected keys: ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
  }
  const prefix = strict ? sharedPrefix(missingKeys, unexpectedKeys) : null;
  if (prefix !== null) {
    problems.push(
      `every unexpected key is a missing key with '${prefix}' in front (a state dict saved from a wrapper such as ` +
      `DataParallel or torch.compile): remove the prefix from its keys`,
    );
  }
  if (problems.length > 0) {
    throw new NablaError(`${owner}.loadStateDict: nothing was loaded because:\n  ${problems.join('\n  ')}`);
  }
  for (const [key, value] of given) {
    const target = current.get(key);
    if (target) copyInto(target, value);
  }
  return { missingKeys, unexpectedKeys };
}

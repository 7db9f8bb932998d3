// What the conformance suite uses of vitest (describe, it, it.each, expect and its matchers), for the page
// that runs the suite in a browser: the bundle maps 'vitest' here. describe() runs its body at once, as
// vitest's collection does; it() only records the case, and the page runs the recorded cases in order.
// A matcher the suite uses that is missing here fails its case with a message that says so.

export interface Case {
  name: string;
  fn: () => void | Promise<void>;
}

const scopes: string[] = [];
let collected: Case[] = [];

/** The cases recorded since the last call, in the order they were declared. */
export function takeCases(): Case[] {
  const cases = collected;
  collected = [];
  return cases;
}

type Body = () => void;
type Test = () => void | Promise<void>;

function describeImpl(name: string, body: Body): void {
  scopes.push(name);
  try {
    body();
  } finally {
    scopes.pop();
  }
}

export const describe = Object.assign(describeImpl, {
  skip: (_name: string, _body: Body): void => undefined,
  skipIf: (skip: unknown) => (skip ? (_name: string, _body: Body): void => undefined : describeImpl),
  runIf: (run: unknown) => (run ? describeImpl : (_name: string, _body: Body): void => undefined),
});

function record(name: string, fn: Test): void {
  collected.push({ name: [...scopes, name].join(' > '), fn });
}

/** vitest's printf-style names of it.each: %s %d %i %f %j %o %%. */
function format(template: string, args: unknown[]): string {
  let i = 0;
  return template.replace(/%[sdifjo%]/g, (spec) => {
    if (spec === '%%') return '%';
    const value = args[i++];
    if (spec === '%j' || spec === '%o') return JSON.stringify(value);
    if (spec === '%i') return String(Math.trunc(Number(value)));
    if (spec === '%d' || spec === '%f') return String(Number(value));
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  });
}

function each<T>(table: readonly T[]) {
  return (name: string, fn: (...args: never[]) => void | Promise<void>): void => {
    for (const row of table) {
      const args = Array.isArray(row) ? row : [row];
      record(format(name, args), () => (fn as (...a: unknown[]) => void | Promise<void>)(...args));
    }
  };
}

export const it = Object.assign(record, {
  each,
  skip: (_name: string, _fn: Test): void => undefined,
  skipIf: (skip: unknown) => (skip ? (_name: string, _fn: Test): void => undefined : record),
  runIf: (run: unknown) => (run ? record : (_name: string, _fn: Test): void => undefined),
});
export const test = it;

export class AssertionError extends Error {
  override name = 'AssertionError';
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (ArrayBuffer.isView(value)) {
    const items = Array.from(value as unknown as ArrayLike<number>);
    return `${value.constructor.name}(${items.length}) ${JSON.stringify(items.slice(0, 64))}${items.length > 64 ? '…' : ''}`;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && value.constructor !== Object) {
    return `[${value.constructor?.name ?? 'object'}]`; // a class instance (a storage, a tensor): by its class only
  }
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  } catch {
    return String(value);
  }
}

/** Deep equality as toEqual sees it: same constructor for typed arrays, own enumerable keys, undefined keys ignored. */
function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const y = b as unknown[];
    return a.length === y.length && a.every((v, i) => equal(v, y[i]));
  }
  if (a instanceof Map || a instanceof Set || b instanceof Map || b instanceof Set) {
    return a.constructor === b.constructor && equal([...(a as Map<unknown, unknown>)], [...(b as Map<unknown, unknown>)]);
  }
  const keys = (o: object): string[] => Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
  const ka = keys(a), kb = keys(b);
  return ka.length === kb.length && ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type Expected = RegExp | string | (new (...args: never[]) => unknown) | Error | undefined;

function thrownMatches(err: unknown, expected: Expected): boolean {
  if (expected === undefined) return true;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof expected === 'string') return message.includes(expected);
  if (expected instanceof RegExp) return expected.test(message);
  if (expected instanceof Error) return message === expected.message;
  return err instanceof expected;
}

function matchers(actual: unknown, negate: boolean, note: string | undefined) {
  // `what` is a function: a message is only built for a failure (showing a tensor's storage is not cheap).
  const check = (pass: boolean, what: () => string): void => {
    if (pass === negate) throw new AssertionError(`${note ? `${note}: ` : ''}expected ${show(actual)} ${negate ? 'not ' : ''}${what()}`);
  };
  const num = (what: string, test: (a: number, b: number) => boolean) => (expected: number) =>
    check(typeof actual === 'number' && test(actual, expected), () => `${what} ${expected}`);
  return {
    toBe: (expected: unknown) => check(Object.is(actual, expected), () => `to be ${show(expected)}`),
    toEqual: (expected: unknown) => check(equal(actual, expected), () => `to equal ${show(expected)}`),
    toStrictEqual: (expected: unknown) => check(equal(actual, expected), () => `to equal ${show(expected)}`),
    toBeDefined: () => check(actual !== undefined, () => 'to be defined'),
    toBeUndefined: () => check(actual === undefined, () => 'to be undefined'),
    toBeNull: () => check(actual === null, () => 'to be null'),
    toBeTruthy: () => check(Boolean(actual), () => 'to be truthy'),
    toBeFalsy: () => check(!actual, () => 'to be falsy'),
    toBeNaN: () => check(Number.isNaN(actual), () => 'to be NaN'),
    toBeGreaterThan: num('to be greater than', (a, b) => a > b),
    toBeGreaterThanOrEqual: num('to be at least', (a, b) => a >= b),
    toBeLessThan: num('to be less than', (a, b) => a < b),
    toBeLessThanOrEqual: num('to be at most', (a, b) => a <= b),
    toBeCloseTo: (expected: number, digits = 2) =>
      check(typeof actual === 'number' && Math.abs(actual - expected) < 10 ** -digits / 2, () => `to be close to ${expected} (${digits} digits)`),
    toBeInstanceOf: (cls: new (...args: never[]) => unknown) => check(actual instanceof cls, () => `to be an instance of ${cls.name}`),
    toHaveLength: (n: number) => check((actual as { length?: unknown })?.length === n, () => `to have length ${n}`),
    toContain: (item: unknown) =>
      check(typeof actual === 'string' ? actual.includes(item as string) : Array.from(actual as Iterable<unknown>).includes(item), () => `to contain ${show(item)}`),
    toMatch: (pattern: RegExp | string) =>
      check(typeof actual === 'string' && (typeof pattern === 'string' ? actual.includes(pattern) : pattern.test(actual)), () => `to match ${pattern}`),
    toThrow: (expected?: Expected) => {
      if (typeof actual !== 'function') throw new AssertionError('toThrow needs a function');
      let threw = false, error: unknown;
      try {
        (actual as () => unknown)();
      } catch (err) {
        threw = true;
        error = err;
      }
      const pass = threw && thrownMatches(error, expected);
      if (pass === negate) {
        const got = threw ? `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` : 'did not throw';
        throw new AssertionError(`${note ? `${note}: ` : ''}expected the function ${negate ? 'not ' : ''}to throw` +
          `${expected === undefined ? '' : ` ${expected instanceof RegExp ? expected : show(expected instanceof Error ? expected.message : typeof expected === 'function' ? expected.name : expected)}`}; it ${got}`);
      }
    },
  };
}

type Matchers = ReturnType<typeof matchers>;

export function expect(actual: unknown, note?: string): Matchers & { not: Matchers } {
  const positive = matchers(actual, false, note);
  const unknownMatcher = (name: string | symbol): never => {
    throw new AssertionError(`expect(...).${String(name)} is not in the browser's vitest shim (apps/web/test/conformance/vitest-shim.ts)`);
  };
  const guard = <T extends object>(target: T): T => new Proxy(target, {
    get: (t, key) => (key in t ? t[key as keyof T] : key === 'then' ? undefined : unknownMatcher(key)),
  });
  return guard({ ...positive, not: guard(matchers(actual, true, note)) });
}

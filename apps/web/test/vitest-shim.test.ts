// The shim the conformance page runs the suite with (test/conformance/vitest-shim.ts) must fail what vitest
// fails: otherwise the browser run would pass whatever the backends compute.

import { describe, expect, it } from 'vitest';
import * as shim from './conformance/vitest-shim.js';

describe("the conformance page's vitest shim", () => {
  it('records cases with their describe path, and it.each with printf-style names', () => {
    shim.takeCases();
    shim.describe('outer', () => {
      shim.it('one', () => undefined);
      shim.describe('inner', () => shim.it.each([[1, 2, 3], [4, 5, 6]])('m=%i n=%i k=%i', () => undefined));
      shim.describe.skipIf(true)('skipped', () => shim.it('never', () => undefined));
    });
    expect(shim.takeCases().map((c) => c.name)).toEqual(['outer > one', 'outer > inner > m=1 n=2 k=3', 'outer > inner > m=4 n=5 k=6']);
    expect(shim.takeCases()).toEqual([]);
  });

  it('passes what vitest passes', () => {
    shim.expect(1).toBe(1);
    shim.expect([1, [2, { a: 3 }]]).toEqual([1, [2, { a: 3, b: undefined }]]);
    shim.expect(Float32Array.of(1, 2)).toEqual(Float32Array.of(1, 2));
    shim.expect(() => { throw new RangeError('bad shape [2, 3]'); }).toThrow(RangeError);
    shim.expect(() => { throw new RangeError('bad shape [2, 3]'); }).toThrow(/shape \[2, 3\]/);
    shim.expect(() => { throw new RangeError('bad shape [2, 3]'); }).toThrow('bad shape');
    shim.expect(() => undefined).not.toThrow();
    shim.expect(0.30000001).toBeCloseTo(0.3, 5);
    shim.expect(3).toBeGreaterThan(2);
    shim.expect(null).toBeNull();
    shim.expect({}).not.toBeNull();
  });

  it('fails what vitest fails, with a message', () => {
    expect(() => shim.expect(1).toBe(2)).toThrow('expected 1 to be 2');
    expect(() => shim.expect([1, 2]).toEqual([1, 3])).toThrow(shim.AssertionError);
    expect(() => shim.expect(Float32Array.of(1)).toEqual(Float64Array.of(1))).toThrow(shim.AssertionError);
    expect(() => shim.expect({ a: 1 }).toEqual({ a: 1, b: 2 })).toThrow(shim.AssertionError);
    expect(() => shim.expect(() => undefined).toThrow()).toThrow('it did not throw');
    expect(() => shim.expect(() => { throw new Error('other'); }).toThrow(/shape/)).toThrow('it threw Error: other');
    expect(() => shim.expect(() => { throw new Error('x'); }).toThrow(RangeError)).toThrow(shim.AssertionError);
    expect(() => shim.expect(2, 'mlp loss').toBeGreaterThan(2)).toThrow('mlp loss: expected 2 to be greater than 2');
    expect(() => shim.expect(1).not.toBe(1)).toThrow('expected 1 not to be 1');
    expect(() => shim.expect(undefined).toBeDefined()).toThrow(shim.AssertionError);
  });

  it('refuses a matcher it does not have, naming it', () => {
    const matchers = shim.expect(1) as unknown as Record<string, () => void>;
    expect(() => matchers.toSatisfy!()).toThrow(/toSatisfy is not in the browser's vitest shim/);
  });
});

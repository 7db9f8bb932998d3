// noGrad takes synchronous functions only: recording cannot be switched off across an await.
import { describe, expect, it } from 'vitest';
import { NablaError, isGradEnabled, noGrad } from '../src/index.js';

describe('noGrad', () => {
  it('refuses an async function before running it, and says why', () => {
    let ran = false;
    expect(() => noGrad(async () => { ran = true; })).toThrow(NablaError);
    expect(() => noGrad(async () => 1)).toThrow(/noGrad: the function is async .* the code after its first await would record gradients again/);
    expect(ran).toBe(false);
    expect(isGradEnabled()).toBe(true);
  });

  it('refuses a function that returns a promise, and leaves recording on', () => {
    expect(() => noGrad(() => Promise.resolve(1))).toThrow(/setGradEnabled\(false\)/);
    expect(() => noGrad(() => Promise.reject(new Error('later')))).toThrow(/returns a Promise/);
    expect(isGradEnabled()).toBe(true);
  });

  it('still runs synchronous functions with recording off', () => {
    expect(noGrad(() => isGradEnabled())).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(5 as never)).toThrow(/noGrad: expected a function, got number/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  registerBackend, registerUnavailableBackend, setBackend, getBackend, listBackends, backendInfo, setNumThreads, getNumThreads,
  hostMemory, type Backend,
} from '../src/index.js';

/** A backend whose primitives are never called here: these tests only look at the registry. */
function fake(name: string, extra: Partial<Backend> = {}): Backend {
  const fail = (): never => { throw new Error(`${name}: not for computing`); };
  return {
    name, memory: hostMemory, unary: fail, binary: fail, where: fail, reduce: fail, argmax: fail, gemm: fail, copy: fail,
    fill: fail, ...extra,
  };
}

describe('backend registry', () => {
  it('serves the available backend with the highest priority, and says why others are unavailable', () => {
    registerBackend('low', () => fake('low'), 1);
    registerBackend('high', () => fake('high'), 5);
    registerBackend('broken', () => { throw new Error('addon missing: build failed'); }, 9);
    registerUnavailableBackend('absent', 'no compiler at install time', 8);
    expect(getBackend().name).toBe('high');
    const infos = listBackends();
    expect(infos.map((b) => b.name)).toEqual(['broken', 'absent', 'high', 'low']);
    expect(backendInfo('broken')).toMatchObject({ available: false, reason: 'addon missing: build failed' });
    expect(backendInfo('absent')).toMatchObject({ available: false, reason: 'no compiler at install time' });
    expect(() => setBackend('absent')).toThrow(/backend unavailable: no compiler at install time/);
    expect(() => setBackend('nope')).toThrow(/no such backend; registered: .*low/);
    setBackend('low');
    expect(getBackend().name).toBe('low');
  });

  it('passes the thread count to backends that have threads, including ones created later', () => {
    let threads = 0;
    setNumThreads(3);
    registerBackend('threaded', () => fake('threaded', { setNumThreads: (n) => { threads = n; }, getNumThreads: () => threads }), 0);
    setBackend('threaded');
    expect(threads).toBe(3);
    expect(() => setNumThreads(0)).toThrow(/setNumThreads\(0\): expected an integer from 1 to 1024/);
    for (const bad of [-1, 2.5, NaN, Infinity, 1e9]) expect(() => setNumThreads(bad)).toThrow(/expected an integer from 1 to 1024/);
    expect(() => setNumThreads('2' as never)).toThrow(TypeError);
    expect(getNumThreads()).toBe(3); // refused settings change nothing
  });

  it('a thread count a backend refuses when it starts is an error, not a reason to call it unavailable', () => {
    setNumThreads(8);
    const picky = (): Backend => fake('picky', {
      setNumThreads: (n) => { if (n > 4) throw new RangeError(`picky.setNumThreads: at most 4, got ${n}`); },
    });
    registerBackend('picky', picky, 0);
    expect(() => setBackend('picky')).toThrow(/picky.setNumThreads: at most 4, got 8/);
    expect(backendInfo('picky').available).toBe(true);
    setNumThreads(2);
    expect(setBackend('picky').name).toBe('picky');
  });

  it('a backend registered again under the name in use serves from then on, keeping the user\'s choice', () => {
    const first = fake('again');
    const second = fake('again');
    registerBackend('again', () => first, -1);
    setBackend('again');
    expect(getBackend()).toBe(first);
    registerBackend('again', () => second, -1);
    expect(getBackend()).toBe(second);
    registerBackend('bystander', () => fake('bystander'), 100);
    expect(getBackend()).toBe(second);
    expect(() => registerBackend('x', 'nope' as never)).toThrow(/registerBackend\('x'\): the factory must be a function, got string/);
    expect(() => registerBackend('x', () => fake('x'), NaN)).toThrow(/the priority must be a number/);
    expect(() => registerBackend(5 as never, () => fake('x'))).toThrow(/registerBackend: the backend name must be a string/);
  });

  it('names a backend name that is not a string', () => {
    expect(() => setBackend(3 as never)).toThrow(/setBackend: the backend name must be a string such as 'js', got number/);
    expect(() => setBackend(undefined as never)).toThrow(TypeError);
  });

  it('shares one registry between two copies of core loaded side by side', async () => {
    // @ts-expect-error -- a second module instance of the same source, as a second install would give
    const again = await import('../src/registry.ts?copy');
    expect(again.getBackend().name).toBe(getBackend().name);
  });
});

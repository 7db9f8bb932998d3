// The addon's entry points check every argument before touching memory or MPI, so these run in the test
// process without starting MPI (the checks that need MPI up are in mpi/collectives.ts).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../src/addon.js';
import { addonPath, distributedInfo, initDistributed, type MpiAddon } from '../src/index.js';

const info = distributedInfo();
if (!info.available) console.warn(`@nabla/distributed: addon tests skipped: ${info.reason}`);

describe('distributedInfo', () => {
  it('says whether the addon is available, and why not', () => {
    expect(typeof info.available).toBe('boolean');
    if (info.available) {
      expect(info.library).toMatch(/MPI/);
      expect(info.library).not.toMatch(/\0/); // the C string's terminator is not part of the version
    } else {
      expect(info.reason).toMatch(/addon/);
    }
  });

  it('names NABLA_DISTRIBUTED_ADDON when the file it names does not exist', () => {
    const saved = process.env.NABLA_DISTRIBUTED_ADDON;
    process.env.NABLA_DISTRIBUTED_ADDON = '/nonexistent/nabla_mpi.node';
    try {
      const load = loadAddon();
      expect(load.ok).toBe(false);
      if (!load.ok) {
        expect(load.reason).toBe('NABLA_DISTRIBUTED_ADDON names /nonexistent/nabla_mpi.node, which does not exist; unset it to use the built addon');
      }
    } finally {
      if (saved === undefined) delete process.env.NABLA_DISTRIBUTED_ADDON;
      else process.env.NABLA_DISTRIBUTED_ADDON = saved;
    }
  });
});

describe.skipIf(!info.available)('addon argument checks', () => {
  const addon = createRequire(import.meta.url)(addonPath()) as MpiAddon;
  const f32 = new Float32Array(4);

  it('refuses buffers that are not float arrays, with a TypeError naming the entry', () => {
    expect(() => addon.allreduce('x' as never, 1000)).toThrow(TypeError);
    expect(() => addon.allreduce(new Int32Array(4) as never, 1000)).toThrow(/allreduce: buffer must be a Float32Array or Float64Array/);
    expect(() => addon.allreduceStart([1, 2] as never, 1)).toThrow(/allreduceStart: buffer must be a Float32Array or Float64Array/);
    expect(() => addon.allreduceStart(new Float32Array(2), 0)).toThrow(/allreduceStart: divisor must be an integer in 1..2147483647, got 0/);
    expect(() => addon.broadcast(new Uint8Array(4) as never, 0, 1000)).toThrow(TypeError);
    expect(() => (addon.allreduce as (...a: unknown[]) => void)()).toThrow(/allreduce: expected \(buffer, timeoutMs\), got 0 argument/);
  });

  it('refuses a detached array rather than reducing it as empty; takes arrays over a SharedArrayBuffer', () => {
    const detached = new Float32Array(4);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(() => addon.allreduce(detached, 1000)).toThrow(/allreduce: buffer is detached/);
    expect(() => addon.broadcast(detached, 0, 1000)).toThrow(/broadcast: buffer is detached/);
    expect(() => addon.allreduceStart(detached, 1)).toThrow(/allreduceStart: buffer is detached/);
    // Past the argument checks: only MPI being down stops it.
    expect(() => addon.allreduce(new Float32Array(new SharedArrayBuffer(16)), 1000)).toThrow(/allreduce: MPI is not initialized/);
  });

  it('refuses bad deadlines, handles and codes with a RangeError or TypeError', () => {
    expect(() => addon.allreduce(f32, -1)).toThrow(RangeError);
    expect(() => addon.allreduce(f32, Number.NaN)).toThrow(/timeoutMs must be > 0 \(or Infinity\), got nan/i);
    expect(() => addon.allreduce(f32, '5' as never)).toThrow(/timeoutMs must be a number/);
    expect(() => addon.barrier(0)).toThrow(RangeError);
    expect(() => addon.abort(0, 'x')).toThrow(/abort: code must be an integer in 1..255, got 0/);
    expect(() => addon.abort(1, 5 as never)).toThrow(/abort: message must be a string/);
    expect(() => addon.sharedBuffer(-1, 1000)).toThrow(/sharedBuffer: length must be an integer in 0..536870911, got -1/);
    expect(() => addon.sharedBuffer(1.5, 1000)).toThrow(RangeError);
    expect(() => addon.sharedBuffer(4, 0)).toThrow(/sharedBuffer: timeoutMs must be > 0/);
  });

  it('valid calls before init say that MPI is not initialized', () => {
    expect(() => addon.allreduce(f32, 1000)).toThrow(/allreduce: MPI is not initialized; call init\(\) first/);
    expect(() => addon.barrier(1000)).toThrow(/not initialized/);
    expect(() => addon.sharedBuffer(4, 1000)).toThrow(/sharedBuffer: MPI is not initialized/);
    expect(() => addon.rank()).toThrow(/not initialized/);
    expect(() => addon.finalize()).toThrow(/not initialized/);
    expect(addon.status()).toEqual({ initialized: false, finalized: false, pending: 0 });
  });

  it('initDistributed checks its options before starting MPI', () => {
    expect(() => initDistributed({ timeoutMs: 0 })).toThrow(/timeoutMs must be a number > 0/);
    expect(() => initDistributed({ abortOnError: 'yes' as never })).toThrow(/abortOnError must be true or false/);
    expect(() => initDistributed({ timeout: 5000 } as never)).toThrow(/unknown option 'timeout' \(this package takes 'timeoutMs', in milliseconds\)/);
  });
});

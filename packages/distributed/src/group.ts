// The process group: this process's rank among the job's `worldSize` processes, and the collectives over
// all of them. Every collective runs on the addon's communication thread under a deadline (timeoutMs): one
// that does not complete in time means a peer died or is stuck, and the addon then aborts the whole job
// with a message naming the collective, rather than waiting forever.

import { Tensor, ValueError, describeValue } from '@nabla/core';
import { addonLoad, type MpiAddon, type MpiBuffer } from './addon.js';
import { installAbortHandlers, unfinishedWork } from './faults.js';
import { launcherDisagrees } from './launcher.js';
import { checkKnownKeys } from './options.js';
import { bufferOf, type Reducible } from './host.js';

export interface InitOptions {
  /**
   * The longest one collective may take, in milliseconds, before the job is aborted. Default: the
   * environment variable NABLA_DISTRIBUTED_TIMEOUT_MS, else 300000 (5 minutes). Infinity waits forever.
   */
  timeoutMs?: number;
  /**
   * Abort the whole job when this rank has an uncaught exception, an unhandled rejection, or exits with a
   * non-zero code before finalize (default true); also finalizes MPI at a clean exit.
   */
  abortOnError?: boolean;
}

/** An operation started by allreduceAsync. */
export interface Work {
  /** Waits for it (under the group's deadline); the buffer then holds the sum. */
  wait(): void;
  /** True once it has completed (and then it needs no wait). */
  test(): boolean;
}

const DEFAULT_TIMEOUT_MS = 300_000;

function checkTimeout(ms: unknown, where: string): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms <= 0) {
    throw new ValueError(`${where}: timeoutMs must be a number > 0 (or Infinity), got ${describeValue(ms)}`);
  }
  return ms;
}

function defaultTimeout(): number {
  const env = process.env.NABLA_DISTRIBUTED_TIMEOUT_MS;
  return env === undefined || env === '' ? DEFAULT_TIMEOUT_MS : checkTimeout(Number(env), 'NABLA_DISTRIBUTED_TIMEOUT_MS');
}

export class ProcessGroup {
  private deadlineMs: number;

  /** @internal Made by initDistributed. */
  constructor(
    private readonly addon: MpiAddon,
    readonly rank: number,
    readonly worldSize: number,
    readonly threadLevel: string,
    timeoutMs: number,
    /**
     * How allreduce sums: 'shared memory' when ranks share a machine (a window of MPI shared memory; see the
     * README for what it was measured to save), else 'MPI_Allreduce' with the reason. NABLA_DISTRIBUTED_SHARED_MEMORY=0 (on every rank) keeps MPI_Allreduce.
     */
    readonly allreducePath: string = 'MPI_Allreduce',
  ) {
    this.deadlineMs = timeoutMs;
  }

  /** The deadline of each collective, in milliseconds (see InitOptions.timeoutMs). */
  get timeoutMs(): number {
    return this.deadlineMs;
  }

  set timeoutMs(ms: number) {
    this.deadlineMs = checkTimeout(ms, 'ProcessGroup.timeoutMs');
  }

  /** True on rank 0: the process that prints progress and writes checkpoints. */
  get isMain(): boolean {
    return this.rank === 0;
  }

  /** Replaces `buffer` (or the tensor's memory) by its element-wise sum over every rank. */
  allreduce(buffer: Reducible): void {
    this.addon.allreduce(bufferOf(buffer, 'allreduce'), this.timeoutMs);
  }

  /**
   * Starts the same sum (or, with `mean`, the sum divided by worldSize, computed on the communication
   * thread) and returns at once; do not read or write the buffer before wait() or test() says it is done.
   */
  allreduceAsync(buffer: Reducible, options: { mean?: boolean } = {}): Work {
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`allreduceAsync: options must be an object, got ${describeValue(options)}`);
    }
    if (options.mean !== undefined && typeof options.mean !== 'boolean') {
      throw new ValueError(`allreduceAsync: mean must be true or false, got ${describeValue(options.mean)}`);
    }
    const handle = this.addon.allreduceStart(bufferOf(buffer, 'allreduceAsync'), options.mean ? this.worldSize : 1);
    let done = false;
    return {
      wait: (): void => {
        if (done) return;
        this.addon.wait(handle, this.timeoutMs);
        done = true;
      },
      test: (): boolean => {
        if (!done) done = this.addon.test(handle);
        return done;
      },
    };
  }

  /** Replaces each value by its mean over the ranks (sum / worldSize), in place. */
  allreduceMean(buffer: Reducible): void {
    this.addon.wait(this.addon.allreduceStart(bufferOf(buffer, 'allreduceMean'), this.worldSize), this.timeoutMs);
  }

  /** Sums each value over every rank, in place (what fit's `parallel` option calls for its logs). */
  allSum(values: Float64Array): void {
    this.addon.allreduce(values, this.timeoutMs);
  }

  /** Copies `root`'s buffer (or tensor memory) into every other rank's. */
  broadcast(buffer: Reducible, root = 0): void {
    const b: MpiBuffer = bufferOf(buffer, 'broadcast');
    this.addon.broadcast(b, root, this.timeoutMs);
  }

  /**
   * A zero-filled Float32Array of `length` for buffers that are reduced again and again (DDP's gradient
   * buckets): when the ranks sum through shared memory it lives in memory that every rank of the machine
   * maps, so an allreduce of it sums the ranks' arrays where they are, with no copy in or out; otherwise, or
   * when the machine's shared memory (/dev/shm) cannot hold it, a plain Float32Array. Collective: every
   * rank calls it, in the same order, with the same length. Collecting the array frees the memory.
   */
  sharedBuffer(length: number): Float32Array {
    if (!Number.isSafeInteger(length) || length < 0 || length > 0x1fffffff) {
      throw new ValueError(`sharedBuffer: length must be an integer in 0..${0x1fffffff}, got ${describeValue(length)}`);
    }
    if (this.finalized) throw new Error('sharedBuffer: MPI was finalized; it cannot be used again in this process');
    if (!this.allreducePath.startsWith('shared memory')) return new Float32Array(length);
    const { array } = this.addon.sharedBuffer(length, this.timeoutMs);
    if (array === null) return new Float32Array(length);
    this.sharedMemory.add(array.buffer);
    return array;
  }

  /**
   * Whether `array` (a typed array over one of sharedBuffer's, or a tensor whose memory is one) lives in the
   * machine's shared memory; false for anything else.
   */
  isShared(array: unknown): boolean {
    const memory = array instanceof Tensor ? array.storage : array;
    return ArrayBuffer.isView(memory) && this.sharedMemory.has(memory.buffer);
  }

  private readonly sharedMemory = new WeakSet<ArrayBufferLike>();

  /** Returns once every rank has called it. */
  barrier(): void {
    this.addon.barrier(this.timeoutMs);
  }

  /** True once finalize() ran: no collective works after it. */
  get finalized(): boolean {
    return this.addon.status().finalized;
  }

  /** Ends MPI in this process; every rank must call it (the exit handler does it for a clean exit). */
  finalize(): void {
    if (this.addon.status().finalized) return;
    const unfinished = unfinishedWork();
    if (unfinished !== null) this.abort(`nabla distributed: rank ${this.rank}: ${unfinished}; aborting the job`);
    this.addon.finalize();
  }

  /** Prints `message` and ends every rank of the job with `code` (1..255). */
  abort(message: string, code = 1): never {
    return this.addon.abort(code, message);
  }
}

let current: ProcessGroup | null = null;

/**
 * Joins the job started by mpirun (MPI_Init_thread) and returns the process group. Call it once per process,
 * before the model is built; later calls return the same group (with timeoutMs updated when given).
 * Throws with the reason when the MPI addon is unavailable (see distributedInfo()).
 */
export function initDistributed(options: InitOptions = {}): ProcessGroup {
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`initDistributed: options must be an object, got ${describeValue(options)}`);
  }
  checkKnownKeys('initDistributed', options, ['timeoutMs', 'abortOnError']);
  const timeoutMs = options.timeoutMs === undefined ? defaultTimeout() : checkTimeout(options.timeoutMs, 'initDistributed');
  if (options.abortOnError !== undefined && typeof options.abortOnError !== 'boolean') {
    throw new ValueError(`initDistributed: abortOnError must be true or false, got ${String(options.abortOnError)}`);
  }
  if (current !== null) {
    if (current.finalized) {
      throw new Error('initDistributed: MPI was finalized in this process (ProcessGroup.finalize, or the end of the ' +
        'program); it cannot start again: call initDistributed once per process and finalize at the very end');
    }
    if (options.timeoutMs !== undefined) current.timeoutMs = timeoutMs;
    return current;
  }
  const load = addonLoad();
  if (!load.ok) throw new Error(`initDistributed: the MPI addon is unavailable: ${load.reason}`);
  const { rank, size, threadLevel, allreducePath } = load.addon.init();
  const launcher = launcherDisagrees(size);
  if (launcher !== null) {
    throw new Error(`initDistributed: ${launcher.variable}=${launcher.size} says the launcher started ${launcher.size} ` +
      `processes, but MPI sees a job of ${size}: mpirun belongs to another MPI library than the one the addon was ` +
      `built with (${libraryOf(load.addon)}); start the job with that library's mpirun, or rebuild the addon with ` +
      "the launcher's MPI first on PATH (`npm rebuild @nabla/distributed`)");
  }
  if (options.abortOnError ?? true) installAbortHandlers(load.addon, rank);
  current = new ProcessGroup(load.addon, rank, size, threadLevel, timeoutMs, allreducePath);
  return current;
}

/** The group made by initDistributed; throws when it was not called. */
export function getProcessGroup(): ProcessGroup {
  if (current === null) throw new Error('@nabla/distributed: call initDistributed() first');
  return current;
}

export interface DistributedInfo {
  /** True when the MPI addon loads (MPI itself starts only with initDistributed). */
  available: boolean;
  /** Why it is unavailable. */
  reason?: string;
  /** The addon's file. */
  path?: string;
  /** The MPI library's own version line, e.g. "Open MPI v4.1.4, ...". */
  library?: string;
}

function libraryOf(addon: MpiAddon): string | undefined {
  try {
    return addon.libraryVersion().split('\n', 1)[0]!.trim();
  } catch {
    return undefined;
  }
}

/** Whether data-parallel training can run here, and why not. Never throws; does not start MPI. */
export function distributedInfo(): DistributedInfo {
  const load = addonLoad();
  if (!load.ok) return { available: false, reason: load.reason };
  const library = libraryOf(load.addon);
  return { available: true, path: load.path, ...(library ? { library } : {}) };
}

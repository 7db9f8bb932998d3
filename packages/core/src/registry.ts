// The backend registry: backends register a factory with a priority; the highest-priority backend that
// is available serves unless the user picks one. The state lives on globalThis under a Symbol.for key, so
// two copies of @nabla/core loaded side by side (two bundles, two node_modules) share one registry.

import type { Backend, BackendInfo, Memory, NamedKernels, Storage } from './backend.js';
import { NablaError } from './errors.js';

/** Any backend, whatever its storage type (core passes storage through without looking inside). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBackend = Backend<any>;

interface Entry {
  name: string;
  factory: () => AnyBackend;
  priority: number;
  instance?: Backend<Storage>;
  failure?: string;
}

interface RegistryState {
  entries: Map<string, Entry>;
  current: Backend<Storage> | null;
  chosen: string | null;
  /** Thread count set by the user, applied to backends instantiated later too. */
  threads: number | null;
}

const KEY = Symbol.for('@nabla/core/registry');
const globalSlot = globalThis as unknown as Record<symbol, RegistryState | undefined>;
const state: RegistryState = (globalSlot[KEY] ??= { entries: new Map(), current: null, chosen: null, threads: null });

/**
 * Registers a backend. The factory runs on first use; if it throws, the backend is reported unavailable
 * with the thrown message as the reason, and the next one by priority serves.
 */
export function registerBackend(name: string, factory: () => AnyBackend, priority = 0): void {
  checkName('registerBackend', name);
  if (typeof factory !== 'function') throw new TypeError(`registerBackend('${name}'): the factory must be a function, got ${typeof factory}`);
  if (typeof priority !== 'number' || Number.isNaN(priority)) {
    throw new TypeError(`registerBackend('${name}'): the priority must be a number, got ${String(priority)}`);
  }
  const replaced = state.entries.get(name);
  state.entries.set(name, { name, factory, priority });
  // Re-pick on next use: by priority, or the user's choice when this name replaced the backend in use.
  if (state.chosen === null || (replaced?.instance !== undefined && replaced.instance === state.current)) state.current = null;
}

/** Registers a backend that cannot run here, so that `backendInfo(name)` can say why. */
export function registerUnavailableBackend(name: string, reason: string, priority = 0): void {
  checkName('registerUnavailableBackend', name);
  state.entries.set(name, {
    name, priority, failure: reason,
    factory: () => { throw new NablaError(reason); },
  });
}

function instantiate(entry: Entry): Backend<Storage> | null {
  if (entry.instance) return entry.instance;
  if (entry.failure !== undefined) return null;
  let instance: Backend<Storage>;
  try {
    instance = entry.factory();
  } catch (err) {
    entry.failure = err instanceof Error ? err.message : String(err);
    return null;
  }
  entry.instance = instance;
  // Outside the try above: a setting the backend refuses is the caller's error to see, not a reason to
  // report the backend unavailable and silently compute on the next one.
  if (state.threads !== null) instance.setNumThreads?.(state.threads);
  return instance;
}

function checkName(fn: string, name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new TypeError(`${fn}: the backend name must be a string such as 'js', got ${name === null ? 'null' : typeof name}`);
  }
}

/** Makes `name` the backend for every op from now on. Existing tensors stay valid: storage is shared. */
export function setBackend(name: string): Backend<Storage> {
  checkName('setBackend', name);
  const entry = state.entries.get(name);
  if (!entry) {
    throw new NablaError(
      `setBackend('${name}'): no such backend; registered: ${[...state.entries.keys()].join(', ') || 'none'} ` +
      `(import '@nabla/backend-js' or '@nabla/backend-native' to register one)`,
    );
  }
  const backend = instantiate(entry);
  if (!backend) throw new NablaError(`setBackend('${name}'): backend unavailable: ${entry.failure}`);
  state.current = backend;
  state.chosen = name;
  return backend;
}

/** True when some backend is registered (creating tensors then uses its memory; else host memory). */
export function hasBackend(): boolean {
  return state.current !== null || state.entries.size > 0;
}

/** The backend registered as `name`, instantiated if needed, without making it the one in use. */
export function getBackendByName(name: string): Backend<Storage> {
  checkName('getBackendByName', name);
  const entry = state.entries.get(name);
  if (!entry) {
    throw new NablaError(`no backend named '${name}'; registered: ${[...state.entries.keys()].join(', ') || 'none'}`);
  }
  const backend = instantiate(entry);
  if (!backend) throw new NablaError(`backend '${name}' is unavailable: ${entry.failure}`);
  return backend;
}

/**
 * A backend that computes in `memory`: the one in use when it does, else a registered one that does (by
 * priority). Reading a strided view and running a backward pass use it, so that tensors of a backend that is
 * no longer the one in use can still be read, and their graphs differentiated, where they live.
 */
export function backendForMemory(memory: Memory): Backend<Storage> {
  const current = getBackend();
  if (current.memory === memory) return current;
  const ranked = [...state.entries.values()].sort((a, b) => b.priority - a.priority);
  for (const entry of ranked) if (entry.instance?.memory === memory) return entry.instance;
  // Host tensors made before any host backend started (or a backend not used yet): start one.
  for (const entry of ranked) if (instantiate(entry)?.memory === memory) return entry.instance!;
  throw new NablaError(`no registered backend computes in this ${memory.name} memory (was its backend registered again?)`);
}

/**
 * Runs `fn` with `backend` in use, then puts back the one that was (the user's choice is not changed). For
 * core's own work on tensors that live in another backend's memory.
 */
export function withBackend<T>(backend: Backend<Storage>, fn: () => T): T {
  const previous = state.current;
  if (previous === backend) return fn();
  state.current = backend;
  try {
    return fn();
  } finally {
    state.current = previous;
  }
}

/** The backend in use: the one set by `setBackend`, else the available one with the highest priority. */
export function getBackend(): Backend<Storage> {
  if (state.current) return state.current;
  const chosen = state.chosen === null ? undefined : state.entries.get(state.chosen);
  if (chosen !== undefined) {
    const backend = instantiate(chosen);
    if (!backend) throw new NablaError(`the backend '${chosen.name}' chosen with setBackend was registered again and is unavailable: ${chosen.failure}`);
    state.current = backend;
    return backend;
  }
  const ranked = [...state.entries.values()].sort((a, b) => b.priority - a.priority);
  for (const entry of ranked) {
    const backend = instantiate(entry);
    if (backend) {
      state.current = backend;
      return backend;
    }
  }
  throw new NablaError(
    ranked.length === 0
      ? "no backend registered: import '@nabla/backend-js' (or '@nabla/backend-native') once in your program"
      : `no backend available: ${ranked.map((e) => `${e.name}: ${e.failure}`).join('; ')}`,
  );
}

/** Every registered backend with whether it can run and why not. */
export function listBackends(): BackendInfo[] {
  return [...state.entries.values()]
    .sort((a, b) => b.priority - a.priority)
    .map((entry) => backendInfo(entry.name));
}

/** What is known about one backend (default: the one in use): available or not, why, and details. */
export function backendInfo(name?: string): BackendInfo {
  const entry = name === undefined ? state.entries.get(getBackend().name) : state.entries.get(name);
  if (!entry) return { name: name ?? '?', available: false, reason: 'not registered' };
  const backend = instantiate(entry);
  if (!backend) return { name: entry.name, available: false, reason: entry.failure };
  const info = backend.info?.() ?? { name: entry.name, available: true };
  return { ...info, name: entry.name, available: true };
}

/** The most worker threads a backend is asked for (the native addon's own limit). */
export const MAX_THREADS = 1024;

/** Sets the worker-thread count of backends that have threads (the native one); others ignore it. */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number') throw new TypeError(`setNumThreads: expected a number of threads, got ${typeof n}`);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new NablaError(`setNumThreads(${n}): expected an integer from 1 to ${MAX_THREADS}`);
  }
  for (const entry of state.entries.values()) entry.instance?.setNumThreads?.(n);
  state.threads = n;
}

export function getNumThreads(): number {
  return getBackend().getNumThreads?.() ?? 1;
}

/**
 * The kernel the backend in use registered under `name`, or undefined (the caller then runs its own
 * composition over the primitives). Packages look up their domain's kernels this way (see NamedKernels).
 */
export function kernel<K extends keyof NamedKernels>(name: K): NamedKernels<Storage>[K] | undefined;
export function kernel(name: string): unknown;
export function kernel(name: string): unknown {
  const kernels = getBackend().kernels;
  return kernels === undefined ? undefined : kernels[name];
}

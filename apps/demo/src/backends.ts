// The backends, registered on import. The native one registers as unavailable (with the reason) when its
// addon did not build here; the demo then says so and runs on what is available. The wasm one runs when
// asked for (`--backends native,wasm,js`).

import '@nabla/backend-js';
import '@nabla/backend-native';
import '@nabla/backend-wasm';
import { backendInfo, listBackends, setBackend } from '@nabla/core';

export const ALL_BACKENDS = ['native', 'js'] as const;

export interface BackendChoice {
  /** The backends that will run, in the order asked. */
  run: string[];
  /** Asked-for backends that cannot run here, with why. */
  skipped: { name: string; reason: string }[];
}

/** Splits a comma-separated list into backends that can run and those that cannot, with a clear error for unknown names. */
export function chooseBackends(list: string): BackendChoice {
  const known = listBackends().map((b) => b.name);
  const names = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new Error(`--backends: expected a comma-separated list of ${known.join(', ')}`);
  const choice: BackendChoice = { run: [], skipped: [] };
  for (const name of names) {
    if (!known.includes(name)) throw new Error(`--backends: unknown backend '${name}'; known: ${known.join(', ')}`);
    const info = backendInfo(name);
    if (info.available) choice.run.push(name);
    else choice.skipped.push({ name, reason: info.reason ?? 'unavailable' });
  }
  return choice;
}

/** Switches to a backend and returns a one-line description of it (ISA, threads...). */
export function useBackend(name: string): string {
  setBackend(name);
  const info = backendInfo(name);
  // The addon's file path is noise in a one-line description.
  const details = Object.entries(info.details ?? {}).filter(([k]) => k !== 'path').map(([k, v]) => `${k} ${v}`).join(', ');
  return details ? `${name} (${details})` : name;
}

// What turns a failure on one rank into the end of the whole job, instead of the other ranks waiting forever
// in their next collective: an uncaught exception or unhandled rejection prints the error with its rank and
// calls MPI_Abort (mpirun then stops every rank and exits non-zero), and a process that exits with a
// non-zero code without finalizing does the same. A rank killed outright (SIGKILL, OOM) is seen by mpirun,
// which ends the job; a rank that hangs is caught by the collective deadline of the others (see group.ts).

import type { MpiAddon } from './addon.js';

let installed = false;

/**
 * Checks run at a clean exit, before MPI is finalized: each returns why the job must not end well (work it
 * left half done, such as a DistributedDataParallel step whose gradients were never averaged), or null.
 */
const exitChecks = new Set<() => string | null>();

export function addExitCheck(check: () => string | null): { remove(): void } {
  exitChecks.add(check);
  return { remove: () => void exitChecks.delete(check) };
}

/** The first reason an exit check gives, or null: finalize and a clean exit must not go on past it. */
export function unfinishedWork(): string | null {
  for (const check of exitChecks) {
    const why = check();
    if (why !== null) return why;
  }
  return null;
}

function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}

export function installAbortHandlers(addon: MpiAddon, rank: number): void {
  if (installed) return;
  installed = true;
  const abort = (kind: string) => (err: unknown): never =>
    addon.abort(1, `nabla distributed: rank ${rank}: ${kind}, aborting the job:\n${describeError(err)}`);
  process.on('uncaughtException', abort('uncaught exception'));
  process.on('unhandledRejection', abort('unhandled promise rejection'));
  process.on('exit', (code) => {
    const status = addon.status();
    if (!status.initialized || status.finalized) return;
    const unfinished = code === 0 ? unfinishedWork() : null;
    if (unfinished !== null) addon.abort(1, `nabla distributed: rank ${rank}: ${unfinished}; aborting the job`);
    if (code !== 0 || status.pending > 0) {
      addon.abort(Number.isInteger(code) && code >= 1 && code <= 255 ? code : 1,
        `nabla distributed: rank ${rank}: exiting with code ${code}` +
        (status.pending > 0 ? ` and ${status.pending} unfinished allreduce(s)` : '') + ' before finalize; aborting the job');
    }
    // A clean end of the program: finalize for the user (mpirun reports ranks that exit without it).
    addon.finalize();
  });
}

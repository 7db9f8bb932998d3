// Runs one measurement in a fresh process and reads its result: the last line it prints, as JSON.

import { spawn } from 'node:child_process';

export interface ChildResult {
  ok: boolean;
  value?: Record<string, unknown>;
  /** Why it failed: exit code or signal, and the end of its stderr. */
  error?: string;
}

const TEN_MINUTES = 600_000;

export function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    // A child that hangs (a deadlocked BLAS pool) must not hang the run.
    const timer = setTimeout(() => child.kill('SIGKILL'), TEN_MINUTES);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, error: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0) {
        try {
          resolve({ ok: true, value: JSON.parse(last) as Record<string, unknown> });
          return;
        } catch {
          // falls through to the failure below
        }
      }
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const tail = err.trim().split('\n').slice(-3).join(' / ');
      resolve({ ok: false, error: `${how}${tail ? `: ${tail}` : ''}` });
    });
  });
}

/** The environment of a child: this one's, with OpenBLAS and thread settings replaced. */
export function childEnv(settings: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(settings)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Identical processes run at once, as one result: their samples/s summed (each process times its own steps;
 * they start together and run the same steps, so their timed phases overlap all but their ends), each
 * process's result under `processes`. Fails if any of them failed.
 */
export function combineConcurrent(results: readonly ChildResult[]): ChildResult {
  const failed = results.find((r) => !r.ok);
  if (failed) return { ok: false, error: `one of ${results.length} processes run at once failed: ${failed.error ?? 'no result'}` };
  const values = results.map((r) => r.value!);
  const total = values.reduce((sum, v) => sum + Number(v.samplesPerSecond), 0);
  if (!Number.isFinite(total)) return { ok: false, error: 'a process run at once reported no samples/s' };
  return { ok: true, value: { samplesPerSecond: total, steps: values[0]!.steps, processes: values } };
}

// Runs one task of the demo in a child process of its own, so each backend's run has its own peak memory
// (RSS) and nothing warmed up by one backend helps the other. The child is this same CLI started with the
// hidden `worker` command; the task's input and result travel over Node's IPC channel as JSON.
//
// From built JavaScript the child runs dist/cli.js with node. From the TypeScript sources (tests, tsx) it
// runs src/cli.ts through tsx's loader with the "@nabla/source" condition, like vitest does.

import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const fromSource = import.meta.url.endsWith('.ts');

function cliPath(): string {
  return fileURLToPath(new URL(fromSource ? './cli.ts' : './cli.js', import.meta.url));
}

function execArgv(): string[] {
  if (!fromSource) return [];
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return ['--import', pathToFileURL(join(tsxDir, 'dist', 'loader.mjs')).href, '--conditions=@nabla/source'];
}

interface WorkerReply {
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Runs `task` with `input` in a fresh process and resolves with its result (or rejects with its error). */
export function runInChild<T>(task: string, input: unknown, env: Record<string, string> = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(cliPath(), ['worker', task], {
      execArgv: execArgv(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let reply: WorkerReply | null = null;
    child.on('message', (message) => {
      reply = message as WorkerReply;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.ok) resolve(reply.result as T);
      else if (reply) reject(new Error(`${task} worker failed: ${reply.error}`));
      else reject(new Error(`${task} worker exited with ${signal ?? `code ${code}`} before replying`));
    });
    child.send(input as object);
  });
}

export type WorkerTask = (input: never) => Promise<unknown>;

/** The child's side: waits for the input, runs the task, sends the result and lets the process end. */
export function serveWorker(task: string, tasks: Record<string, WorkerTask>): Promise<void> {
  const run = tasks[task];
  if (!run) throw new Error(`worker: unknown task '${task}'; known: ${Object.keys(tasks).join(', ')}`);
  if (!process.send) throw new Error('worker: must be started by the demo itself (no IPC channel)');
  return new Promise<void>((done) => {
    process.once('message', (input) => {
      run(input as never)
        .then((result) => ({ ok: true, result }), (err: unknown) => ({
          ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }))
        .then((reply: WorkerReply) => {
          process.send!(reply, () => {
            process.disconnect();
            done();
          });
        });
    });
  });
}

/** Peak resident memory of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

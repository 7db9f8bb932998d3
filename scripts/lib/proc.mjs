// Running commands for the release scripts: every command is echoed, timed, and on failure reported with
// its exit code and the last lines of its output, so a failing CI log says what broke without a rerun.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export class CommandError extends Error {}

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Runs `cmd args` and resolves to { code, stdout, stderr, output, seconds }. Rejects with a CommandError
 * when the exit code is not 0, unless `allowFailure` is set. `echo: true` streams the output live
 * (for long steps such as the build and the tests); otherwise it is only captured.
 */
export function run(cmd, args, { cwd, env, allowFailure = false, echo = false, quiet = false } = {}) {
  const shown = `${cmd} ${args.join(' ')}`;
  if (!quiet) console.log(`  $ ${shown}${cwd ? `   (in ${cwd})` : ''}`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      output += chunk;
      if (echo) process.stderr.write(chunk);
    });
    child.on('error', (err) => {
      reject(new CommandError(`could not start \`${shown}\`: ${err.message}` +
        (err.code === 'ENOENT' ? ` (is ${cmd} on the PATH?)` : '')));
    });
    child.on('close', (code, signal) => {
      const result = { code, stdout, stderr, output, seconds: (Date.now() - started) / 1000 };
      if (!quiet && result.seconds >= 2) console.log(`    (${result.seconds.toFixed(1)} s)`);
      if (code === 0 || allowFailure) {
        resolve(result);
        return;
      }
      reject(new CommandError(`\`${shown}\` failed (${signal ? `signal ${signal}` : `exit ${code}`})` +
        `${cwd ? ` in ${cwd}` : ''}; last lines of its output:\n${tail(output, 25)}`));
    });
  });
}

/** Times an async step and prints its duration; returns what the step returned. */
export async function step(title, fn, timings) {
  console.log(`\n== ${title}`);
  const started = Date.now();
  try {
    return await fn();
  } finally {
    const seconds = (Date.now() - started) / 1000;
    timings?.push({ title, seconds });
    console.log(`   (${title}: ${seconds.toFixed(1)} s)`);
  }
}

/** The folder on the PATH that holds `command`, or null. */
export function onPath(command) {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder && existsSync(join(folder, command))) return join(folder, command);
  }
  return null;
}

/**
 * Runs pnpm: the one on the PATH (pnpm puts itself there for the scripts it runs, and .ci/run's
 * `npx pnpm@…` does too), else `npx --yes pnpm@<the root packageManager pin>`.
 */
export function runPnpm(args, options) {
  if (onPath('pnpm')) return run('pnpm', args, options);
  const pin = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).packageManager;
  return run('npx', ['--yes', pin, ...args], options);
}

// Fresh consumer projects in temporary folders outside the monorepo, the way a user starts one:
// an empty folder, `npm init -y`, `npm install <packages>`, a script that uses them.
import {
  copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { onPath, run, runPnpm } from './proc.mjs';
import { root } from './workspace.mjs';

/**
 * The environment a user's shell would have: ours without what pnpm sets for the script that runs us
 * (npm_config_*, npm_package_*, PNPM_*, the monorepo's node_modules/.bin on the PATH), without
 * NODE_PATH/NODE_OPTIONS, and without nabla's own switches (NABLA_NATIVE_DISABLE and friends), so the
 * result does not depend on how this test was started.
 */
export function userEnv(overrides = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|PNPM_|pnpm_|NABLA_)/i.test(key) || key === 'NODE_PATH' || key === 'NODE_OPTIONS' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  env.PATH = (env.PATH ?? '').split(delimiter)
    .filter((folder) => !folder.startsWith(root) && !folder.includes('node-gyp-bin'))
    .join(delimiter);
  return { ...env, ...overrides };
}

/** The real file behind a command on the PATH (npm is usually a symlink to npm-cli.js), or null. */
function tryFindOnPath(command) {
  const found = onPath(command);
  return found ? realpathSync(found) : null;
}

function findOnPath(command) {
  const found = tryFindOnPath(command);
  if (!found) throw new Error(`${command} is not on the PATH`);
  return found;
}

/**
 * A folder to use as the whole PATH: node, npm, npx and sh (npm runs install scripts through `sh`), plus
 * the `extra` commands that exist here (e.g. cmake, make, ninja), and nothing else: no g++, c++, cc.
 */
export function binWithoutCompilers(dir, extra = []) {
  const bin = join(dir, 'bin-without-compilers');
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, join(bin, 'node'));
  for (const command of ['npm', 'npx', 'sh']) symlinkSync(findOnPath(command), join(bin, command));
  for (const command of extra) {
    const found = tryFindOnPath(command);
    if (found) symlinkSync(found, join(bin, command));
  }
  return bin;
}

export class Project {
  /** A new empty folder named after `label` under the system temp folder. */
  constructor(label) {
    this.label = label;
    this.dir = mkdtempSync(join(tmpdir(), `nabla-install-${label}-`));
  }

  path(...parts) {
    return join(this.dir, ...parts);
  }

  write(name, text) {
    writeFileSync(this.path(name), text);
  }

  readJson(name) {
    return JSON.parse(readFileSync(this.path(name), 'utf8'));
  }

  writeJson(name, value) {
    this.write(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  copyIn(source, name) {
    copyFileSync(source, this.path(name));
  }

  /** npm with the flags a CI log wants: install scripts in the foreground (their lines are checked). */
  npm(args, { env } = {}) {
    return run('npm', [...args, '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: this.dir, env: env ?? userEnv() });
  }

  pnpm(args, { env, allowFailure } = {}) {
    return runPnpm(args, { cwd: this.dir, env: env ?? userEnv(), allowFailure });
  }

  node(args, { env, quiet } = {}) {
    return run(process.execPath, args, { cwd: this.dir, env: env ?? userEnv(), quiet });
  }

  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

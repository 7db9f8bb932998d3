// Reading package tarballs (.tgz with a `package/` folder, as npm and pnpm write them) and checking that
// each holds what a consumer needs and nothing else.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { run } from './proc.mjs';

/** The paths inside the tarball, without the leading `package/`. */
export async function listTarball(tgz) {
  const { stdout } = await run('tar', ['-tzf', tgz], { quiet: true });
  return stdout.split('\n').filter((line) => line && !line.endsWith('/')).map((line) => line.replace(/^package\//, ''));
}

/** The text of one file inside the tarball. */
export async function readFromTarball(tgz, path) {
  const { stdout } = await run('tar', ['-xzOf', tgz, `package/${path}`], { quiet: true });
  return stdout;
}

/**
 * Writes a copy of `tgz` without the paths under `dropPrefix` (the native package without its prebuilt
 * binary, to test the build-from-source and fallback paths). Returns the new tarball's path.
 */
export async function tarballWithout(tgz, dropPrefix, outPath) {
  const scratch = mkdtempSync(join(tmpdir(), 'nabla-repack-'));
  try {
    await run('tar', ['-xzf', tgz, '-C', scratch], { quiet: true });
    rmSync(join(scratch, 'package', dropPrefix), { recursive: true, force: true });
    await run('tar', ['-czf', outPath, '-C', scratch, 'package'], { quiet: true });
    return outPath;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// What never belongs in a published package: sources, tests, benchmarks, build state, maps, configs.
const JUNK = [
  [/^src\//, 'TypeScript sources (src/)'],
  [/(^|\/)(test|tests|__tests__)\//, 'tests'],
  [/\.(test|spec)\.[cm]?[jt]s$/, 'a test file'],
  [/^bench(-output)?\//, 'benchmarks'],
  [/\.tsbuildinfo$/, 'TypeScript build info'],
  [/\.map$/, 'a source map'],
  [/(^|\/)tsconfig[^/]*\.json$/, 'a tsconfig'],
  [/(^|\/)(vitest|eslint)\.config\./, 'a tool config'],
  [/(^|\/)node_modules\//, 'node_modules'],
  [/^build\//, 'a local build folder (build/)'],
  [/(^|\/)\.turbo\//, 'turbo state'],
  [/\.tgz$/, 'a tarball'],
  [/(^|\/)coverage\//, 'coverage output'],
  [/\.(o|obj|a|lib)$/, 'object files'],
  [/(^|\/)CMakeCache\.txt$/, 'CMake cache'],
  [/(?<!\.d)\.[cm]?ts$/, 'a TypeScript source file (not a .d.ts)'],
];

/** Every file path an exports map (or main/types/bin) points at, skipping the workspace-only condition. */
function entryTargets(manifest) {
  const targets = [];
  const walk = (node, condition) => {
    if (typeof node === 'string') {
      targets.push({ condition, path: node });
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) walk(value, key.startsWith('.') ? condition : key);
    }
  };
  walk(manifest.exports, 'default');
  if (manifest.main) targets.push({ condition: 'main', path: manifest.main });
  if (manifest.types) targets.push({ condition: 'types', path: manifest.types });
  if (typeof manifest.bin === 'string') targets.push({ condition: 'bin', path: manifest.bin });
  for (const path of Object.values(manifest.bin && typeof manifest.bin === 'object' ? manifest.bin : {})) {
    targets.push({ condition: 'bin', path });
  }
  return targets.map(({ condition, path }) => ({ condition, path: path.replace(/^\.\//, '') }));
}

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/**
 * What the README on the package's npm page must show: how to install it, and an example; and every
 * relative link must lead to a file in the tarball (npm resolves it against the package's files).
 */
function readmeProblems(readme, name, has) {
  const problems = [];
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^([a-z]+:|#)/i.test(target)) continue;
    const path = target.replace(/#.*$/, '').replace(/^\.\//, '');
    if (!has.has(path)) problems.push(`README.md links to ${target}, which is not in the tarball (link absolutely or to a shipped file)`);
  }
  const install = new RegExp(`^\\s*(npm (install|i)|pnpm add|yarn add) [^\\n]*${name.replace('/', '\\/')}(\\s|$)`, 'm');
  if (!install.test(readme)) problems.push(`README.md shows no install command for ${name} (e.g. \`npm install ${name}\`)`);
  if (!/^```(ts|typescript|js|javascript)\s*$/m.test(readme)) problems.push('README.md has no ```ts or ```js example');
  return problems;
}

/**
 * Problems with one packed package, as sentences (empty when it is fine).
 * `versions`: name -> version of every public workspace package; `privateNames`: the private ones;
 * `readme`: the text of its README.md (null when there is none).
 */
export function tarballProblems({ files, manifest, readme, versions, privateNames, expectPrebuild }) {
  const problems = [];
  const has = new Set(files);
  for (const required of ['package.json', 'README.md', 'LICENSE']) {
    if (!has.has(required)) problems.push(`has no ${required}`);
  }
  if (readme !== null) problems.push(...readmeProblems(readme, manifest.name, has));
  for (const file of files) {
    const junk = JUNK.find(([pattern]) => pattern.test(file));
    if (junk) problems.push(`ships ${junk[1]}: ${file}`);
  }

  const targets = entryTargets(manifest);
  for (const { condition, path } of targets) {
    if (!has.has(path)) problems.push(`its "${condition}" entry point ${path} is not in the tarball`);
  }
  const typeTargets = targets.filter((t) => t.condition === 'types');
  if (typeTargets.length === 0) problems.push('declares no "types" (TypeScript users would get no types)');
  for (const { path } of typeTargets) {
    if (!path.endsWith('.d.ts')) problems.push(`its "types" entry ${path} is not a .d.ts file`);
  }
  if (manifest.type !== 'module') problems.push(`"type" is ${JSON.stringify(manifest.type)}, expected "module"`);
  if (!manifest.license) problems.push('has no "license" field');

  for (const field of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${field}.${dep} is still "${range}" (pnpm pack should have replaced it)`);
      }
      if (field !== 'devDependencies' && privateNames.has(dep)) {
        problems.push(`${field}.${dep}: ${dep} is private and never published, so installs would fail`);
      }
      if (field !== 'devDependencies' && versions.has(dep) && String(range).replace(/^[\^~]/, '') !== versions.get(dep)) {
        problems.push(`${field}.${dep} is "${range}" but the workspace has ${dep}@${versions.get(dep)}`);
      }
    }
  }

  if (manifest.name === '@nabla/backend-native') {
    const prebuilt = 'prebuilds/linux-x64/nabla.node';
    if (expectPrebuild && !has.has(prebuilt)) problems.push(`has no prebuilt binary ${prebuilt}`);
    if (!expectPrebuild && files.some((f) => f.startsWith('prebuilds/'))) problems.push('still has prebuilds/');
    for (const needed of ['scripts/install.mjs', 'CMakeLists.txt']) {
      if (!has.has(needed)) problems.push(`has no ${needed} (needed to build from source at install)`);
    }
    if (!files.some((f) => f.startsWith('cpp/'))) problems.push('has no cpp/ sources (needed to build from source)');
  }
  return problems;
}

export function sizeInKiB(path) {
  return statSync(path).size / 1024;
}

/** The newest GLIBC / GLIBCXX symbol versions a shared object needs (what "linux-x64 (glibc)" means). */
export async function glibcRequirements(tgz, path) {
  const scratch = mkdtempSync(join(tmpdir(), 'nabla-elf-'));
  try {
    await run('tar', ['-xzf', tgz, '-C', scratch, `package/${path}`], { quiet: true });
    const result = await run('objdump', ['-T', join(scratch, 'package', path)], { quiet: true, allowFailure: true });
    if (result.code !== 0) return 'unknown (objdump not available)';
    const newest = (prefix) => {
      const versions = [...result.stdout.matchAll(new RegExp(`${prefix}_([0-9.]+)`, 'g'))].map((m) => m[1]);
      const sorted = [...new Set(versions)].sort((a, b) => {
        const pa = a.split('.').map(Number);
        const pb = b.split('.').map(Number);
        for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
          if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
        }
        return 0;
      });
      return sorted.at(-1) ?? 'none';
    };
    return `GLIBC ${newest('GLIBC')}, GLIBCXX ${newest('GLIBCXX')}, CXXABI ${newest('CXXABI')}`;
  } catch (err) {
    return `unknown (${err.message.split('\n')[0]})`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

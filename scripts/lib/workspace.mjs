// The monorepo as the release scripts see it: where it is, and which packages get published.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** The folders that pnpm-workspace.yaml lists (packages/*, native, apps/*). */
function workspaceFolders() {
  const folders = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) folders.push(join(base, name));
  }
  folders.push(join(root, 'native'));
  return folders.filter((dir) => existsSync(join(dir, 'package.json')));
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every workspace package as { name, version, dir, manifest }. */
export function allPackages() {
  return workspaceFolders()
    .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }))
    .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir, manifest }));
}

/** The names of the private workspace packages (never published, so never a runtime dependency). */
export function privatePackageNames() {
  return allPackages().filter((p) => p.manifest.private === true).map((p) => p.name);
}

/**
 * Every package that is not private, dependencies first (so that a real publish never uploads a
 * package before the one it needs).
 */
export function publicPackages() {
  const packages = allPackages().filter((p) => p.manifest.private !== true);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const ordered = [];
  const visiting = new Set();
  const visit = (pkg) => {
    if (ordered.includes(pkg)) return;
    if (visiting.has(pkg.name)) throw new Error(`dependency cycle through ${pkg.name}`);
    visiting.add(pkg.name);
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) {
      const inner = byName.get(dep);
      if (inner) visit(inner);
    }
    ordered.push(pkg);
  };
  for (const pkg of packages) visit(pkg);
  return ordered;
}

/** The file name `pnpm pack` gives a package's tarball: @scope/name@1.2.3 -> scope-name-1.2.3.tgz. */
export function tarballName(name, version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

// Building and packing the public packages, shared by `pnpm test:install` and `pnpm release`.
//
// The native package's tarball carries a prebuilt linux-x64 binary: we build the addon, copy it into
// native/prebuilds/linux-x64/ (the package's own make-prebuild script), run `pnpm pack`, and then put
// native/prebuilds/ back as we found it, so that no binary lingers in the work tree where the loader
// would prefer it over a fresher build/Release/nabla.node.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { run, runPnpm } from './proc.mjs';
import { listTarball, readFromTarball, tarballProblems, tarballWithout, sizeInKiB, glibcRequirements } from './tarball.mjs';
import { privatePackageNames, publicPackages, readJson, root, tarballName } from './workspace.mjs';

const NATIVE = '@nabla/backend-native';
const PREBUILT = join('prebuilds', `${process.platform}-${process.arch}`, 'nabla.node');

const turboEnv = () => ({ ...process.env, TURBO_TELEMETRY_DISABLED: '1' });

/** tsc builds of every public package (and what they need), then the native addon. */
export async function buildAll() {
  const filters = publicPackages().map((p) => `--filter=${p.name}`);
  await run(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'build', ...filters, '--output-logs=errors-only'],
    { cwd: root, env: turboEnv(), echo: true });
  const native = publicPackages().find((p) => p.name === NATIVE);
  if (native) await runPnpm(['run', 'build:native'], { cwd: native.dir });
}

/** Runs every package's test task (the same as the root `pnpm test`). */
export async function testAll() {
  await run(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'test', '--output-logs=errors-only'],
    { cwd: root, env: turboEnv(), echo: true });
}

/** Puts the freshly built addon into native/prebuilds/ for the duration of `fn`, then restores the folder. */
async function withPrebuilt(nativeDir, fn) {
  const target = join(nativeDir, PREBUILT);
  const before = existsSync(target) ? readFileSync(target) : null;
  const hadFolder = existsSync(join(nativeDir, 'prebuilds'));
  try {
    const manifest = readJson(join(nativeDir, 'package.json'));
    if (manifest.scripts?.['make-prebuild']) {
      await runPnpm(['run', 'make-prebuild'], { cwd: nativeDir });
    } else {
      const built = join(nativeDir, 'build', 'Release', 'nabla.node');
      if (!existsSync(built)) throw new Error(`${built} does not exist: the native build did not produce the addon`);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(built, target);
    }
    if (!existsSync(target)) throw new Error(`packing ${NATIVE}: ${target} was not created`);
    return await fn();
  } finally {
    if (before) writeFileSync(target, before);
    else if (!hadFolder) rmSync(join(nativeDir, 'prebuilds'), { recursive: true, force: true });
    else rmSync(target, { force: true });
  }
}

/**
 * Packs every public package into `dest` and checks each tarball. Also writes the native package
 * without its prebuilt binary to `dest/variants/`. Returns { tarballs: Map name -> path, nativeNoPrebuilt,
 * problems: string[] } and prints each tarball's file count and size.
 */
export async function packAll(dest) {
  mkdirSync(join(dest, 'variants'), { recursive: true });
  const packages = publicPackages();
  const versions = new Map(packages.map((p) => [p.name, p.version]));
  const privateNames = new Set(privatePackageNames());
  const tarballs = new Map();
  const problems = [];
  const report = [];

  for (const pkg of packages) {
    const tgz = join(dest, tarballName(pkg.name, pkg.version));
    rmSync(tgz, { force: true });
    const pack = () => runPnpm(['pack', '--pack-destination', dest], { cwd: pkg.dir });
    if (pkg.name === NATIVE) await withPrebuilt(pkg.dir, pack);
    else await pack();
    if (!existsSync(tgz)) throw new Error(`pnpm pack of ${pkg.name} did not write ${tgz}`);
    tarballs.set(pkg.name, tgz);

    const files = await listTarball(tgz);
    const manifest = JSON.parse(await readFromTarball(tgz, 'package.json'));
    const readme = files.includes('README.md') ? await readFromTarball(tgz, 'README.md') : null;
    const found = tarballProblems({ files, manifest, readme, versions, privateNames, expectPrebuild: true });
    problems.push(...found.map((p) => `${pkg.name}: ${p}`));
    const note = pkg.name === NATIVE && files.includes(PREBUILT.replaceAll('\\', '/'))
      ? `prebuilt needs ${await glibcRequirements(tgz, PREBUILT)}` : '';
    report.push({ name: pkg.name, files: files.length, kib: sizeInKiB(tgz), note });
  }

  let nativeNoPrebuilt = null;
  if (tarballs.has(NATIVE)) {
    const variant = join(dest, 'variants', tarballName(NATIVE, versions.get(NATIVE)).replace(/\.tgz$/, '-no-prebuilt.tgz'));
    nativeNoPrebuilt = await tarballWithout(tarballs.get(NATIVE), 'prebuilds', variant);
    const files = await listTarball(nativeNoPrebuilt);
    const manifest = JSON.parse(await readFromTarball(nativeNoPrebuilt, 'package.json'));
    const found = tarballProblems({ files, manifest, readme: null, versions, privateNames, expectPrebuild: false });
    problems.push(...found.map((p) => `${NATIVE} (variant without prebuilt): ${p}`));
  }

  printReport(report);
  for (const problem of problems) console.log(`  PROBLEM ${problem}`);
  return { tarballs, nativeNoPrebuilt, problems };
}

function printReport(report) {
  console.log('\n  package                      files   size');
  for (const { name, files, kib, note } of report) {
    console.log(`  ${name.padEnd(28)} ${String(files).padStart(5)} ${kib.toFixed(0).padStart(5)} KiB  ${note}`);
  }
}

// `pnpm release`: build, test, pack every public package (the native one with its prebuilt linux-x64
// binary), check the tarballs, then `npm publish` each tarball, dependencies first. A dry run unless
// --publish is given, so CI can run the whole flow (see RELEASING.md).
//
//   node scripts/release.mjs [--dry-run] [--skip-tests] [--out=DIR]      dry run (the default)
//   node scripts/release.mjs --publish [--tag=next] [--out=DIR]           really publish (needs npm login)
//
// Versions and changelogs come first, from changesets (`pnpm changeset version`, see RELEASING.md); the
// dry run prints what that would do, and a real publish refuses while changesets are still pending.
// We publish the tarballs rather than `pnpm publish -r` so that what is uploaded is exactly what
// `pnpm test:install` installs and checks, prebuilt binary included.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { buildAll, packAll, testAll } from './lib/pack.mjs';
import { run, step } from './lib/proc.mjs';
import { publicPackages, root } from './lib/workspace.mjs';
import { previewVersions, printPreview } from './version-preview.mjs';

const { values: options } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    publish: { type: 'boolean', default: false },
    'skip-tests': { type: 'boolean', default: false },
    tag: { type: 'string', default: 'latest' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log('usage: node scripts/release.mjs [--dry-run | --publish [--tag=TAG]] [--skip-tests] [--out=DIR]');
  process.exit(0);
}
if (options.publish && options['dry-run']) {
  console.error('release: --publish and --dry-run contradict each other; pick one');
  process.exit(2);
}
const dryRun = !options.publish;
const out = resolve(options.out ?? join(root, '.release'));

/** Whether name@version is already on the registry (a real publish skips those). */
async function published(name, version) {
  const view = await run('npm', ['view', `${name}@${version}`, 'version'], { allowFailure: true, quiet: true });
  return view.code === 0 && view.stdout.trim() === version;
}

async function publishAll(tarballs) {
  const lines = [];
  for (const pkg of publicPackages()) {
    const tgz = tarballs.get(pkg.name);
    if (!dryRun && await published(pkg.name, pkg.version)) {
      lines.push(`${pkg.name}@${pkg.version}: already on the registry, skipped`);
      continue;
    }
    const args = ['publish', tgz, '--access', 'public', '--tag', options.tag, ...(dryRun ? ['--dry-run'] : [])];
    const result = await run('npm', args, { cwd: root });
    const reported = /^\+ (\S+)$/m.exec(result.stdout)?.[1];
    if (reported !== `${pkg.name}@${pkg.version}`) {
      throw new Error(`npm publish of ${tgz} did not report "+ ${pkg.name}@${pkg.version}":\n${result.output}`);
    }
    lines.push(`${reported}: ${dryRun ? 'would be published (dry run)' : 'published'} with tag ${options.tag}`);
  }
  return lines;
}

const started = Date.now();
try {
  await step('pending changesets (what `changeset version` would do; run in a scratch copy)', async () => {
    const rows = await previewVersions();
    printPreview(rows);
    const pending = rows.filter((r) => r.from !== r.to).map((r) => `${r.name} ${r.from} -> ${r.to}`);
    if (!dryRun && pending.length > 0) {
      throw new Error(`changesets are pending (${pending.join(', ')}): run \`pnpm changeset version\`, review and commit, then publish`);
    }
  });
  await step('build', buildAll);
  if (!options['skip-tests']) await step('test', testAll);
  const packed = await step(`pack into ${out}`, () => packAll(out));
  if (packed.problems.length > 0) {
    throw new Error(`the tarballs have ${packed.problems.length} problem(s); nothing was published:\n  ${packed.problems.join('\n  ')}`);
  }
  const lines = await step(dryRun ? 'npm publish --dry-run' : 'npm publish', () => publishAll(packed.tarballs));
  console.log(`\n== release ${dryRun ? '(dry run) ' : ''}done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of lines) console.log(`  ${line}`);
} catch (err) {
  console.error(`\nrelease failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

// What `pnpm changeset version` would do, without doing it here: copies the work tree (sources only) to a
// temporary folder, runs `changeset version` there, and prints each package's version change and the new
// top of its CHANGELOG.md. The work tree is never touched.
//
//   node scripts/version-preview.mjs [--keep]      (--keep leaves the scratch copy for a closer look)
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';

import { run } from './lib/proc.mjs';
import { allPackages, root } from './lib/workspace.mjs';

const SKIPPED = new Set(['node_modules', 'dist', 'build', '.turbo', '.git', '.release', 'demo-output', 'bench-output', 'coverage']);

/** Copies the work tree without build output and dependencies (changesets reads only manifests and .changeset/). */
function scratchCopy() {
  const scratch = mkdtempSync(join(tmpdir(), 'nabla-version-preview-'));
  cpSync(root, scratch, {
    recursive: true,
    filter: (source) => !SKIPPED.has(basename(source)) && !source.endsWith('.tgz') && relative(root, source) !== join('docs', 'api'),
  });
  return scratch;
}

/** The first version section of a CHANGELOG.md (from the first "## " heading to the next). */
function newestSection(path) {
  if (!existsSync(path)) return '(no CHANGELOG.md)';
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('## '));
  if (start < 0) return '(no version section)';
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n').trim();
}

/** Runs `changeset version` in a scratch copy; returns [{ name, private, from, to, changelog }]. */
export async function previewVersions({ keep = false } = {}) {
  const before = allPackages();
  const scratch = scratchCopy();
  try {
    await run(join(root, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: scratch, quiet: true });
    return before.map((pkg) => {
      const dir = join(scratch, relative(root, pkg.dir));
      const after = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return {
        name: pkg.name,
        private: pkg.manifest.private === true,
        from: pkg.version,
        to: after.version,
        changelog: after.version === pkg.version ? '' : newestSection(join(dir, 'CHANGELOG.md')),
        // No CHANGELOG.md yet: changesets never released it, so `from` was never published by this flow.
        firstRelease: !existsSync(join(pkg.dir, 'CHANGELOG.md')),
      };
    });
  } finally {
    if (keep) console.log(`  scratch copy kept in ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

/** Prints the preview; throws if a private package would be versioned (it is never published). */
export function printPreview(rows) {
  const bumped = rows.filter((r) => r.from !== r.to);
  if (bumped.length === 0) {
    console.log('  no pending changesets: `changeset version` would change nothing');
    return;
  }
  for (const row of rows) {
    console.log(`  ${row.name.padEnd(24)} ${row.from} -> ${row.to}${row.from === row.to ? ' (unchanged)' : ''}${row.private ? ' (private)' : ''}`);
  }
  for (const row of bumped) console.log(`\n  --- ${row.name} CHANGELOG.md, new section:\n    ${row.changelog.split('\n').join('\n    ')}`);
  const skipped = bumped.filter((r) => r.firstRelease && !r.private && r.from !== '0.0.0');
  if (skipped.length > 0) {
    console.log(`\n  NOTE: ${skipped.map((r) => r.name).join(', ')} have no CHANGELOG.md yet (never released), so their ` +
      `first published version would be ${[...new Set(skipped.map((r) => r.to))].join('/')}, skipping ` +
      `${[...new Set(skipped.map((r) => r.from))].join('/')}; set their versions to 0.0.0 first if that is not wanted (RELEASING.md)`);
  }
  const privateBumped = bumped.filter((r) => r.private);
  if (privateBumped.length > 0) {
    throw new Error(`changesets would version private packages: ${privateBumped.map((r) => r.name).join(', ')} ` +
      '(list them under "ignore" in .changeset/config.json)');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
  try {
    printPreview(await previewVersions({ keep: values.keep }));
  } catch (err) {
    console.error(`version preview failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

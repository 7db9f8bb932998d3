/* global process, console -- a plain Node script (the root ESLint config has no Node globals for .mjs) */
// Copies the locally built addon into prebuilds/<platform>-<arch>/, where the loader looks first and the
// install script stops (no compiler needed). Run by hand: `pnpm --filter @nabla/backend-native make-prebuild` (not named
// `prebuild`: pnpm would run that before every `build` and freeze a stale binary into prebuilds/).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(root, 'build', 'Release', 'nabla.node');
const target = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'nabla.node');

if (!existsSync(built)) {
  console.error(`prebuild: ${built} does not exist; run \`pnpm --filter @nabla/backend-native build:native\` first`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(built, target);
console.log(`prebuild: copied ${built} -> ${target}`);

// The fresh-project scenarios of `pnpm test:install`. Each takes the packed tarballs, does what a user
// would do in an empty folder, checks the outcome and returns one line saying what it saw; it throws with
// a clear message when something is wrong. The project folder is kept for inspection on failure.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CORE_EXAMPLE, EXAMPLE, expectTrained, parseTraining, readExample, withNativeImport } from './example.mjs';
import { binWithoutCompilers, Project, userEnv } from './project.mjs';
import { root } from './workspace.mjs';

export const TRAINING_SET = ['@nabla/core', '@nabla/backend-js', '@nabla/layers', '@nabla/losses', '@nabla/optimizers'];
const NATIVE = '@nabla/backend-native';

function tarballsOf(ctx, names) {
  return names.map((name) => {
    const tgz = ctx.tarballs.get(name);
    if (!tgz) throw new Error(`${name} was not packed`);
    return tgz;
  });
}

/** Only our tarballs may provide @nabla/* packages: none may come from the registry. */
function expectLocalNabla(project, expected) {
  const lock = project.readJson('package-lock.json');
  const installed = Object.entries(lock.packages ?? {})
    .filter(([path]) => /(^|\/)node_modules\/@nabla\//.test(path))
    .map(([path, entry]) => ({ name: path.replace(/^.*node_modules\//, ''), resolved: entry.resolved ?? '' }));
  const fromElsewhere = installed.filter((p) => !p.resolved.startsWith('file:'));
  if (fromElsewhere.length > 0) {
    throw new Error(`@nabla packages resolved from outside our tarballs: ${fromElsewhere.map((p) => `${p.name} (${p.resolved})`).join(', ')}`);
  }
  const names = [...new Set(installed.map((p) => p.name))].sort();
  if (names.join() !== [...expected].sort().join()) {
    throw new Error(`installed @nabla packages are ${names.join(', ')}; expected exactly ${[...expected].sort().join(', ')}`);
  }
}

function installLine(output) {
  return /^@nabla\/backend-native: .*$/m.exec(output)?.[0] ?? '(the install script printed nothing)';
}

/** (a) npm, js only: core + backend-js + layers + losses + optimizers, the ten-line script trains on 'js'. */
export async function npmJs(ctx) {
  const project = ctx.track(new Project('npm'));
  await project.npm(['init', '-y']);
  await project.npm(['install', ...tarballsOf(ctx, TRAINING_SET)]);
  expectLocalNabla(project, TRAINING_SET);
  project.copyIn(EXAMPLE, 'train.mjs');
  const result = parseTraining((await project.node(['train.mjs'])).stdout);
  if (result.native.available !== false || result.native.reason !== 'not registered') {
    throw new Error(`without @nabla/backend-native, backendInfo('native') should be "not registered": ${JSON.stringify(result.native)}`);
  }
  ctx.npmProject = { project, result };
  return expectTrained(result, 'js');
}

/** (b) the same project plus @nabla/backend-native: the script with its native import on runs on 'native'. */
export async function npmNative(ctx) {
  if (!ctx.npmProject) throw new Error('needs the project of (a), which failed');
  const { project, result: jsResult } = ctx.npmProject;
  ctx.use(project);
  const install = await project.npm(['install', ctx.tarballs.get(NATIVE)]);
  expectLocalNabla(project, [...TRAINING_SET, NATIVE]);
  project.write('train.mjs', withNativeImport(readExample(EXAMPLE)));
  const result = parseTraining((await project.node(['train.mjs'])).stdout);
  const summary = expectTrained(result, 'native');
  const path = String(result.native.details?.path ?? '');
  if (!path.includes(join('prebuilds', 'linux-x64'))) {
    throw new Error(`native should load the prebuilt binary from the tarball, but loaded ${path || '(no path reported)'}`);
  }
  if (Math.abs(result.first - jsResult.first) > 1e-3) {
    throw new Error(`native and js disagree on the first loss of the same seeded run: ${result.first} vs ${jsResult.first}`);
  }
  // One binary for every x86-64: the packed prebuilt must also train on its portable and AVX2 paths.
  const paths = [];
  for (const isa of ['portable', 'avx2']) {
    const forced = parseTraining((await project.node(['train.mjs'], { env: userEnv({ NABLA_NATIVE_ISA: isa }) })).stdout);
    expectTrained(forced, 'native');
    if (forced.native.details?.isa !== isa) throw new Error(`NABLA_NATIVE_ISA=${isa} ran the '${forced.native.details?.isa}' path`);
    paths.push(`${isa} ${forced.last.toFixed(4)}`);
  }
  return `${summary} (isa ${result.native.details?.isa}; forced: ${paths.join(', ')}); binary ${path.slice(path.indexOf('prebuilds'))}; ` +
    `install said "${installLine(install.output)}"`;
}

/** pnpm-workspace.yaml for a lone project: every @nabla package comes from its tarball, not the registry. */
function pnpmWorkspaceYaml(ctx) {
  const lines = ['# Stand-in for the registry: @nabla/* resolve to the packed tarballs, also as dependencies of each other.', 'overrides:'];
  for (const [name, tgz] of ctx.tarballs) lines.push(`  '${name}': 'file:${tgz}'`);
  return `${lines.join('\n')}\n`;
}

/**
 * (c) pnpm, fresh project: adding the packages reports the addon's install script as an ignored build
 * (pnpm 12 exits 1 for that); the prebuilt binary serves anyway; `pnpm approve-builds` runs the script.
 */
export async function pnpmProject(ctx) {
  const project = ctx.track(new Project('pnpm'));
  project.writeJson('package.json', { name: 'nabla-pnpm-user', version: '1.0.0', private: true, type: 'module' });
  project.write('pnpm-workspace.yaml', pnpmWorkspaceYaml(ctx));
  const add = await project.pnpm(['add', ...tarballsOf(ctx, [...TRAINING_SET, NATIVE])], { allowFailure: true });
  const ignored = add.code !== 0 && add.output.includes('ERR_PNPM_IGNORED_BUILDS') && add.output.includes(NATIVE);
  if (add.code !== 0 && !ignored) throw new Error(`pnpm add failed:\n${add.output.trim().split('\n').slice(-20).join('\n')}`);
  project.write('train.mjs', withNativeImport(readExample(EXAMPLE)));
  const before = parseTraining((await project.node(['train.mjs'])).stdout);
  expectTrained(before, 'native');

  await project.pnpm(['approve-builds', '--all']);
  const log = join(project.dir, 'node_modules', '@nabla', 'backend-native', 'build', 'install.log');
  if (!existsSync(log)) throw new Error(`after pnpm approve-builds the install script has not run (no ${log})`);
  const firstLine = readFileSync(log, 'utf8').split('\n', 1)[0];
  if (!firstLine.startsWith('using the prebuilt binary')) throw new Error(`the install script said "${firstLine}", expected the prebuilt binary`);
  const after = parseTraining((await project.node(['train.mjs'])).stdout);
  const summary = expectTrained(after, 'native');
  return `${summary}; pnpm add ${ignored ? 'exited 1 with ERR_PNPM_IGNORED_BUILDS for the addon (prebuilt served anyway)' : 'ran the install script'}; ` +
    `after approve-builds the script said "${firstLine.slice(0, 40)}..."`;
}

/**
 * (d) no compiler and no prebuilt: PATH holds only node/npm/npx/sh, the native tarball has no prebuilds/.
 * The install succeeds, the script runs on 'js', and backendInfo('native') says why. Then the same with
 * cmake (and make/ninja) on the PATH but still no C++ compiler: cmake-js fails, the install still succeeds.
 */
export async function noCompiler(ctx) {
  const project = ctx.track(new Project('no-compiler'));
  const env = userEnv({ PATH: binWithoutCompilers(project.dir) });
  await project.npm(['init', '-y'], { env });
  const install = await project.npm(['install', ...tarballsOf(ctx, TRAINING_SET), ctx.nativeNoPrebuilt], { env });
  const said = installLine(install.output);
  if (!/cmake|compiler/.test(said)) throw new Error(`the install script should say that cmake or a compiler is missing; it said: ${said}`);
  project.write('train.mjs', withNativeImport(readExample(EXAMPLE)));
  const result = parseTraining((await project.node(['train.mjs'], { env })).stdout);
  const summary = expectTrained(result, 'js');
  const reason = String(result.native.reason ?? '');
  if (result.native.available !== false || !/cmake|compiler/.test(reason)) {
    throw new Error(`backendInfo('native') should say why it is unavailable (cmake/compiler missing): ${JSON.stringify(result.native)}`);
  }

  const withCmake = ctx.track(new Project('cmake-no-compiler'));
  const cmakeEnv = userEnv({ PATH: binWithoutCompilers(withCmake.dir, ['cmake', 'make', 'ninja']) });
  await withCmake.npm(['init', '-y'], { env: cmakeEnv });
  const cmakeInstall = await withCmake.npm(['install', ...tarballsOf(ctx, ['@nabla/core', '@nabla/backend-js']), ctx.nativeNoPrebuilt], { env: cmakeEnv });
  if (!/compiler/i.test(cmakeInstall.output)) {
    throw new Error(`with cmake but no compiler, the install output should name the missing compiler:\n${cmakeInstall.output}`);
  }
  withCmake.write('train.mjs', withNativeImport(readExample(CORE_EXAMPLE)));
  const cmakeResult = parseTraining((await withCmake.node(['train.mjs'], { env: cmakeEnv })).stdout);
  expectTrained(cmakeResult, 'js');
  const cmakeReason = String(cmakeResult.native.reason ?? '');
  if (cmakeResult.native.available !== false || cmakeReason === '') {
    throw new Error(`with cmake but no compiler, backendInfo('native') should say why: ${JSON.stringify(cmakeResult.native)}`);
  }
  return `${summary}; install said "${said}"; backendInfo('native').reason: "${reason}"\n      ` +
    `with cmake but no compiler: install said "${installLine(cmakeInstall.output)}"; reason: "${cmakeReason.slice(0, 200)}"`;
}

/**
 * (e) compiler present but no prebuilt (a platform we ship no binary for): the install script builds the
 * addon from the sources in the tarball with cmake-js, offline, and the script runs on 'native'.
 */
export async function sourceBuild(ctx) {
  const project = ctx.track(new Project('source-build'));
  await project.npm(['init', '-y']);
  // The approval `npm install-scripts approve @nabla/backend-native` records (npm 11 warns without one and
  // says it will block unapproved scripts); for a tarball the key is its file: spec, for the registry name@version.
  const manifest = project.readJson('package.json');
  project.writeJson('package.json', { ...manifest, allowScripts: { [`file:${ctx.nativeNoPrebuilt}`]: true } });
  const install = await project.npm(['install', ...tarballsOf(ctx, ['@nabla/core', '@nabla/backend-js']), ctx.nativeNoPrebuilt]);
  if (install.output.includes('not yet covered by allowScripts')) {
    throw new Error(`npm still reports the addon's install script as unapproved despite allowScripts:\n${install.output}`);
  }
  const said = installLine(install.output);
  if (!said.includes('built the native addon')) throw new Error(`the install script did not build the addon; it said: ${said}`);
  project.write('train.mjs', withNativeImport(readExample(CORE_EXAMPLE)));
  const result = parseTraining((await project.node(['train.mjs'])).stdout);
  const summary = expectTrained(result, 'native');
  const path = String(result.native.details?.path ?? '');
  if (!path.includes(join('build', 'Release'))) throw new Error(`native should load build/Release/nabla.node, loaded ${path}`);
  return `${summary} (core-only example); install said "${said}"`;
}

/**
 * (g) core + backend-wasm with no compiler on PATH: nothing is built at install (the .wasm ships prebuilt),
 * 'wasm' is available at once and serves by priority; prints how long the install took.
 */
export async function wasmNoCompiler(ctx) {
  const project = ctx.track(new Project('wasm-no-compiler'));
  const env = userEnv({ PATH: binWithoutCompilers(project.dir) });
  await project.npm(['init', '-y'], { env });
  const names = ['@nabla/core', '@nabla/backend-wasm'];
  const t0 = performance.now();
  await project.npm(['install', ...tarballsOf(ctx, names)], { env });
  const installSeconds = (performance.now() - t0) / 1000;
  expectLocalNabla(project, names);
  project.write('wasm.mjs', [
    "import { backendInfo, getBackend, tensor } from '@nabla/core';",
    "import '@nabla/backend-wasm';",
    'const x = tensor([[1, 2], [3, 4]]);',
    'console.log(JSON.stringify({ info: backendInfo(\'wasm\'), serving: getBackend().name, device: x.device,',
    '  product: x.matmul(x).toArray() }));',
    '',
  ].join('\n'));
  const out = (await project.node(['wasm.mjs'], { env })).stdout.trim().split('\n').pop() ?? '';
  let result;
  try {
    result = JSON.parse(out);
  } catch {
    throw new Error(`wasm.mjs printed no JSON line: ${out}`);
  }
  if (result.info?.available !== true) throw new Error(`backendInfo('wasm') should report it available: ${JSON.stringify(result.info)}`);
  if (result.serving !== 'wasm' || result.device !== 'wasm') {
    throw new Error(`with core + backend-wasm only, 'wasm' should serve and hold the tensors: ${out}`);
  }
  if (JSON.stringify(result.product) !== JSON.stringify([[7, 10], [15, 22]])) throw new Error(`wrong matmul on wasm: ${out}`);
  return `install took ${installSeconds.toFixed(1)} s with no compiler on PATH; backendInfo('wasm'): available, ` +
    `${JSON.stringify(result.info.details ?? {})}; a matmul ran on 'wasm'`;
}

/**
 * (f) every public package in one project: each imports, and a TypeScript program using all of them
 * type-checks with moduleResolution node16 and bundler (strict, skipLibCheck off), then runs.
 */
export async function everyPackage(ctx) {
  const project = ctx.track(new Project('all'));
  await project.npm(['init', '-y']);
  await project.npm(['pkg', 'set', 'type=module']); // an ESM TypeScript project: nabla is ESM-only
  await project.npm(['install', ...ctx.tarballs.values(), '@types/node@^20.19.0']);
  project.copyIn(join(root, 'scripts', 'examples', 'import-all.mjs'), 'import-all.mjs');
  const imported = await project.node(['import-all.mjs']);
  const count = imported.stdout.trim().split('\n').length;
  if (count !== ctx.tarballs.size) throw new Error(`import-all imported ${count} packages, expected ${ctx.tarballs.size}:\n${imported.output}`);

  project.copyIn(join(root, 'scripts', 'examples', 'consumer.ts'), 'consumer.ts');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const base = { target: 'es2022', strict: true, skipLibCheck: false, types: ['node'] };
  const modes = {
    node16: { module: 'node16', moduleResolution: 'node16', outDir: 'out' },
    bundler: { module: 'esnext', moduleResolution: 'bundler', noEmit: true },
  };
  await Promise.all(Object.entries(modes).map(([mode, options]) => {
    project.writeJson(`tsconfig.${mode}.json`, { compilerOptions: { ...base, ...options }, files: ['consumer.ts'] });
    return project.node([tsc, '-p', `tsconfig.${mode}.json`]);
  }));
  const ran = await project.node([join('out', 'consumer.js')]);
  const fitLine = /^fit: .*$/m.exec(ran.stdout)?.[0];
  if (!fitLine) throw new Error(`the compiled consumer printed no "fit:" line:\n${ran.output}`);
  return `${count} packages import; consumer.ts type-checks with moduleResolution ${Object.keys(modes).join(' and ')} ` +
    `and runs: ${fitLine}`;
}

export const SCENARIOS = [
  { id: 'npm-js', title: '(a) npm: core, backend-js, layers, losses, optimizers; train on js', run: npmJs },
  { id: 'npm-native', title: '(b) npm: add backend-native (prebuilt); the same script trains on native', run: npmNative },
  { id: 'pnpm', title: '(c) pnpm: fresh project, ignored build, approve-builds', run: pnpmProject },
  { id: 'no-compiler', title: '(d) npm: no compiler on PATH, no prebuilt; falls back to js and says why', run: noCompiler },
  { id: 'source-build', title: '(e) npm: no prebuilt, compiler present; builds from source offline', run: sourceBuild },
  { id: 'all', title: '(f) npm: every package imports; a TypeScript program over all of them type-checks (node16, bundler) and runs', run: everyPackage },
  { id: 'wasm-no-compiler', title: '(g) npm: core + backend-wasm with no compiler on PATH; wasm available and serving', run: wasmNoCompiler },
];

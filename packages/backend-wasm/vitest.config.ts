import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// --expose-gc lets the memory tests check that a collected storage gives its block back.
export default mergeConfig(shared, defineConfig({ test: { execArgv: ['--expose-gc'] } }));

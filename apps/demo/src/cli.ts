#!/usr/bin/env node
// Entry point of `pnpm demo`: see program.ts for the commands.
import { buildProgram } from './program.js';

// `pnpm demo bench` reaches us as `cli.js -- bench` (pnpm passes the separator through); drop it, or
// commander would read everything after it as operands of the default command.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();

try {
  await buildProgram().parseAsync(args, { from: 'user' });
} catch (err) {
  console.error(err instanceof Error ? `error: ${err.message}` : err);
  process.exitCode = 1;
}

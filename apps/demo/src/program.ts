// The demo's command line: `train` (the default: what `pnpm demo` runs), `bench` and `experiments`, each
// with --help, plus the hidden `worker` command that child processes run.

import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultOutputDir } from './output.js';

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got '${value}'`);
    }
    return n;
  };
}

function intList(name: string) {
  return (value: string): number[] => value.split(',').map((v) => positiveInt(name)(v.trim()));
}

function seed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`seed must be a non-negative integer, got '${value}'`);
  return n;
}

export interface ProgramIo {
  writeOut?: (text: string) => void;
  writeErr?: (text: string) => void;
  /** Throw instead of exiting the process (tests). */
  exitOverride?: boolean;
}

export function buildProgram(io: ProgramIo = {}): Command {
  const program = new Command('nabla-demo')
    .description('Trains the same MLP on MNIST with both nabla backends, benchmarks them, and runs the experiments')
    .showHelpAfterError();
  const commands: Command[] = [program];

  commands.push(program.command('train', { isDefault: true })
    .description('train the recipe MLP (784-256-128-10 ReLU, Adam 1e-3 with cosine decay, batch 128, x/255) on every backend; ' +
      'print a table and write demo-output/train/ (JSON and plots)')
    .option('-e, --epochs <n>', 'epochs per backend', positiveInt('--epochs'), 4)
    .option('-l, --limit <n>', 'training samples per epoch, the same on every backend (default: 20000; 60000 for all of MNIST)', positiveInt('--limit'))
    .option('--test-limit <n>', 'test images used for accuracy (default: all 10000)', positiveInt('--test-limit'))
    .option('-b, --backends <list>', 'comma-separated backends to run', 'native,js')
    .option('-t, --threads <n>', 'worker threads of the native backend (default: all cores)', positiveInt('--threads'))
    .option('-s, --seed <n>', 'seed of the weights and the shuffle', seed, 42)
    .addOption(new Option('--lr-schedule <name>', 'learning rate over the epochs: cosine decay from 1e-3 to 0 (the ' +
      'recipe; PyTorch CosineAnnealingLR, stepped per epoch), or a constant 1e-3')
      .choices(['constant', 'cosine']))
    .option('-o, --out <dir>', 'output folder', defaultOutputDir())
    .option('--no-progress', 'no progress bar or epoch lines')
    .action(async (opts) => {
      const { trainCommand } = await import('./train/command.js');
      await trainCommand(opts);
    }));

  commands.push(program.command('bench')
    .description('matmul GFLOP/s per backend (MLP shapes and 256^2..1024^2), per-op overhead, and end-to-end ' +
      'training samples/s per backend and thread count; a table and demo-output/bench/bench.json')
    .option('-b, --backends <list>', 'comma-separated backends to run', 'native,js')
    .option('-t, --threads <list>', 'thread counts for the native backend', intList('--threads'), [1, 2])
    .option('--steps <n>', 'training steps timed per end-to-end measurement (one MNIST epoch; js: at most 60)', positiveInt('--steps'), 469)
    .option('--quick', 'fewer repetitions and smaller sizes (seconds, for a smoke test)', false)
    .option('-o, --out <dir>', 'output folder', defaultOutputDir())
    .action(async (opts) => {
      const { benchCommand } = await import('./bench/command.js');
      await benchCommand(opts);
    }));

  commands.push(program.command('experiments')
    .description('lessons about training neural networks as measured experiments (input scaling, batch size, ' +
      'optimizer, learning rate, batch normalization, vanishing gradients, activation and loss gallery), each with ' +
      'figures and a verdict computed from the numbers (shown, not shown, or too little data to tell); writes ' +
      'demo-output/experiments/ and report.html')
    .option('--quick', 'small slices of MNIST and few epochs: seconds instead of minutes', false)
    .option('--only <list>', 'comma-separated experiment ids to run (default: all)')
    .option('-b, --backend <name>', 'backend to run on (default: the fastest available)')
    .option('-o, --out <dir>', 'output folder', defaultOutputDir())
    .action(async (opts) => {
      const { experimentsCommand } = await import('./experiments/command.js');
      await experimentsCommand(opts);
    }));

  program.addCommand(new Command('worker').argument('<task>').action(async (task: string) => {
    const { serveTask } = await import('./tasks.js');
    await serveTask(task);
  }), { hidden: true });

  for (const c of commands) {
    if (io.exitOverride) c.exitOverride();
    if (io.writeOut || io.writeErr) {
      c.configureOutput({
        ...(io.writeOut ? { writeOut: io.writeOut } : {}),
        ...(io.writeErr ? { writeErr: io.writeErr } : {}),
      });
    }
  }
  return program;
}

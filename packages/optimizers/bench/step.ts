// Time per optimizer step on each available backend, for a few parameter sizes.
// Run: pnpm --filter @nabla/optimizers bench   (numbers are printed, never asserted)

import '@nabla/backend-js';
import '@nabla/backend-native';
import { Generator, listBackends, randn, setBackend, type Tensor } from '@nabla/core';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from '../src/index.js';

const makers: [string, (ps: Tensor[]) => Optimizer][] = [
  ['SGD momentum', (ps) => new SGD(ps, { lr: 0.01, momentum: 0.9 })],
  ['Adam', (ps) => new Adam(ps)],
  ['AdamW amsgrad', (ps) => new AdamW(ps, { amsgrad: true })],
  ['RMSprop centered', (ps) => new RMSprop(ps, { centered: true, momentum: 0.9 })],
  ['Adagrad', (ps) => new Adagrad(ps)],
];

const sizes = [1_000, 100_000, 1_000_000];
const backends = listBackends().filter((b) => b.available && b.name !== 'reference').map((b) => b.name);

console.log(`backends: ${backends.join(', ')}`);
console.log(['optimizer', 'elements', ...backends.map((b) => `${b} µs/step`)].join('\t'));
for (const [name, make] of makers) {
  for (const size of sizes) {
    const row: string[] = [name, String(size)];
    for (const backend of backends) {
      setBackend(backend);
      const gen = new Generator(1);
      const p = randn([size], { generator: gen, requiresGrad: true });
      p.grad = randn([size], { generator: gen, std: 0.01 });
      const opt = make([p]);
      for (let i = 0; i < 5; i++) opt.step(); // warm-up: state buffers and JIT
      const reps = Math.max(10, Math.min(2000, Math.round(2e7 / size)));
      const start = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) opt.step();
      const micros = Number(process.hrtime.bigint() - start) / 1e3 / reps;
      row.push(micros.toFixed(1));
    }
    console.log(row.join('\t'));
  }
}

// What a Keras or PyTorch user gets wrong with fit and checkpoints: Keras' option names, a loss with reduction
// 'none', a loss class without `new`, an optimizer built over another model, a scheduler that is not one, a
// bad batch deep in an epoch, checkpoint folders that do not exist, files that are not there, and a restore
// into another architecture. Each is an error saying what and where, and a failed restore changes nothing.
import '@nabla/backend-js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStream } from './helpers.js';
import { ValueError, manualSeed, tensor } from '@nabla/core';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { CrossEntropyLoss } from '@nabla/losses';
import { DataLoader, TensorDataset } from '@nabla/data';
import { Adam, SGD } from '@nabla/optimizers';
import {
  EarlyStopping, ModelCheckpoint, ProgressBar, SafetensorsError, evaluate, fit, load, loadSafetensors, predict, restore, save,
  type Batch,
} from '../src/index.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'nabla-misuse-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

function model(hidden = 4): Sequential {
  return new Sequential(new Linear(2, hidden), new ReLU(), new Linear(hidden, 2));
}

const batches: Batch[] = [
  { x: tensor([[1, 0], [0, 1]]), y: tensor([0, 1]) },
  { x: tensor([[1, 1], [0, 0]]), y: tensor([1, 0]) },
];

function options(m: Sequential): { loss: CrossEntropyLoss; optimizer: SGD; progress: false } {
  return { loss: new CrossEntropyLoss(), optimizer: new SGD(m.parameters(), 0.1), progress: false };
}

describe('fit misuse', () => {
  it("Keras' argument names are errors naming ours, not ignored", async () => {
    manualSeed(0);
    const m = model();
    await expect(fit(m, batches, { ...options(m), epoch: 3 } as never)).rejects.toThrow(/fit: unknown option 'epoch' \(the number of epochs is epochs\)/);
    await expect(fit(m, batches, { ...options(m), batch_size: 32 } as never)).rejects.toThrow(/unknown option 'batch_size' \(batches come from the DataLoader/);
    await expect(fit(m, batches, { ...options(m), verbose: 0 } as never)).rejects.toThrow(/unknown option 'verbose' \(progress: false silences/);
    await expect(evaluate(m, batches, { batchSize: 2 } as never)).rejects.toThrow(/evaluate: unknown option 'batchSize'/);
    expect(() => predict(m, tensor([[1, 2]]), { batch_size: 2 } as never)).toThrow(/predict: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
    expect(() => new EarlyStopping({ min_delta: 0.1 } as never)).toThrow(/EarlyStopping: unknown option 'min_delta' \(did you mean 'minDelta'\?\)/);
    expect(() => new ModelCheckpoint({ path: 'x', save_best_only: true } as never)).toThrow(/did you mean 'saveBestOnly'\?/);
    expect(() => new ProgressBar({ verbose: 1 } as never)).toThrow(/ProgressBar: unknown option 'verbose'/);
  });

  it("a loss with reduction 'none', or a loss class without new, is named before training goes wrong", async () => {
    const m = model();
    await expect(fit(m, batches, { ...options(m), loss: new CrossEntropyLoss({ reduction: 'none' }) }))
      .rejects.toThrow(/the loss returned a tensor of shape \[2\]; training needs a single number \(use reduction 'mean' or 'sum', not 'none'\) \(fit: epoch 1\/1, batch 1\)/);
    await expect(fit(m, batches, { ...options(m), loss: CrossEntropyLoss as never }))
      .rejects.toThrow(/fit: options.loss is the class CrossEntropyLoss; pass an instance: new CrossEntropyLoss\(\)/);
    await expect(evaluate(m, batches, { loss: new CrossEntropyLoss({ reduction: 'none' }) })).rejects.toThrow(/evaluate: batch 1/);
  });

  it('an optimizer over another model is an error, not a loss that never moves', async () => {
    const m = model();
    const other = model();
    await expect(fit(m, batches, { ...options(other), progress: false })).rejects.toThrow(ValueError);
    await expect(fit(m, batches, { ...options(other), progress: false })).rejects.toThrow(/fit: the optimizer holds none of the model's 4 parameters/);
    // Some of the model's parameters (the rest frozen) is fine.
    const partial = new SGD(m.at(2).parameters(), 0.1);
    await expect(fit(m, batches, { ...options(m), optimizer: partial })).resolves.toBeDefined();
  });

  it('a scheduler without step and a progress option of the wrong kind are refused before training', async () => {
    const m = model();
    await expect(fit(m, batches, { ...options(m), scheduler: {} as never })).rejects.toThrow(/fit: options.scheduler must have step/);
    await expect(fit(m, batches, { ...options(m), progress: 'yes' as never })).rejects.toThrow(/fit: progress must be true, false or progress options, got yes/);
  });

  it('an error in a batch says which epoch and batch, or that it was the validation pass', async () => {
    const m = model();
    const bad = [...batches, { x: tensor([[1, 1]]), y: tensor([7]) }];
    await expect(fit(m, bad, { ...options(m), epochs: 2 })).rejects.toThrow(/target 0 is 7, expected a class index in 0\.\.1 \(fit: epoch 1\/2, batch 3\)/);
    const wide = [{ x: tensor([[1, 1, 1]]), y: tensor([0]) }];
    await expect(fit(m, batches, { ...options(m), validation: wide }))
      .rejects.toThrow(/Linear\(2 → 4\): input has shape \[1, 3\]; .*got 3 \(in layer 0: Linear\) \(fit, validation: batch 1\)/);
  });
});

describe('checkpoint misuse', () => {
  it('saving into a folder that does not exist makes it, as Keras does; ModelCheckpoint too', async () => {
    const m = model();
    const path = join(dir, 'runs', 'today', 'model.safetensors');
    await save(path, m);
    expect([...(await load(path)).model.keys()]).toEqual([...m.stateDict().keys()]);
    await fit(m, batches, { ...options(m), callbacks: [new ModelCheckpoint({ path: join(dir, 'ckpt', 'e{epoch}.safetensors') })] });
    expect((await load(join(dir, 'ckpt', 'e1.safetensors'))).optimizer?.kind).toBe('SGD');
  });

  it('file errors name the file given (not a temporary file) and say what the code means', async () => {
    const m = model();
    const err = await save(dir, m).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as Error).message).toBe(`saveSafetensors(${dir}): cannot write the file: the path is a folder (EISDIR)`);
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'x');
    await expect(save(join(blocker, 'm.safetensors'), m)).rejects.toThrow(/cannot create the folder .*a-file: a file of that name is in the way \(EEXIST\)/);
    const missing = await loadSafetensors(join(dir, 'missing.safetensors')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SafetensorsError);
    expect((missing as Error & { code?: string }).code).toBe('ENOENT');
    expect((missing as Error).message).toMatch(/missing\.safetensors\): cannot open the file: no such file or folder \(ENOENT\)/);
    await expect(loadSafetensors(dir)).rejects.toThrow(/the path is a folder, not a safetensors file/);
  });

  it('a restore that fails changes neither the model nor the optimizer', async () => {
    manualSeed(1);
    const small = model();
    const opt = new Adam(small.parameters(), 0.01);
    await fit(small, batches, { loss: new CrossEntropyLoss(), optimizer: opt, progress: false });
    const path = join(dir, 'small.safetensors');
    await save(path, small, { optimizer: opt });

    // Not strict, a deeper model takes the first layers, but its optimizer has more parameters: refused.
    const deep = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 2), new ReLU(), new Linear(2, 2));
    const deepOpt = new Adam(deep.parameters(), 0.01);
    const before = deep.parameters().map((p) => Float32Array.from(p.data()));
    await expect(restore(path, deep, { strict: false, optimizer: deepOpt }))
      .rejects.toThrow(/param group 0 has 4 parameters in the state dict, 6 here \(restoring the optimizer from .*small\.safetensors\)/);
    deep.parameters().forEach((p, i) => expect(p.data()).toEqual(before[i]));

    // The optimizer's state fits (same parameter shapes), the model's names do not (no ReLU between the
    // layers, so the second Linear is '1.' instead of '2.'): the optimizer gets its own state back.
    const renamed = new Sequential(new Linear(2, 4), new Linear(4, 2));
    const renamedOpt = new Adam(renamed.parameters(), 0.01);
    await fit(renamed, batches, { loss: new CrossEntropyLoss(), optimizer: renamedOpt, progress: false });
    const expAvgBefore = renamed.parameters().map((p) => Float32Array.from((renamedOpt.state.get(p)!.exp_avg as { data(): Float32Array }).data()));
    const weightsBefore = renamed.parameters().map((p) => Float32Array.from(p.data()));
    await expect(restore(path, renamed, { optimizer: renamedOpt })).rejects.toThrow(/missing keys: '1\.weight', '1\.bias'.*\(restoring the model from/s);
    renamed.parameters().forEach((p, i) => {
      expect(p.data()).toEqual(weightsBefore[i]);
      expect((renamedOpt.state.get(p)!.exp_avg as { data(): Float32Array }).data()).toEqual(expAvgBefore[i]);
      expect(renamedOpt.state.get(p)!.step).toBe(2);
    });
    await expect(restore(path, model(), { optimizer: new SGD(model().parameters(), 0.1) })).rejects.toThrow(/holds Adam state, which cannot be loaded into SGD/);
    await expect(restore(path, model(), { strcit: false } as never)).rejects.toThrow(/restore: unknown option 'strcit'/);
  });
});

describe('one-shot data', () => {
  it('a generator used up by the first epoch is named as such in the second', async () => {
    const m = model();
    function* once(): Generator<Batch> { yield* batches; }
    await expect(fit(m, once(), { ...options(m), epochs: 2 }))
      .rejects.toThrow(/fit: the training data produced no batches in epoch 2 after 2 in epoch 1; a generator or iterator can be read only once/);
  });
});

describe('loaders that yield nothing', () => {
  it('dropLast with a dataset smaller than one batch is named', async () => {
    const m = model();
    const loader = new DataLoader(new TensorDataset(tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 1, 1])), { batchSize: 4, dropLast: true });
    await expect(fit(m, loader, options(m)))
      .rejects.toThrow(/fit: the training data produced no batches \(dropLast drops the only batch: the dataset has 3 samples, fewer than batchSize 4\)/);
  });
});

describe('fit arguments of the wrong kind', () => {
  it('metrics, callbacks and epochs of the wrong kind, and whole tensors as validation data', async () => {
    const m = model();
    await expect(fit(m, batches, { ...options(m), metrics: 'accuracy' as never })).rejects.toThrow(/metrics must be an array such as \['accuracy'\], got a string/);
    await expect(fit(m, batches, { ...options(m), callbacks: new EarlyStopping({ monitor: 'loss' }) as never }))
      .rejects.toThrow(/fit: callbacks must be an array, got a EarlyStopping \(wrap a single callback in \[ \]\)/);
    await expect(fit(m, batches, { ...options(m), callbacks: [null as never] })).rejects.toThrow(/fit: callback 0 is null/);
    await expect(fit(m, batches, { ...options(m), epochs: '3' as never })).rejects.toThrow(/epochs must be a positive integer, got a string \("3"\)/);
    await expect(fit(m, batches, { ...options(m), validation: { x: tensor([[1, 2]]), y: tensor([1]) } as never }))
      .rejects.toThrow(/validation data must be a DataLoader .*; for whole tensors x and y: new DataLoader\(new TensorDataset\(x, y\), \{ batchSize \}\)/);
  });
});

describe('training that ends with an error', () => {
  it('stops the progress bar, whose redraw timer would otherwise keep printing and keep the process alive', async () => {
    const m = model();
    const { stream } = captureStream(true);
    const bar = new ProgressBar({ mode: 'bar', stream });
    const many = [...batches, ...batches, ...batches];
    const boom = { onBatchEnd(logs: { step: number }): void { if (logs.step === 2) throw new Error('boom'); } };
    await expect(fit(m, many, { ...options(m), callbacks: [bar, boom] })).rejects.toThrow('boom');
    expect(bar.active).toBe(false);
    const bad = [...batches, { x: tensor([[1, 2, 3]]), y: tensor([0]) }];
    await expect(fit(m, bad, { ...options(m), callbacks: [bar] })).rejects.toThrow(/Linear\(2 → 4\)/);
    expect(bar.active).toBe(false);
  });
});

describe("ModelCheckpoint paths with Keras' placeholders", () => {
  it('formats {epoch:02d} and logged values instead of writing one file with the braces in its name', async () => {
    const m = model();
    const cb = new ModelCheckpoint({ path: join(dir, 'keras', 'w.{epoch:02d}-{loss:.2f}.safetensors'), monitor: 'loss' });
    await fit(m, batches, { ...options(m), epochs: 2, callbacks: [cb] });
    expect(cb.saved).toHaveLength(2);
    expect(cb.saved[0]).toMatch(/keras\/w\.01-\d\.\d\d\.safetensors$/);
    expect(cb.saved[1]).toMatch(/keras\/w\.02-\d\.\d\d\.safetensors$/);
    await expect(load(cb.saved[1]!)).resolves.toBeDefined();
  });

  it('a placeholder it cannot format, or a value that is not logged, is an error', async () => {
    expect(() => new ModelCheckpoint({ path: 'w.{epoch:%d}.safetensors' })).toThrow(/ModelCheckpoint: cannot format \{epoch:%d\} in path/);
    const m = model();
    const cb = new ModelCheckpoint({ path: join(dir, 'w-{val_loss}.safetensors'), monitor: 'loss' });
    await expect(fit(m, batches, { ...options(m), callbacks: [cb] })).rejects.toThrow(/ModelCheckpoint: monitor "val_loss" is not logged; available: loss/);
  });
});

describe('save and restore called the PyTorch way', () => {
  it('an optimizer passed where the options go is named', async () => {
    const m = model();
    const opt = new SGD(m.parameters(), 0.1);
    await expect(save(join(dir, 'x.safetensors'), m, opt as never)).rejects.toThrow(/save: the third argument is a SGD optimizer; pass it as \{ optimizer \}/);
    await save(join(dir, 'x.safetensors'), m, { optimizer: opt });
    await expect(restore(join(dir, 'x.safetensors'), m, opt as never)).rejects.toThrow(/restore: the third argument is a SGD optimizer/);
  });
});

describe('file errors that cannot be made here (the tests may run as root)', () => {
  it('a read-only folder or file system is named in words, with the code and the cause kept', async () => {
    const { fileError } = await import('../src/fileErrors.js');
    const cause = Object.assign(new Error("EACCES: permission denied, open '/x/.m.safetensors.1.ab.tmp'"), { code: 'EACCES' });
    const err = fileError('saveSafetensors(/x/m.safetensors)', 'cannot write the file', cause) as Error & { code?: string };
    expect(err).toBeInstanceOf(SafetensorsError);
    expect(err.message).toBe('saveSafetensors(/x/m.safetensors): cannot write the file: permission denied (EACCES)');
    expect(err.code).toBe('EACCES');
    expect(err.cause).toBe(cause);
    const rofs = fileError('w', 'cannot write the file', Object.assign(new Error('x'), { code: 'EROFS' })) as Error;
    expect(rofs.message).toBe('w: cannot write the file: the file system is read-only (EROFS)');
    const plain = new Error('not a file error');
    expect(fileError('w', 'x', plain)).toBe(plain);
  });
});

describe('monitoring a val_ key without validation data', () => {
  it('is an error before the first epoch, not after it', async () => {
    const m = model();
    let batchesRun = 0;
    const count = { onBatchEnd(): void { batchesRun++; } };
    await expect(fit(m, batches, { ...options(m), callbacks: [count, new EarlyStopping()] }))
      .rejects.toThrow(/EarlyStopping: monitor "val_loss" needs validation data, and fit has none: pass validation to fit, or monitor 'loss'/);
    await expect(fit(m, batches, { ...options(m), callbacks: [count, new ModelCheckpoint({ path: join(dir, 'b.safetensors'), saveBestOnly: true, monitor: 'val_accuracy' })] }))
      .rejects.toThrow(/ModelCheckpoint: monitor "val_accuracy" needs validation data/);
    expect(batchesRun).toBe(0);
    await expect(fit(m, batches, { ...options(m), validation: batches, callbacks: [new EarlyStopping()] })).resolves.toBeDefined();
    await expect(fit(m, batches, { ...options(m), validation: batches, callbacks: [new EarlyStopping({ monitor: 'val_accuracy' })] }))
      .rejects.toThrow(/EarlyStopping: monitor "val_accuracy" is not logged; available: loss, val_loss \(pass metrics: \['accuracy'\] to fit\)/);
    expect(batchesRun).toBe(0);
  });
});

// Checkpoints: model and optimizer state in one safetensors file, restored so that training continues
// bit for bit as if it had never stopped. The model is a small stand-in over core tensors with the
// stateDict/loadStateDict contract of @nabla/layers.

import '@nabla/backend-js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator, Tensor, linear, randn, softmaxCrossEntropy, tensor } from '@nabla/core';
import { Adam, SGD, type Optimizer } from '@nabla/optimizers';
import {
  OPTIMIZER_PREFIX, SafetensorsError, encodeSafetensors, load, loadSafetensors, restore, save, type StatefulModel,
} from '../src/index.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'nabla-checkpoint-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** Two linear layers; loadStateDict copies into the existing tensors, as @nabla/layers does. */
class TwoLayer implements StatefulModel {
  readonly params: Map<string, Tensor>;

  constructor(seed: number) {
    const g = new Generator(seed);
    this.params = new Map([
      ['0.weight', randn([6, 4], { generator: g, std: 0.5 }).requiresGrad_()],
      ['0.bias', randn([6], { generator: g, std: 0.1 }).requiresGrad_()],
      ['2.weight', randn([3, 6], { generator: g, std: 0.5 }).requiresGrad_()],
      ['2.bias', randn([3], { generator: g, std: 0.1 }).requiresGrad_()],
    ]);
  }

  parameters(): Tensor[] {
    return [...this.params.values()];
  }

  forward(x: Tensor): Tensor {
    const p = (k: string) => this.params.get(k)!;
    return linear(linear(x, p('0.weight'), p('0.bias'), 'relu'), p('2.weight'), p('2.bias'));
  }

  stateDict(): Map<string, Tensor> {
    return new Map(this.params);
  }

  loadStateDict(dict: Map<string, Tensor>, options: { strict?: boolean } = {}): void {
    for (const key of this.params.keys()) if (!dict.has(key) && options.strict !== false) throw new Error(`missing key ${key}`);
    for (const key of dict.keys()) if (!this.params.has(key) && options.strict !== false) throw new Error(`unexpected key ${key}`);
    for (const [key, t] of dict) this.params.get(key)?.copy_(t);
  }
}

const x = randn([8, 4], { generator: new Generator(99) });
const y = tensor([0, 1, 2, 0, 1, 2, 0, 1]);

function trainSteps(model: TwoLayer, opt: Optimizer, steps: number): void {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    softmaxCrossEntropy(model.forward(x), y).mean().backward();
    opt.step();
  }
}

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array(Float32Array.from(t.data()).buffer));
}

describe('save / load / restore', () => {
  it('restored model and optimizer continue training bit for bit', async () => {
    const path = join(dir, 'resume.safetensors');
    const model = new TwoLayer(1);
    const opt = new Adam(model.parameters(), { lr: 0.01, amsgrad: true });
    trainSteps(model, opt, 3);
    opt.paramGroups[0]!.lr = 0.005; // as a scheduler would
    await save(path, model, { optimizer: opt, metadata: { epoch: '3' } });

    const model2 = new TwoLayer(2);
    const opt2 = new Adam(model2.parameters(), { lr: 0.01, amsgrad: true });
    const checkpoint = await restore(path, model2, { optimizer: opt2 });
    expect(checkpoint.metadata).toEqual({ epoch: '3' });
    expect(opt2.paramGroups[0]!.lr).toBe(0.005);

    trainSteps(model, opt, 4);
    trainSteps(model2, opt2, 4);
    for (const [name, t] of model.params) expect(bits(model2.params.get(name)!), name).toEqual(bits(t));
  });

  it('the file is plain safetensors: model tensors by name, optimizer state under a prefix, JSON metadata', async () => {
    const path = join(dir, 'layout.safetensors');
    const model = new TwoLayer(3);
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    trainSteps(model, opt, 1);
    await save(path, model, { optimizer: opt });
    const { tensors, metadata } = await loadSafetensors(path);
    expect([...tensors.keys()].filter((k) => !k.startsWith(OPTIMIZER_PREFIX))).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect([...tensors.keys()].filter((k) => k.startsWith(OPTIMIZER_PREFIX))).toEqual([0, 1, 2, 3].map((i) => `optimizer.state.${i}.momentum_buffer`));
    for (const [name, t] of model.params) expect(bits(tensors.get(name)!)).toEqual(bits(t));
    const meta = JSON.parse(metadata['nabla.optimizer']!) as { kind: string; paramGroups: { lr: number; params: number[] }[] };
    expect(meta.kind).toBe('SGD');
    expect(meta.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0.9, params: [0, 1, 2, 3] });
    expect(metadata['nabla.format']).toBe('nabla-checkpoint/1');
  });

  it('load() returns the state dicts; step counts come back from the metadata', async () => {
    const path = join(dir, 'load.safetensors');
    const model = new TwoLayer(4);
    const opt = new Adam(model.parameters());
    trainSteps(model, opt, 2);
    await save(path, model, { optimizer: opt });
    const checkpoint = await load(path);
    expect([...checkpoint.model.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(checkpoint.optimizer!.kind).toBe('Adam');
    const state = checkpoint.optimizer!.stateDict.state;
    expect(Object.keys(state)).toEqual(['0', '1', '2', '3']);
    expect(state[2]!.step).toBe(2);
    expect(bits(state[2]!.exp_avg as Tensor)).toEqual(bits(opt.state.get(model.params.get('2.weight')!)!.exp_avg as Tensor));
  });

  it('a model-only file (as PyTorch writes one) loads with optimizer null', async () => {
    const path = join(dir, 'weights.safetensors');
    const model = new TwoLayer(5);
    await writeFile(path, encodeSafetensors(model.stateDict(), { format: 'pt' }));
    const checkpoint = await load(path);
    expect(checkpoint.optimizer).toBeNull();
    expect(checkpoint.metadata).toEqual({ format: 'pt' });
    const model2 = new TwoLayer(6);
    await restore(path, model2);
    for (const [name, t] of model.params) expect(bits(model2.params.get(name)!)).toEqual(bits(t));
    await expect(restore(path, model2, { optimizer: new Adam(model2.parameters()) })).rejects.toThrow(/holds no optimizer state/);
  });
});

describe('errors', () => {
  it('refuses to restore into another kind of optimizer, before touching the model', async () => {
    const path = join(dir, 'kind.safetensors');
    const model = new TwoLayer(7);
    await save(path, model, { optimizer: new Adam(model.parameters()) });
    const other = new TwoLayer(8);
    const before = bits(other.params.get('0.weight')!);
    await expect(restore(path, other, { optimizer: new SGD(other.parameters()) })).rejects.toThrow(/holds Adam state, which cannot be loaded into SGD/);
    expect(bits(other.params.get('0.weight')!)).toEqual(before);
  });

  it('rejects reserved names and metadata keys', async () => {
    const model = new TwoLayer(9);
    await expect(save(join(dir, 'r.safetensors'), model, { metadata: { 'nabla.optimizer': '{}' } })).rejects.toThrow(/metadata key 'nabla.optimizer' is reserved/);
    const clash = { stateDict: () => new Map([['optimizer.state.0.x', tensor([1])]]), loadStateDict: () => undefined };
    await expect(save(join(dir, 'r.safetensors'), clash)).rejects.toThrow(SafetensorsError);
  });

  it('reports corrupt optimizer metadata and badly named optimizer tensors', async () => {
    const bad = join(dir, 'badmeta.safetensors');
    await writeFile(bad, encodeSafetensors({ w: tensor([1]) }, { 'nabla.optimizer': '{not json' }));
    await expect(load(bad)).rejects.toThrow(/metadata 'nabla.optimizer' is not valid JSON/);
    await writeFile(bad, encodeSafetensors({ w: tensor([1]) }, { 'nabla.optimizer': '{"kind":"SGD"}' }));
    await expect(load(bad)).rejects.toThrow(/should be \{kind, paramGroups, scalars\}/);
    const meta = JSON.stringify({ kind: 'SGD', paramGroups: [], scalars: {} });
    await writeFile(bad, encodeSafetensors({ 'optimizer.state.x.momentum_buffer': tensor([1]) }, { 'nabla.optimizer': meta }));
    await expect(load(bad)).rejects.toThrow(/state index 'x' is not a parameter index/);
    await writeFile(bad, encodeSafetensors({ 'optimizer.state.0': tensor([1]) }, { 'nabla.optimizer': meta }));
    await expect(load(bad)).rejects.toThrow(/is not named optimizer.state.<index>.<state>/);
  });
});

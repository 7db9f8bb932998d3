// Checkpoints: a model's state dict and, optionally, its optimizer's state in ONE safetensors file.
//   - model tensors keep their state-dict names ("0.weight", ...), so PyTorch's safetensors.torch.load_file
//     reads them as a plain state dict;
//   - optimizer tensors are stored as "optimizer.state.<i>.<name>" (<i> indexes parameters as in
//     Optimizer.stateDict(), <name> is PyTorch's: exp_avg, momentum_buffer, ...);
//   - the optimizer's kind, param groups (hyper-parameters, scheduled lr) and per-parameter step counts go
//     in __metadata__["nabla.optimizer"] as JSON. User metadata shares __metadata__; "nabla." keys are ours.

import { Tensor } from '@nabla/core';
import type { OptimizerStateDict, ParamGroupState, ParamState } from '@nabla/optimizers';
import { SafetensorsError, loadSafetensors, saveSafetensors } from './safetensors.js';
import { withContext } from './errorContext.js';
import { checkOptions } from './options.js';

/** What a checkpoint needs of a model (a @nabla/layers Module fits). */
export interface StatefulModel {
  stateDict(): Map<string, Tensor>;
  loadStateDict(dict: Map<string, Tensor>, options?: { strict?: boolean }): unknown;
}

/** What a checkpoint needs of an optimizer (every @nabla/optimizers optimizer fits). */
export interface StatefulOptimizer {
  readonly kind: string;
  stateDict(): OptimizerStateDict;
  loadStateDict(dict: OptimizerStateDict): void;
}

export interface SaveOptions {
  optimizer?: StatefulOptimizer;
  /** Strings stored in the file's __metadata__ (keys starting with "nabla." are reserved). */
  metadata?: Record<string, string>;
}

export interface Checkpoint {
  /** The model's state dict. */
  model: Map<string, Tensor>;
  /** The optimizer's kind and state dict, when one was saved. */
  optimizer: { kind: string; stateDict: OptimizerStateDict } | null;
  /** The user's metadata (without the reserved "nabla." keys). */
  metadata: Record<string, string>;
}

export interface RestoreOptions {
  optimizer?: StatefulOptimizer;
  /** Passed to model.loadStateDict: missing or unexpected keys are errors (default true). */
  strict?: boolean;
}

export const OPTIMIZER_PREFIX = 'optimizer.state.';
const OPTIMIZER_KEY = 'nabla.optimizer';
const FORMAT_KEY = 'nabla.format';
const FORMAT = 'nabla-checkpoint/1';

interface OptimizerMetadata {
  kind: string;
  paramGroups: ParamGroupState[];
  /** Non-tensor state per parameter index (the step counts). */
  scalars: Record<string, Record<string, number>>;
}

/** Saves the model's state dict, and the optimizer's state if given, atomically to one safetensors file. */
export async function save(path: string, model: StatefulModel, rawOptions: SaveOptions = {}): Promise<void> {
  if (!model || typeof model.stateDict !== 'function') throw new SafetensorsError('save: model must have a stateDict() method');
  const options = checkOptions('save', notAnOptimizer('save', rawOptions), ['optimizer', 'metadata']);
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of model.stateDict()) {
    if (name.startsWith(OPTIMIZER_PREFIX)) {
      throw new SafetensorsError(`save: the model's state '${name}' uses the prefix '${OPTIMIZER_PREFIX}' reserved for optimizer state`);
    }
    tensors.set(name, t);
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (k.startsWith('nabla.')) throw new SafetensorsError(`save: metadata key '${k}' is reserved (keys starting with 'nabla.')`);
    metadata[k] = v;
  }
  metadata[FORMAT_KEY] = FORMAT;
  if (options.optimizer) {
    const { kind } = options.optimizer;
    const dict = options.optimizer.stateDict();
    const scalars: OptimizerMetadata['scalars'] = {};
    for (const [index, state] of Object.entries(dict.state)) {
      for (const [key, value] of Object.entries(state)) {
        if (value instanceof Tensor) tensors.set(`${OPTIMIZER_PREFIX}${index}.${key}`, value);
        else (scalars[index] ??= {})[key] = value;
      }
    }
    const meta: OptimizerMetadata = { kind, paramGroups: dict.paramGroups, scalars };
    metadata[OPTIMIZER_KEY] = JSON.stringify(meta);
  }
  await saveSafetensors(path, tensors, metadata);
}

function fail(path: string, message: string): never {
  throw new SafetensorsError(`load(${path}): ${message}`);
}

function parseOptimizerMetadata(path: string, json: string): OptimizerMetadata {
  let meta: unknown;
  try {
    meta = JSON.parse(json);
  } catch (err) {
    fail(path, `metadata '${OPTIMIZER_KEY}' is not valid JSON (${(err as Error).message})`);
  }
  const m = meta as Partial<OptimizerMetadata> | null;
  if (!m || typeof m !== 'object' || typeof m.kind !== 'string' || !Array.isArray(m.paramGroups) ||
      !m.scalars || typeof m.scalars !== 'object') {
    fail(path, `metadata '${OPTIMIZER_KEY}' should be {kind, paramGroups, scalars}`);
  }
  for (const [index, values] of Object.entries(m.scalars)) {
    if (!values || typeof values !== 'object' || !Object.values(values).every((v) => typeof v === 'number')) {
      fail(path, `metadata '${OPTIMIZER_KEY}': scalars of parameter ${index} must be numbers`);
    }
  }
  return m as OptimizerMetadata;
}

/** Reads a checkpoint written by save() (or any safetensors file of float32 weights: then optimizer is null). */
export async function load(path: string): Promise<Checkpoint> {
  const { tensors, metadata: raw } = await loadSafetensors(path);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (!k.startsWith('nabla.')) metadata[k] = v;
  const optimizerJson = raw[OPTIMIZER_KEY];
  if (optimizerJson === undefined) return { model: tensors, optimizer: null, metadata };

  const meta = parseOptimizerMetadata(path, optimizerJson);
  const model = new Map<string, Tensor>();
  const state: Record<number, ParamState> = {};
  const stateOf = (index: string): ParamState => {
    if (!/^(0|[1-9][0-9]*)$/.test(index)) fail(path, `optimizer state index '${index}' is not a parameter index`);
    return (state[Number(index)] ??= {});
  };
  for (const [name, t] of tensors) {
    if (!name.startsWith(OPTIMIZER_PREFIX)) {
      model.set(name, t);
      continue;
    }
    const rest = name.slice(OPTIMIZER_PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot <= 0 || dot === rest.length - 1) fail(path, `optimizer tensor '${name}' is not named ${OPTIMIZER_PREFIX}<index>.<state>`);
    stateOf(rest.slice(0, dot))[rest.slice(dot + 1)] = t;
  }
  for (const [index, values] of Object.entries(meta.scalars)) Object.assign(stateOf(index), values);
  return { model, optimizer: { kind: meta.kind, stateDict: { state, paramGroups: meta.paramGroups } }, metadata };
}

/**
 * Loads a checkpoint into a model (and optimizer, if given) and returns it. The optimizer must be of the
 * kind that was saved, over parameters of the same shapes. A restore that fails changes neither the model nor
 * the optimizer (each checks everything before it copies; the optimizer, loaded first, gets its previous
 * state back when the model then refuses the file).
 */
export async function restore(path: string, model: StatefulModel, options: RestoreOptions = {}): Promise<Checkpoint> {
  const { optimizer, strict = true } = checkOptions('restore', notAnOptimizer('restore', options), ['optimizer', 'strict']);
  if (!model || typeof model.loadStateDict !== 'function') throw new SafetensorsError('restore: model must have a loadStateDict() method');
  const checkpoint = await load(path);
  if (!optimizer) {
    loadModel(path, model, checkpoint, strict);
    return checkpoint;
  }
  if (!checkpoint.optimizer) fail(path, 'the file holds no optimizer state (it was saved without an optimizer)');
  if (checkpoint.optimizer.kind !== optimizer.kind) {
    fail(path, `the file holds ${checkpoint.optimizer.kind} state, which cannot be loaded into ${optimizer.kind}`);
  }
  const previous = optimizer.stateDict();
  try {
    optimizer.loadStateDict(checkpoint.optimizer.stateDict);
  } catch (err) {
    throw withContext(err, `restoring the optimizer from ${path}`);
  }
  try {
    loadModel(path, model, checkpoint, strict);
  } catch (err) {
    optimizer.loadStateDict(previous);
    throw err;
  }
  return checkpoint;
}

/** An optimizer passed where the options go (`save(path, model, opt)`) gets a message saying to wrap it. */
function notAnOptimizer<T extends object>(where: string, options: T): T {
  const o = options as Partial<StatefulOptimizer> | null;
  if (o !== null && typeof o === 'object' && typeof o.stateDict === 'function' && typeof o.kind === 'string') {
    throw new SafetensorsError(`${where}: the third argument is a ${o.kind} optimizer; pass it as { optimizer }`);
  }
  return options;
}

function loadModel(path: string, model: StatefulModel, checkpoint: Checkpoint, strict: boolean): void {
  try {
    model.loadStateDict(checkpoint.model, { strict });
  } catch (err) {
    throw withContext(err, `restoring the model from ${path}`);
  }
}

// The base of every optimizer: parameter groups with their own options, per-parameter state, zeroGrad,
// step, and a state dict shaped like PyTorch's (state by parameter index + paramGroups).

import {
  Tensor, ValueError, denseStorage, dropGrad, fmtShape, full, getBackend, gradOf, tensor, zerosLike, type Storage,
} from '@nabla/core';
import { checkKnownKeys } from './options.js';

/** Options every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/** A group of parameters with its own options. `initialLr` is set by the first LR scheduler attached. */
export type ParamGroup<O extends BaseOptions> = O & { params: Tensor[]; initialLr?: number };

/** What a user may pass for one group: the parameters and any options that differ from the defaults. */
export type ParamGroupInput<O extends BaseOptions> = Partial<O> & { params: Iterable<Tensor> };

/** Parameters, or groups of parameters with their own options. */
export type ParamsInput<O extends BaseOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** The state of one parameter, under PyTorch's names (`step`, `exp_avg`, `momentum_buffer`, ...). */
export type ParamState = Record<string, Tensor | number>;

/** A group as stored in a state dict: its options, and its parameters as indices into `state`. */
export type ParamGroupState = { params: number[] } & Record<string, unknown>;

/**
 * PyTorch's layout: `state[i]` belongs to the i-th parameter counting through the groups in order;
 * `paramGroups` holds each group's options with `params` as those indices.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: ParamGroupState[];
}

/** What a subclass tells the base class about itself. */
export interface OptimizerSpec<O extends BaseOptions> {
  /** The class name, used in messages and checkpoints. */
  kind: string;
  /** Every option with its default value: also the list of known option keys. */
  defaults: O;
  /** Throws a ValueError for an invalid merged set of options. */
  validate(where: string, options: O): void;
  /** The tensor state keys this optimizer keeps per parameter (besides `step`). */
  stateKeys: readonly string[];
}

export interface ZeroGradOptions {
  /** Drop the gradients (true, PyTorch's default) instead of filling them with zeros. */
  setToNone?: boolean;
}

function isTensorIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.iterator in value;
}

export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  readonly kind: string;
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on the parameter's first step. */
  readonly state = new Map<Tensor, ParamState>();
  private readonly spec: OptimizerSpec<O>;

  /** `options` may be the learning rate alone, as PyTorch's positional lr: `new SGD(params, 0.1)`. */
  protected constructor(spec: OptimizerSpec<O>, params: ParamsInput<O>, lrOrOptions: Partial<O> | number) {
    this.spec = spec;
    this.kind = spec.kind;
    const options = (typeof lrOrOptions === 'number' ? { lr: lrOrOptions } : lrOrOptions) as Partial<O>;
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`${spec.kind}: options must be an object (or the learning rate as a number), got ${String(options)}`);
    }
    checkKnownKeys(spec.kind, options, Object.keys(spec.defaults));
    const defaults = structuredClone({ ...spec.defaults, ...options }) as O;
    spec.validate(spec.kind, defaults);
    for (const value of Object.values(defaults)) if (Array.isArray(value)) Object.freeze(value);
    this.defaults = Object.freeze(defaults);

    if (params instanceof Tensor || !isTensorIterable(params)) {
      throw new ValueError(
        `${spec.kind}: params must be an iterable of Tensors or of groups {params, ...options}, ` +
        `got ${describeParams(params)}`,
      );
    }
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError(`${spec.kind}: got an empty parameter list`);
    const groups = list[0] instanceof Tensor ? [{ params: list } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a group of parameters (for example layers unfrozen during fine-tuning). */
  addParamGroup(group: ParamGroupInput<O>): void {
    const where = `${this.kind}: param group ${this.paramGroups.length}`;
    if (Array.isArray(group) && group.length === 2 && typeof group[0] === 'string' && group[1] instanceof Tensor) {
      throw new ValueError(
        `${where}: got the pair ['${group[0]}', Tensor]; pass model.parameters() (not namedParameters() or stateDict(), ` +
        'whose tensors are names and detached copies)',
      );
    }
    if (group === null || typeof group !== 'object' || group instanceof Tensor || !isTensorIterable(group.params)) {
      throw new ValueError(`${where}: expected {params: Tensor[], ...options}, got ${group instanceof Tensor ? 'a Tensor mixed with groups' : String(group)}`);
    }
    const { params, ...options } = group;
    checkKnownKeys(where, options, [...Object.keys(this.spec.defaults), 'initialLr']);
    // A deep copy: groups must not share option arrays (betas) with each other or with the defaults.
    const merged = structuredClone({ ...this.defaults, ...options }) as O;
    this.spec.validate(where, merged);
    const tensors = [...params];
    if (tensors.length === 0) throw new ValueError(`${where}: has no parameters`);
    const seen = new Set<Tensor>();
    tensors.forEach((p, i) => {
      checkParameter(`${where}, parameter ${i}`, p);
      if (seen.has(p)) throw new ValueError(`${where}: parameter ${i} ${fmtShape(p.shape)} appears twice in the group`);
      if (this.paramGroups.some((g) => g.params.includes(p))) {
        throw new ValueError(`${where}: parameter ${i} ${fmtShape(p.shape)} is already in another group`);
      }
      seen.add(p);
    });
    const full = { ...merged, params: tensors } as ParamGroup<O>;
    this.paramGroups.push(full);
    for (const p of tensors) this.initState(p, full);
  }

  /**
   * Clears every parameter's gradient: drops it (default), or fills it with zeros keeping the buffer, which
   * the next backward pass then adds into without allocating. A parameter that no longer requires grad (a
   * frozen layer) has its gradient dropped either way: a zero gradient would still move it by momentum.
   */
  zeroGrad(options: ZeroGradOptions = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = gradOf(p);
        if (g === null) continue;
        // dropGrad recycles the gradient's memory for the next backward when no caller has read it.
        if (setToNone || !p.requiresGrad) dropGrad(p);
        else if (g.isContiguous) getBackend().fill(g.storage, 0, g.offset, g.size);
        else p.grad = zerosLike(p);
      }
    }
  }

  /**
   * Updates every parameter that has a gradient (parameters without one are skipped, as in PyTorch).
   * `closure`, if given, re-evaluates the model and returns the loss, which step returns.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? closure() : undefined;
    for (const group of this.paramGroups) {
      for (let i = 0; i < group.params.length; i++) {
        const p = group.params[i]!;
        const g = gradOf(p);
        if (g === null) continue;
        if (g.shape.length !== p.shape.length || g.shape.some((d, k) => d !== p.shape[k])) {
          throw new ValueError(
            `${this.kind}.step: parameter ${i} of group ${this.paramGroups.indexOf(group)} has shape ${fmtShape(p.shape)} ` +
            `but its gradient has shape ${fmtShape(g.shape)}`,
          );
        }
        let state = this.state.get(p);
        if (!state) {
          state = {};
          this.state.set(p, state);
        }
        this.update(p, denseStorage(g), group, state);
      }
    }
    return loss;
  }

  /** Creates state that exists before the first step (Adagrad's accumulator); most optimizers need none. */
  protected initState(_p: Tensor, _group: ParamGroup<O>): void {}

  /** One in-place update of `p` (whose storage is its data) from its gradient `grad`. */
  protected abstract update(p: Tensor, grad: Storage, group: ParamGroup<O>, state: ParamState): void;

  /** A zero buffer shaped like `p`, created once and kept in `state[key]`. */
  protected buffer(state: ParamState, key: string, p: Tensor, fill = 0): Tensor {
    let t = state[key];
    if (!(t instanceof Tensor)) {
      t = full(p.shape, fill);
      state[key] = t;
    }
    return t;
  }

  /**
   * PyTorch's state dict, with PyTorch's names for the options in paramGroups (weight_decay, initial_lr).
   * State tensors are the live buffers (not copies, like PyTorch); loadStateDict copies what it is given and
   * takes the options under either name (weight_decay or weightDecay).
   */
  stateDict(): OptimizerStateDict {
    const state: Record<number, ParamState> = {};
    const paramGroups: ParamGroupState[] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const { params, ...options } = group;
      const ids: number[] = [];
      for (const p of params) {
        const s = this.state.get(p);
        if (s && Object.keys(s).length > 0) state[index] = { ...s };
        ids.push(index++);
      }
      paramGroups.push({ ...pytorchNames(structuredClone(options)), params: ids });
    }
    return { state, paramGroups };
  }

  /**
   * Restores options and state saved by stateDict() from an optimizer of the same kind over parameters of
   * the same shapes in the same groups. Everything is checked before anything changes.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const where = `${this.kind}.loadStateDict`;
    if (dict === null || typeof dict !== 'object' || !Array.isArray(dict.paramGroups) || typeof dict.state !== 'object' || dict.state === null) {
      throw new ValueError(`${where}: expected {state, paramGroups}, got ${dict === null ? 'null' : typeof dict}`);
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`${where}: the state dict has ${dict.paramGroups.length} param groups, this optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const newOptions: O[] = [];
    dict.paramGroups.forEach((saved, gi) => {
      const mine = this.paramGroups[gi]!;
      if (!Array.isArray(saved.params) || saved.params.length !== mine.params.length) {
        throw new ValueError(`${where}: param group ${gi} has ${Array.isArray(saved.params) ? saved.params.length : 'no'} parameters in the state dict, ${mine.params.length} here`);
      }
      const { params: ids, ...savedOptions } = saved;
      const options = ourNames(savedOptions);
      checkKnownKeys(`${where}: param group ${gi}`, options, [...Object.keys(this.spec.defaults), 'initialLr']);
      const merged = { ...this.spec.defaults, ...options } as O;
      this.spec.validate(`${where}: param group ${gi}`, merged);
      newOptions.push(merged);
      ids.forEach((id, k) => {
        if (!Number.isInteger(id) || byIndex.has(id)) throw new ValueError(`${where}: param group ${gi} lists parameter index ${id} (not an integer, or listed twice)`);
        byIndex.set(id, mine.params[k]!);
      });
    });
    const loaded = new Map<Tensor, ParamState>();
    for (const [key, saved] of Object.entries(dict.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new ValueError(`${where}: state for parameter ${key}, which no param group lists`);
      loaded.set(p, this.copyState(`${where}: state ${key}`, saved, p));
    }
    // Everything checked: apply.
    this.paramGroups.forEach((group, gi) => {
      const opts = newOptions[gi]! as Record<string, unknown>;
      for (const k of Object.keys(opts)) (group as unknown as Record<string, unknown>)[k] = structuredClone(opts[k]);
      if (!('initialLr' in opts)) delete group.initialLr;
    });
    this.state.clear();
    for (const group of this.paramGroups) for (const p of group.params) this.initState(p, group);
    for (const [p, s] of loaded) this.state.set(p, s);
  }

  private copyState(where: string, saved: ParamState, p: Tensor): ParamState {
    if (saved === null || typeof saved !== 'object') throw new ValueError(`${where}: expected an object, got ${String(saved)}`);
    const out: ParamState = {};
    for (const [key, value] of Object.entries(saved)) {
      if (key === 'step') {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
          throw new ValueError(`${where}: step must be a non-negative integer, got ${String(value)}`);
        }
        out.step = value;
      } else if (this.spec.stateKeys.includes(key)) {
        if (!(value instanceof Tensor)) throw new ValueError(`${where}: '${key}' must be a Tensor`);
        if (value.shape.length !== p.shape.length || value.shape.some((d, i) => d !== p.shape[i])) {
          throw new ValueError(`${where}: '${key}' has shape ${fmtShape(value.shape)}, the parameter has shape ${fmtShape(p.shape)}`);
        }
        out[key] = tensor(Float32Array.from(value.data()), p.shape).to(getBackend().name);
      } else {
        throw new ValueError(`${where}: unknown state '${key}' for ${this.kind} (expected step, ${this.spec.stateKeys.join(', ')})`);
      }
    }
    return out;
  }
}

/** What was passed instead of parameters, with the usual fix. */
function describeParams(params: unknown): string {
  if (params instanceof Tensor) return `a single Tensor ${fmtShape(params.shape)} (wrap it in an array)`;
  // A Module is callable, and so is its parameters method: both are functions.
  if (typeof params === 'function') return 'a function (pass model.parameters(), with the call, rather than model or model.parameters)';
  return params === null ? 'null' : typeof params;
}

/** Optimizers update a parameter's storage in place: it must be a leaf that owns all of its storage. */
function checkParameter(where: string, p: unknown): asserts p is Tensor {
  if (!(p instanceof Tensor)) throw new ValueError(`${where}: expected a Tensor, got ${p === null ? 'null' : typeof p}`);
  if (p.gradFn !== null) {
    throw new ValueError(`${where}: ${fmtShape(p.shape)} is not a leaf (it was computed by '${p.gradFn.name}'); optimize leaf tensors, e.g. x.detach().requiresGrad_()`);
  }
  if (!p.isContiguous || p.offset !== 0 || p.storage.length !== p.size) {
    throw new ValueError(
      `${where}: ${fmtShape(p.shape)} is a view (offset ${p.offset}, strides [${p.strides.join(', ')}], storage of ${p.storage.length} elements); ` +
      'a parameter must be contiguous and own its storage, e.g. use x.clone().detach().requiresGrad_()',
    );
  }
}

/** camelCase option names as PyTorch spells them in a state dict: weightDecay -> weight_decay. */
function pytorchNames(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** The inverse of pytorchNames: weight_decay -> weightDecay (camelCase names pass unchanged). */
function ourNames(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));
}

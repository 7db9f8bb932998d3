// Module: the base of every layer. It owns parameters (leaf tensors that require grad), buffers (state that
// is saved but not trained, like BatchNorm's running statistics) and child modules, and walks them for
// parameters(), stateDict(), train()/eval() and zeroGrad(). A module is callable: model(x) runs forward(x)
// between its forward hooks.

import { NablaError, Tensor, describeValue, dropGrad } from '@nabla/core';
import { applyStateDict, type LoadResult, type LoadStateDictOptions } from './state.js';
import { summarize } from './summary.js';
import { addPostHook, addPreHook, callModule, type ForwardHook, type ForwardPreHook, type HookHandle } from './hooks.js';

export type StateDict = Map<string, Tensor>;

// Declaration merging gives instances the call signature that the constructor makes real.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Module {
  (...xs: Tensor[]): Tensor;
}

interface Registry {
  parameters: Map<string, Tensor | null>;
  buffers: Map<string, Tensor | null>;
  modules: Map<string, Module>;
}

const registries = new WeakMap<Module, Registry>();

function registryOf(m: Module): Registry {
  const r = registries.get(m);
  if (!r) throw new NablaError(`${m.constructor.name}: module was not initialised (did a subclass skip super()?)`);
  return r;
}

function checkName(kind: string, owner: Module, name: string): void {
  if (name === '' || name.includes('.')) {
    throw new NablaError(`${owner.constructor.name}: ${kind} name '${name}' must be non-empty and contain no '.'`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Module {
  /** True in training mode (Dropout drops, BatchNorm uses batch statistics); set by train()/eval(). */
  declare training: boolean;

  constructor() {
    // A function object with this class's prototype, so `model(x)` works as well as `model.forward(x)`.
    // Fields must be set on `self`, not `this`: the constructor returns `self`, which subclasses then extend.
    const self = ((...xs: Tensor[]) => callModule(self, xs)) as unknown as Module;
    Object.setPrototypeOf(self, new.target.prototype);
    // Functions carry own `name` and `length` properties; drop them so they cannot shadow a subclass member.
    delete (self as { name?: unknown }).name;
    delete (self as { length?: unknown }).length;
    self.training = true;
    registries.set(self, { parameters: new Map(), buffers: new Map(), modules: new Map() });
    return self;
  }

  abstract forward(...xs: Tensor[]): Tensor;

  // ---- hooks ----------------------------------------------------------------------------------

  /**
   * Runs `hook(module, inputs)` before forward each time the module is called (`m(x)`, not `m.forward(x)`);
   * a returned tensor (or array) replaces the inputs. Returns a handle whose remove() takes it off.
   */
  registerForwardPreHook(hook: ForwardPreHook): HookHandle {
    return addPreHook(this, hook);
  }

  /**
   * Runs `hook(module, inputs, output)` after forward each time the module is called; a returned tensor
   * replaces the output. Returns a handle whose remove() takes it off. A hooked layer is never fused.
   */
  registerForwardHook(hook: ForwardHook): HookHandle {
    return addPostHook(this, hook);
  }

  // ---- registration ---------------------------------------------------------------------------

  /** Adds a parameter (made a leaf that requires grad); null registers an absent one (a Linear without bias). */
  protected registerParameter(name: string, value: Tensor | null): Tensor | null {
    checkName('parameter', this, name);
    if (value !== null) {
      if (!(value instanceof Tensor)) {
        throw new NablaError(`${this.constructor.name}: parameter '${name}' must be a Tensor or null, got ${describeValue(value)}`);
      }
      if (value.gradFn !== null) {
        throw new NablaError(`${this.constructor.name}: parameter '${name}' must be a leaf tensor (use .detach())`);
      }
      value.requiresGrad = true;
    }
    registryOf(this).parameters.set(name, value);
    return value;
  }

  /** Adds a buffer: state saved in stateDict() but not returned by parameters(). */
  protected registerBuffer(name: string, value: Tensor | null): Tensor | null {
    checkName('buffer', this, name);
    if (value !== null && !(value instanceof Tensor)) {
      throw new NablaError(`${this.constructor.name}: buffer '${name}' must be a Tensor or null, got ${describeValue(value)}`);
    }
    registryOf(this).buffers.set(name, value);
    return value;
  }

  /** Adds a child module. Modules stored in plain properties are found without this. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    checkName('module', this, name);
    if (!(module instanceof Module)) throw new NablaError(`${this.constructor.name}: child '${name}' is not a Module`);
    registryOf(this).modules.set(name, module);
    return module;
  }

  protected getParameter(name: string): Tensor | null {
    return registryOf(this).parameters.get(name) ?? null;
  }

  protected getBuffer(name: string): Tensor | null {
    return registryOf(this).buffers.get(name) ?? null;
  }

  // ---- traversal ------------------------------------------------------------------------------

  /** This module's own parameters: registered ones, then leaf tensors requiring grad held in properties. */
  private ownParameters(): [string, Tensor][] {
    const reg = registryOf(this);
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [name, t] of reg.parameters) {
      if (t) {
        out.push([name, t]);
        seen.add(t);
      }
    }
    for (const t of reg.buffers.values()) if (t) seen.add(t);
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Tensor && value.requiresGrad && value.gradFn === null && !seen.has(value)) {
        out.push([key, value]);
        seen.add(value);
      }
    }
    return out;
  }

  /**
   * Direct children with their names: registered ones, then modules held in properties, then modules in
   * array properties (named 'blocks.0', 'blocks.1', as PyTorch names a ModuleList's members).
   */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [...registryOf(this).modules];
    const seen = new Set(out.map(([, m]) => m));
    const add = (name: string, m: Module): void => {
      if (seen.has(m)) return;
      out.push([name, m]);
      seen.add(m);
    };
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) add(key, value);
      else if (Array.isArray(value)) value.forEach((v: unknown, i) => v instanceof Module && add(`${key}.${i}`, v));
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name ('0.weight'); a parameter shared by two modules is listed once. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of m.ownParameters()) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix ? `${prefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of registryOf(m).buffers) {
        if (t) out.push([prefix ? `${prefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Number of parameter elements (trainable only, when asked). */
  countParameters(trainableOnly = false): number {
    return this.parameters().reduce((n, p) => n + (trainableOnly && !p.requiresGrad ? 0 : p.size), 0);
  }

  // ---- modes and gradients --------------------------------------------------------------------

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    // Keras' model(x, training) habit passes other things here; a string 'false' would mean training.
    if (typeof mode !== 'boolean') throw new NablaError(`${this.constructor.name}.train: mode must be true or false, got ${describeValue(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * Clears the gradient of every parameter (sets it to null, as PyTorch's default; memory that nobody outside
   * nabla has read goes back for the next gradients, see dropGrad).
   */
  zeroGrad(): void {
    for (const p of this.parameters()) dropGrad(p);
  }

  /** Calls fn on every descendant and then on this module (for custom initialisation, like PyTorch's apply). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- state ----------------------------------------------------------------------------------

  /**
   * Parameters and buffers by dotted name, with PyTorch's names ('0.weight', '1.running_mean'), so a state
   * dict maps onto a PyTorch one key by key. Values share storage with the module (detached from autograd).
   */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of m.ownParameters()) out.set(prefix ? `${prefix}.${name}` : name, t.detach());
      for (const [name, t] of registryOf(m).buffers) {
        if (t) out.set(prefix ? `${prefix}.${name}` : name, t.detach());
      }
    }
    return out;
  }

  /**
   * Copies values into the existing parameter and buffer storage (optimizers holding them stay valid).
   * Shapes must match exactly. With strict (the default), missing and unexpected keys are errors too.
   */
  loadStateDict(dict: Map<string, Tensor> | Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadResult {
    return applyStateDict(this.constructor.name, this.stateDict(), dict, options);
  }

  // ---- description ----------------------------------------------------------------------------

  /** The constructor options worth showing, as in PyTorch's repr: 'in_features=4, out_features=3'. */
  protected extraRepr(): string {
    return '';
  }

  /** A tree of the modules with their options, like PyTorch's repr. */
  repr(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, m]) => `  (${name}): ${m.repr().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }

  /**
   * A Keras-style table of the leaf layers with output shapes and parameter counts. `inputShape` is one
   * sample's shape without the batch axis (e.g. [784]); without it the input width is taken from the first
   * layer when it is a Linear or BatchNorm1d, else output shapes are shown as '?'. Shapes come from one
   * forward pass over zeros in eval mode without autograd; a failing pass is an error naming the shape.
   */
  summary(inputShape?: readonly number[]): string {
    return summarize(this, inputShape, true);
  }

  /** What console.log shows in Node (a module is a function object, which Node would print as one). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.repr();
  }

  /** The summary table; output shapes it cannot work out are shown as '?' (toString never throws). */
  toString(): string {
    return summarize(this, undefined, false);
  }
}

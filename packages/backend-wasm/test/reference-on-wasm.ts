// The float64 reference backend of the conformance suite, computing over the wasm backend's memory: each call
// copies the storages it is given out of linear memory, runs the reference code on the copies, and writes them
// back (copies are exact). The suite's onBoth switches between the backend under test and 'reference' with
// inputs made once, so the two must share a memory; this way they do, and the expected values are still the
// reference backend's.

import type { Backend, GemmArgs, View } from '@nabla/core';
import { ReferenceBackend } from '@nabla/backend-tests';
import type { WasmMemory, WasmStorage } from '../src/index.js';

type S = WasmStorage;

export class ReferenceOnWasm implements Backend<S> {
  readonly name = 'reference';
  private readonly ref = new ReferenceBackend();

  constructor(readonly memory: WasmMemory) {}

  /** Runs fn on host copies of the storages (one copy per storage, so aliasing is kept), then writes back. */
  private run(fn: (host: (s: S) => Float32Array) => void): void {
    const copies = new Map<S, Float32Array>();
    const host = (s: S): Float32Array => {
      let c = copies.get(s);
      if (!c) copies.set(s, (c = this.memory.read(s, 0, s.length)));
      return c;
    };
    fn(host);
    for (const [s, c] of copies) this.memory.write(s, 0, c);
  }

  private static view(host: (s: S) => Float32Array, v: View<S>): View {
    return { storage: host(v.storage), shape: v.shape, strides: v.strides, offset: v.offset };
  }

  unary(...[op, x, out]: Parameters<Backend<S>['unary']>): void {
    this.run((h) => this.ref.unary(op, ReferenceOnWasm.view(h, x), h(out)));
  }

  binary(...[op, a, b, out]: Parameters<Backend<S>['binary']>): void {
    this.run((h) => this.ref.binary(op, ReferenceOnWasm.view(h, a), ReferenceOnWasm.view(h, b), h(out)));
  }

  where(...[c, a, b, out]: Parameters<Backend<S>['where']>): void {
    this.run((h) => this.ref.where(ReferenceOnWasm.view(h, c), ReferenceOnWasm.view(h, a), ReferenceOnWasm.view(h, b), h(out)));
  }

  reduce(...[op, x, axes, out]: Parameters<Backend<S>['reduce']>): void {
    this.run((h) => this.ref.reduce(op, ReferenceOnWasm.view(h, x), axes, h(out)));
  }

  argmax(...[x, axis, out]: Parameters<Backend<S>['argmax']>): void {
    this.run((h) => this.ref.argmax(ReferenceOnWasm.view(h, x), axis, h(out)));
  }

  gemm(g: GemmArgs<S>): void {
    this.run((h) => this.ref.gemm({ ...g, a: h(g.a), b: h(g.b), c: h(g.c) }));
  }

  copy(...[x, out, outOffset]: Parameters<Backend<S>['copy']>): void {
    this.run((h) => this.ref.copy(ReferenceOnWasm.view(h, x), h(out), outOffset));
  }

  fill(...[out, value, offset, length]: Parameters<Backend<S>['fill']>): void {
    this.run((h) => this.ref.fill(h(out), value, offset, length));
  }
}

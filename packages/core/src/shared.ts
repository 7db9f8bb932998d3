// State that every copy of @nabla/core loaded in one process must agree on (two bundles, two node_modules):
// whether gradients are recorded, which graphs backward has freed, hooks, which gradients may be recycled.
// It lives on globalThis under a Symbol.for key, as the registry and host memory do, so that noGrad() called
// through one copy also stops recording in ops of the other.

/** The process-wide value named `name`, made by `make` by whichever copy asks first. */
export function shared<T>(name: string, make: () => T): T {
  const slot = globalThis as unknown as Record<symbol, T | undefined>;
  return (slot[Symbol.for(`@nabla/core/${name}`)] ??= make());
}

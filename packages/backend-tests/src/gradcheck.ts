// The suite's gradient check: core's public gradcheck, under the name of the op being checked.

import { gradcheck as check, type GradcheckOptions as CoreOptions, type Tensor } from '@nabla/core';

export type GradcheckOptions = Omit<CoreOptions, 'name'>;

/**
 * Checks d(sum(f(...inputs) * w))/d(input) for every input with requiresGrad against central differences.
 * Throws naming the op, the input and the element that disagrees.
 */
export function gradcheck(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): void {
  check(f, inputs, { ...opts, name: `gradcheck ${name}` });
}

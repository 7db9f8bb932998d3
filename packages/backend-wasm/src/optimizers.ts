// In-place optimizer steps. Scalars that depend only on the step count are computed here, in float64, with
// the same expressions as backend-js, and passed in.

import type { AdagradStepArgs, AdamStepArgs, RmspropStepArgs, SgdStepArgs } from '@nabla/core';
import { checkNumber, checkStorage } from './check.js';
import type { Context } from './context.js';
import type { WasmStorage } from './memory.js';

function checkState(ctx: Context, op: string, param: WasmStorage, arrays: Record<string, WasmStorage>): void {
  checkStorage(ctx.mem, op, 'param', param, 0);
  for (const [name, s] of Object.entries(arrays)) checkStorage(ctx.mem, op, name, s, param.length);
}

function checkArgs(op: string, args: object, keys: readonly string[]): void {
  if (typeof args !== 'object' || args === null) throw new TypeError(`${op}: expected an arguments object`);
  for (const key of keys) checkNumber(op, key, (args as Record<string, unknown>)[key]);
}

export function sgdStep(ctx: Context, param: WasmStorage, grad: WasmStorage, momentumBuf: WasmStorage | null, args: SgdStepArgs): void {
  checkArgs('sgdStep', args, ['lr', 'momentum', 'dampening', 'weightDecay']);
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = args;
  checkState(ctx, 'sgdStep', param, { grad });
  if (momentum !== 0 && !momentumBuf) throw new TypeError('sgdStep: momentum is set but no momentum buffer was given');
  if (momentumBuf) checkState(ctx, 'sgdStep', param, { momentumBuf });
  ctx.wasm.sgd_step(
    param.ptr, grad.ptr, momentumBuf ? momentumBuf.ptr : 0, param.length, lr, momentum, dampening,
    nesterov ? 1 : 0, weightDecay, firstStep ? 1 : 0,
  );
}

export function adamStep(
  ctx: Context, param: WasmStorage, grad: WasmStorage, expAvg: WasmStorage, expAvgSq: WasmStorage,
  maxExpAvgSq: WasmStorage | null, args: AdamStepArgs,
): void {
  checkArgs('adamStep', args, ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'step']);
  const { lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, step } = args;
  checkState(ctx, 'adamStep', param, { grad, expAvg, expAvgSq });
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`adamStep: step must be an integer >= 1, got ${step}`);
  if (amsgrad && !maxExpAvgSq) throw new TypeError('adamStep: amsgrad needs the maxExpAvgSq array');
  if (amsgrad) checkState(ctx, 'adamStep', param, { maxExpAvgSq: maxExpAvgSq! });
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  const decay = 1 - lr * weightDecay; // AdamW's multiplicative decay
  ctx.wasm.adam_step(
    param.ptr, grad.ptr, expAvg.ptr, expAvgSq.ptr, amsgrad ? maxExpAvgSq!.ptr : 0, param.length, beta1, beta2, eps,
    weightDecay, decoupled ? 1 : 0, stepSize, bc2Sqrt, decay,
  );
}

export function rmspropStep(
  ctx: Context, param: WasmStorage, grad: WasmStorage, squareAvg: WasmStorage, momentumBuf: WasmStorage | null,
  gradAvg: WasmStorage | null, args: RmspropStepArgs,
): void {
  checkArgs('rmspropStep', args, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum']);
  const { lr, alpha, eps, weightDecay, momentum, centered } = args;
  checkState(ctx, 'rmspropStep', param, { grad, squareAvg });
  if (momentum > 0 && !momentumBuf) throw new TypeError('rmspropStep: momentum is set but no momentum buffer was given');
  if (centered && !gradAvg) throw new TypeError('rmspropStep: centered needs the gradAvg array');
  if (momentum > 0) checkState(ctx, 'rmspropStep', param, { momentumBuf: momentumBuf! });
  if (centered) checkState(ctx, 'rmspropStep', param, { gradAvg: gradAvg! });
  ctx.wasm.rmsprop_step(
    param.ptr, grad.ptr, squareAvg.ptr, momentum > 0 ? momentumBuf!.ptr : 0, centered ? gradAvg!.ptr : 0,
    param.length, lr, alpha, eps, weightDecay, momentum,
  );
}

export function adagradStep(ctx: Context, param: WasmStorage, grad: WasmStorage, stateSum: WasmStorage, args: AdagradStepArgs): void {
  checkArgs('adagradStep', args, ['clr', 'eps', 'weightDecay']);
  checkState(ctx, 'adagradStep', param, { grad, stateSum });
  ctx.wasm.adagrad_step(param.ptr, grad.ptr, stateSum.ptr, param.length, args.clr, args.eps, args.weightDecay);
}

// Option keys a constructor does not know are refused, not ignored: PyTorch's names (num_replicas,
// bucket_cap_mb, find_unused_parameters, timeout) would otherwise change nothing without a word.

import { checkOptions } from '@nabla/core';

/** PyTorch's names (camel-cased too) with what to do here instead. */
const PYTORCH_NAMES: Record<string, string> = {
  numReplicas: "this package calls it 'worldSize'",
  bucketCapMB: "this package spells it 'bucketCapMb'",
  timeout: "this package takes 'timeoutMs', in milliseconds",
  findUnusedParameters: 'not supported: every parameter that requires grad must receive a gradient in every ' +
    'step (set requiresGrad = false before wrapping on the ones a step leaves out)',
  deviceIds: 'not needed: every rank computes on its own CPU backend',
  outputDevice: 'not needed: every rank computes on its own CPU backend',
  backend: 'not needed: the collectives always go through MPI',
};

export function checkKnownKeys(where: string, options: object, known: readonly string[]): void {
  checkOptions(where, options, known, PYTORCH_NAMES);
}

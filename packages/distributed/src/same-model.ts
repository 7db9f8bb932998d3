// Before DistributedDataParallel sends anything, the ranks check that they wrapped the same model with the
// same options (PyTorch checks the parameter shapes the same way). Ranks that disagree would otherwise
// broadcast and sum arrays of different layouts: the job would end on a collective's mismatch or deadline,
// far from the cause. Rank 0's description is broadcast, each rank compares it with its own, and one sum
// tells every rank which ranks differ, so that all of them throw together, each saying what it knows.

import { ValueError, type Tensor } from '@nabla/core';
import type { ProcessGroup } from './group.js';

export interface ReplicaLayout {
  parameters: readonly [string, Tensor][];
  buffers: readonly [string, Tensor][];
  bucketCapMb: number;
  broadcastBuffers: boolean;
}

/** 32-bit FNV-1a of a string: exact in a float64, the same on every rank for the same text. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const shapes = (ts: readonly [string, Tensor][]): string => ts.map(([, t]) => t.shape.join('x')).join(';');
const values = (ts: readonly [string, Tensor][]): number => ts.reduce((n, [, t]) => n + t.size, 0);

// Fields of the description, and how a difference in each is told.
const PARAMETER_COUNT = 0, PARAMETER_VALUES = 1, PARAMETER_SHAPES = 2, TRAINABLE_COUNT = 3, TRAINABLE = 4, CAP = 5,
  BUFFER_COUNT = 6, BUFFER_SHAPES = 7, BROADCAST_BUFFERS = 8, FIELDS = 9;

function describe(layout: ReplicaLayout): Float64Array {
  const d = new Float64Array(FIELDS);
  d[PARAMETER_COUNT] = layout.parameters.length;
  d[PARAMETER_VALUES] = values(layout.parameters);
  d[PARAMETER_SHAPES] = hash(shapes(layout.parameters));
  d[TRAINABLE_COUNT] = layout.parameters.filter(([, p]) => p.requiresGrad).length;
  d[TRAINABLE] = hash(layout.parameters.map(([, p]) => (p.requiresGrad ? '1' : '0')).join(''));
  d[CAP] = layout.bucketCapMb;
  d[BUFFER_COUNT] = layout.buffers.length;
  d[BUFFER_SHAPES] = hash(shapes(layout.buffers));
  d[BROADCAST_BUFFERS] = layout.broadcastBuffers ? 1 : 0;
  return d;
}

function differences(mine: Float64Array, root: Float64Array): string[] {
  const out: string[] = [];
  const differs = (...fields: number[]) => fields.some((f) => mine[f] !== root[f]);
  if (differs(PARAMETER_COUNT, PARAMETER_VALUES, PARAMETER_SHAPES)) {
    out.push(`the parameters (here ${mine[PARAMETER_COUNT]} parameters, ${mine[PARAMETER_VALUES]} values in all; on rank 0 ` +
      `${root[PARAMETER_COUNT]} parameters, ${root[PARAMETER_VALUES]} values${differs(PARAMETER_COUNT, PARAMETER_VALUES) ? '' : ', of other shapes'})`);
  } else if (differs(TRAINABLE_COUNT, TRAINABLE)) {
    out.push(`which parameters require grad (here ${mine[TRAINABLE_COUNT]}, on rank 0 ${root[TRAINABLE_COUNT]}` +
      `${differs(TRAINABLE_COUNT) ? '' : ', not the same ones'}; freeze the same ones on every rank before wrapping)`);
  }
  if (differs(BUFFER_COUNT, BUFFER_SHAPES)) {
    out.push(`the buffers (here ${mine[BUFFER_COUNT]}, on rank 0 ${root[BUFFER_COUNT]}` +
      `${differs(BUFFER_COUNT) ? '' : ', of other shapes'})`);
  }
  if (differs(CAP)) out.push(`bucketCapMb (here ${mine[CAP]}, on rank 0 ${root[CAP]})`);
  if (differs(BROADCAST_BUFFERS)) {
    out.push(`broadcastBuffers (here ${mine[BROADCAST_BUFFERS] === 1}, on rank 0 ${root[BROADCAST_BUFFERS] === 1})`);
  }
  return out;
}

/** Collective: throws on every rank when any rank's model or options differ from rank 0's. */
export function checkSameReplicas(group: ProcessGroup, layout: ReplicaLayout): void {
  if (group.worldSize === 1) return;
  const mine = describe(layout);
  const root = mine.slice();
  group.broadcast(root, 0);
  const here = differences(mine, root);
  const differing = new Float64Array(group.worldSize);
  differing[group.rank] = here.length > 0 ? 1 : 0;
  group.allSum(differing);
  const ranks = [...differing.keys()].filter((r) => differing[r] !== 0);
  if (ranks.length === 0) return;
  const what = here.length > 0
    ? `rank ${group.rank} wrapped a model or options that differ from rank 0's in ${here.join('; ')}`
    : `rank(s) ${ranks.join(', ')} wrapped a model or options that differ from rank 0's (their error says how)`;
  throw new ValueError(`DistributedDataParallel: ${what}; every rank must wrap the same model with the same options`);
}

// DistributedDataParallel's options are checked before it talks to any other rank, so these run without MPI.
import { describe, expect, it } from 'vitest';
import '@nabla/backend-js';
import { Linear } from '@nabla/layers';
import { DistributedDataParallel } from '../src/index.js';

const wrap = (options: object) => () => new DistributedDataParallel(new Linear(2, 2), options as never);

describe('DistributedDataParallel options', () => {
  it('refuses PyTorch option names and misspellings, naming what to use', () => {
    expect(wrap({ find_unused_parameters: true })).toThrow("DistributedDataParallel: unknown option 'find_unused_parameters' " +
      '(not supported: every parameter that requires grad must receive a gradient in every step (set requiresGrad = false ' +
      'before wrapping on the ones a step leaves out)); known options: group, bucketCapMb, broadcastBuffers, overlap');
    expect(wrap({ bucket_cap_mb: 4 })).toThrow(/unknown option 'bucket_cap_mb' \(did you mean 'bucketCapMb'\?\)/);
    expect(wrap({ bucketCapMB: 4 })).toThrow(/unknown option 'bucketCapMB' \(this package spells it 'bucketCapMb'\)/);
    expect(wrap({ deviceIds: [0] })).toThrow(/unknown option 'deviceIds' \(not needed/);
  });

  it('refuses bad values with the value named', () => {
    expect(wrap({ bucketCapMb: 0 })).toThrow(/bucketCapMb must be a finite number > 0, got the number 0/);
    expect(wrap({ bucketCapMb: Number.NaN })).toThrow(/bucketCapMb must be a finite number > 0, got the number NaN/);
    expect(wrap({ bucketCapMb: Infinity })).toThrow(/bucketCapMb must be a finite number > 0/);
    expect(wrap({ bucketCapMb: '1' })).toThrow(/bucketCapMb must be a finite number > 0, got a string \("1"\)/);
    expect(wrap({ broadcastBuffers: 1 })).toThrow(/broadcastBuffers must be true or false, got the number 1/);
    expect(wrap({ overlap: 'false' })).toThrow(/overlap must be true or false, got a string \("false"\)/);
    expect(wrap({ group: { rank: 0, worldSize: 1 } })).toThrow(/group must be the ProcessGroup of initDistributed\(\), got an object/);
    expect(() => new DistributedDataParallel({} as never)).toThrow(/expected a Module of @nabla\/layers, got an object/);
  });

  it('needs initDistributed() when no group is given', () => {
    expect(wrap({})).toThrow(/call initDistributed\(\) first/);
  });
});

// @nabla/distributed: data-parallel training over MPI. Run one process per rank with mpirun; each calls
// initDistributed(), wraps its model in DistributedDataParallel, loads its share of the data through a
// DistributedSampler, and passes the process group to fit as `parallel`.

export { distributedInfo, getProcessGroup, initDistributed, ProcessGroup } from './group.js';
export type { DistributedInfo, InitOptions, Work } from './group.js';
export { DistributedSampler, type DistributedSamplerOptions } from './sampler.js';
export { DistributedDataParallel, type DistributedDataParallelOptions } from './ddp.js';
export { addonPath, installLogPath, EXPECTED_ABI_VERSION, type MpiAddon, type MpiBuffer } from './addon.js';
export type { Reducible } from './host.js';

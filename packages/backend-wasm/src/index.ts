// @nabla/backend-wasm: nabla's kernels in WebAssembly SIMD (sgemm, elementwise, reductions, fused kernels)
// over tensors that live in the module's linear memory, with their allocator. Loading registers nothing.

export { WasmKernels } from './kernels.js';
export { WasmMemory, WasmStorage, sizeClass, type MemoryStats } from './memory.js';
export type { WasmView } from './check.js';
export type { WasmGemmArgs } from './gemm.js';
export type { LoadOptions, Variant } from './loader.js';

// The GEMMs compared: the nine of one training step of the MLP 784-256-128-10 at batch 128 (per layer,
// in -> out: forward Y = X·Wᵀ, dW = dYᵀ·X, dX = dY·W) and a square 1024³. The names match peers_sgemm.cpp.

export interface GemmShape {
  name: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
}

export const WIDTHS = [784, 256, 128, 10] as const;
export const BATCH = 128;

function stepShapes(): GemmShape[] {
  const out: GemmShape[] = [];
  for (let l = 0; l + 1 < WIDTHS.length; l++) {
    const inW = WIDTHS[l]!;
    const outW = WIDTHS[l + 1]!;
    out.push({ name: `fc${l + 1} fwd`, transA: false, transB: true, m: BATCH, n: outW, k: inW });
    out.push({ name: `fc${l + 1} dW`, transA: true, transB: false, m: outW, n: inW, k: BATCH });
    out.push({ name: `fc${l + 1} dX`, transA: false, transB: false, m: BATCH, n: inW, k: outW });
  }
  return out;
}

export const STEP_SHAPES: readonly GemmShape[] = stepShapes();
export const SQUARE: GemmShape = { name: 'square 1024', transA: false, transB: false, m: 1024, n: 1024, k: 1024 };
export const GEMM_SHAPES: readonly GemmShape[] = [...STEP_SHAPES, SQUARE];

export function gemmFlops(s: GemmShape): number {
  return 2 * s.m * s.n * s.k;
}

/** GFLOP/s of the nine step GEMMs run one after another: total flops over the summed time. */
export function stepGflops(gflopsByName: ReadonlyMap<string, number>): number | undefined {
  let flops = 0;
  let seconds = 0;
  for (const s of STEP_SHAPES) {
    const g = gflopsByName.get(s.name);
    if (g === undefined || !(g > 0)) return undefined;
    flops += gemmFlops(s);
    seconds += gemmFlops(s) / (g * 1e9);
  }
  return flops / seconds / 1e9;
}

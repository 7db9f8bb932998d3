// gatherBytes' second half: TypeScript has already widened the picked bytes into `out` (a typed-array copy
// straight into linear memory); this divides them, one IEEE float32 division per element, as backend-js does.

#include "common.h"

EXPORT("divide") void divide(float *out, int n, float d) {
  int i = 0;
  v128_t vd = wasm_f32x4_splat(d);
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_div(wasm_v128_load(out + i), vd));
  for (; i < n; i++) out[i] = out[i] / d;
}

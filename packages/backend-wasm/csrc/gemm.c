// sgemm, C = alpha * op(A) * op(B) + beta * C, row-major, BLIS-style.
//
// For each NC-wide column block and KC-deep slice of k, a KC×NC panel of op(B) is packed into slivers of
// NR columns, then each MC×KC block of op(A) into slivers of MR rows; both k-major and zero-padded, so the
// micro-kernel reads two streams with unit stride and never branches on edges. Packing reads A and B
// through their transpose flags: the four transpose combinations run the same kernel on the same layout.
// An A block (128 KiB) stays in L2 while the B slivers (8 KiB each) stream through L1.
//
// The micro-kernel keeps an MR×NR tile of C in MR·NR/4 f32x4 accumulators, in a function of its own so the
// engine allocates registers for the small loop alone. Engines map 16 xmm registers: 4×8 needs 8
// accumulators + 2 B vectors + 1 broadcast A value + 1 product temporary. 6×8 (12 accumulators) and 4×12
// measured slower under V8, whose allocator then spills; unrolling the k loop did not help either.
// The default build multiplies and adds separately (two roundings, as plain wasm SIMD defines them,
// identical everywhere); the relaxed-SIMD build uses f32x4.relaxed_madd, which may fuse (one rounding)
// depending on the hardware, so its results can differ in the last bit from the default build and
// between machines.

#include "common.h"

#ifndef MR
#define MR 4
#endif
#ifndef NV
#define NV 2
#endif
#define NR (4 * NV)
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 128
#endif
#ifndef NC
#define NC 1024
#endif

static float packed_a[MC * KC] __attribute__((aligned(64)));
static float packed_b[KC * NC] __attribute__((aligned(64)));

#if defined(__wasm_relaxed_simd__)
#define MADD(acc, a, b) __builtin_wasm_relaxed_madd_f32x4((a), (b), (acc))
#else
#define MADD(acc, a, b) wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))
#endif

// op(A)[i0 .. i0+mc, p0 .. p0+kc] into slivers of MR rows: sliver s, depth p, row r at s*MR*kc + p*MR + r.
static void pack_a(const float *a, int lda, int trans, int i0, int mc, int p0, int kc) {
  for (int s = 0; s * MR < mc; s++) {
    float *dst = packed_a + s * MR * kc;
    int rows = imin(MR, mc - s * MR);
    if (trans) {
      // op(A)[i][p] = a[p*lda + i]: each depth's MR values are contiguous in memory.
      const float *src = a + (long)p0 * lda + i0 + s * MR;
      if (MR == 4 && rows == 4) {
        for (int p = 0; p < kc; p++, src += lda, dst += MR) wasm_v128_store(dst, wasm_v128_load(src));
        continue;
      }
      for (int p = 0; p < kc; p++, src += lda, dst += MR) {
        int r = 0;
        for (; r < rows; r++) dst[r] = src[r];
        for (; r < MR; r++) dst[r] = 0.0f;
      }
    } else if (MR == 4 && rows == 4) {
      // Rows are contiguous along k: 4×4 blocks transposed in registers instead of strided scalar stores.
      const float *r0 = a + (long)(i0 + s * MR) * lda + p0, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
      int p = 0;
      for (; p + 4 <= kc; p += 4)
        transpose_store(wasm_v128_load(r0 + p), wasm_v128_load(r1 + p), wasm_v128_load(r2 + p),
                        wasm_v128_load(r3 + p), dst + p * MR, MR);
      for (; p < kc; p++) {
        dst[p * MR] = r0[p];
        dst[p * MR + 1] = r1[p];
        dst[p * MR + 2] = r2[p];
        dst[p * MR + 3] = r3[p];
      }
    } else {
      for (int r = 0; r < MR; r++) {
        if (r < rows) {
          const float *src = a + (long)(i0 + s * MR + r) * lda + p0;
          for (int p = 0; p < kc; p++) dst[p * MR + r] = src[p];
        } else {
          for (int p = 0; p < kc; p++) dst[p * MR + r] = 0.0f;
        }
      }
    }
  }
}

// op(B)[p0 .. p0+kc, j0 .. j0+nc] into slivers of NR columns: s*NR*kc + p*NR + col.
static void pack_b(const float *b, int ldb, int trans, int p0, int kc, int j0, int nc) {
  for (int s = 0; s * NR < nc; s++) {
    float *dst = packed_b + s * NR * kc;
    int cols = imin(NR, nc - s * NR);
    if (!trans && cols == NR) {
      const float *src = b + (long)p0 * ldb + j0 + s * NR;
      for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
        for (int v = 0; v < NV; v++) wasm_v128_store(dst + 4 * v, wasm_v128_load(src + 4 * v));
      }
    } else if (!trans) {
      const float *src = b + (long)p0 * ldb + j0 + s * NR;
      for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
        int col = 0;
        for (; col < cols; col++) dst[col] = src[col];
        for (; col < NR; col++) dst[col] = 0.0f;
      }
    } else if (cols == NR) {
      // op(B)[p][j] = b[j*ldb + p]: stored rows are columns of op(B); 4×4 blocks transposed in registers.
      for (int g = 0; g < NV; g++) {
        const float *c0 = b + (long)(j0 + s * NR + 4 * g) * ldb + p0, *c1 = c0 + ldb, *c2 = c1 + ldb, *c3 = c2 + ldb;
        float *d = dst + 4 * g;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
          transpose_store(wasm_v128_load(c0 + p), wasm_v128_load(c1 + p), wasm_v128_load(c2 + p),
                          wasm_v128_load(c3 + p), d + p * NR, NR);
        for (; p < kc; p++) {
          d[p * NR] = c0[p];
          d[p * NR + 1] = c1[p];
          d[p * NR + 2] = c2[p];
          d[p * NR + 3] = c3[p];
        }
      }
    } else {
      // op(B)[p][j] = b[j*ldb + p]: walk each stored row (a column of op(B)) contiguously.
      for (int col = 0; col < NR; col++) {
        if (col < cols) {
          const float *src = b + (long)(j0 + s * NR + col) * ldb + p0;
          for (int p = 0; p < kc; p++) dst[p * NR + col] = src[p];
        } else {
          for (int p = 0; p < kc; p++) dst[p * NR + col] = 0.0f;
        }
      }
    }
  }
}

// C tile = alpha * (A sliver · B sliver) + beta * C, writing only the mr×nr corner that exists.
__attribute__((noinline)) static void micro_kernel(int kc, const float *pa, const float *pb, float *c, int ldc,
                                                   float alpha, float beta, int mr, int nr) {
  v128_t acc[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = wasm_f32x4_splat(0.0f);
  for (int p = 0; p < kc; p++, pa += MR, pb += NR) {
    v128_t bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = wasm_v128_load(pb + 4 * v);
    for (int r = 0; r < MR; r++) {
      v128_t av = wasm_v128_load32_splat(pa + r);
      for (int v = 0; v < NV; v++) acc[r][v] = MADD(acc[r][v], av, bv[v]);
    }
  }
  v128_t va = wasm_f32x4_splat(alpha);
  if (alpha != 1.0f)
    for (int r = 0; r < MR; r++)
      for (int v = 0; v < NV; v++) acc[r][v] = wasm_f32x4_mul(acc[r][v], va);
  if (mr == MR && nr == NR) {
    v128_t vb = wasm_f32x4_splat(beta);
    for (int r = 0; r < MR; r++, c += ldc) {
      for (int v = 0; v < NV; v++) {
        v128_t x = acc[r][v];
        if (beta == 1.0f) x = wasm_f32x4_add(wasm_v128_load(c + 4 * v), x);
        else if (beta != 0.0f) x = wasm_f32x4_add(x, wasm_f32x4_mul(vb, wasm_v128_load(c + 4 * v)));
        wasm_v128_store(c + 4 * v, x);
      }
    }
    return;
  }
  float tile[MR * NR] __attribute__((aligned(16)));
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) wasm_v128_store(tile + r * NR + 4 * v, acc[r][v]);
  for (int r = 0; r < mr; r++, c += ldc) {
    for (int j = 0; j < nr; j++) {
      float x = tile[r * NR + j];
      if (beta == 1.0f) x = c[j] + x;
      else if (beta != 0.0f) x = x + beta * c[j];
      c[j] = x;
    }
  }
}

// C = beta * C; beta 0 writes zeros without reading C (NaN there is ignored).
static void scale_c(float *c, int ldc, int m, int n, float beta) {
  if (beta == 1.0f) return;
  for (int i = 0; i < m; i++, c += ldc)
    for (int j = 0; j < n; j++) c[j] = beta == 0.0f ? 0.0f : beta * c[j];
}

EXPORT("sgemm")
void sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
           int ldb, float beta, float *c, int ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == 0.0f) {
    scale_c(c, ldc, m, n, beta);
    return;
  }
  for (int jc = 0; jc < n; jc += NC) {
    int nc = imin(NC, n - jc);
    for (int pc = 0; pc < k; pc += KC) {
      int kc = imin(KC, k - pc);
      pack_b(b, ldb, trans_b, pc, kc, jc, nc);
      float beta_here = pc == 0 ? beta : 1.0f; // later slices add onto what the first one wrote
      for (int ic = 0; ic < m; ic += MC) {
        int mc = imin(MC, m - ic);
        pack_a(a, lda, trans_a, ic, mc, pc, kc);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = imin(NR, nc - jr);
          for (int ir = 0; ir < mc; ir += MR) {
            micro_kernel(kc, packed_a + ir * kc, packed_b + jr * kc, c + (long)(ic + ir) * ldc + jc + jr, ldc,
                         alpha, beta_here, imin(MR, mc - ir), nr);
          }
        }
      }
    }
  }
}

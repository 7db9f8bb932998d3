// Shared by the fused kernels: activation codes (the order of the TypeScript table) and the epilogue.
#ifndef NABLA_FUSED_H
#define NABLA_FUSED_H

#include "common.h"

enum { A_IDENTITY, A_SIGMOID, A_TANH, A_RELU, A_LEAKY_RELU, A_ELU, A_SWISH };

void apply_activation(int act, double alpha, const float *x, float *y, int n);

void sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
           int ldb, float beta, float *c, int ldc);

#endif

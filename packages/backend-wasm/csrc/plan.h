// The iteration plan shared by the strided kernels (elementwise, copy, reduce, argmax).
//
// TypeScript coalesces the dims (drops size-1 dims, merges dims that are one longer dim in every operand),
// exactly as backend-js does, and writes the result into `plan`: ndim, the shape, then each operand's
// element strides. A kernel runs a tight loop over the last dim (a row) and `rows_next` steps every
// operand's start pointer to the next row, odometer-style over the outer dims.
#ifndef NABLA_PLAN_H
#define NABLA_PLAN_H

#include "common.h"

#define MAX_DIMS 8
#define MAX_OPERANDS 4

// ndim, shape[MAX_DIMS], strides[MAX_OPERANDS][MAX_DIMS]
extern int32_t plan[1 + MAX_DIMS + MAX_OPERANDS * MAX_DIMS];

typedef struct {
  int ndim;       // outer dims (all but the row)
  int row_length;
  int count;      // number of rows
  int index[MAX_DIMS];
  int32_t *shape;
  int32_t *strides; // operand o, dim d at strides[o * MAX_DIMS + d]
  int operands;
} Rows;

static inline void rows_init(Rows *it, int operands) {
  int ndim = plan[0];
  it->ndim = ndim - 1;
  it->shape = plan + 1;
  it->strides = plan + 1 + MAX_DIMS;
  it->row_length = it->shape[ndim - 1];
  it->operands = operands;
  it->count = 1;
  for (int d = 0; d < ndim - 1; d++) {
    it->count *= it->shape[d];
    it->index[d] = 0;
  }
}

static inline int row_stride(const Rows *it, int o) { return it->strides[o * MAX_DIMS + it->ndim]; }

// Moves every operand's element offset (ptr[o], in floats) to the start of the next row.
static inline void rows_next(Rows *it, float **ptr) {
  for (int d = it->ndim - 1; d >= 0; d--) {
    if (++it->index[d] < it->shape[d]) {
      for (int o = 0; o < it->operands; o++) ptr[o] += it->strides[o * MAX_DIMS + d];
      return;
    }
    it->index[d] = 0;
    for (int o = 0; o < it->operands; o++) ptr[o] -= it->strides[o * MAX_DIMS + d] * (it->shape[d] - 1);
  }
}

#endif

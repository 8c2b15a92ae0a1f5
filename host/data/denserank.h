/* host/data/denserank.h -- the dense rank of a whole-number or categorical
 * column: each value's number among the distinct values present, smallest
 * first, from a table indexed by value - lo.  Used for cluster numbers
 * (host/bind/lmodel.c) when the values span a short range: no hashing and
 * no n doubles.  Pure C, no Lua. */
#ifndef CSC_DENSERANK_H
#define CSC_DENSERANK_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* The dense rank of column c over rows keep[0..n-1] (keep NULL: rows
 * 0..n-1), on the fixed row chunks (chunks.h): the same table whatever the
 * thread count.  Returns 0 with *rank a malloc'd table of *span entries
 * (rank[v - *lo] is the number of distinct values below v), *lo the smallest
 * value and *G the number of distinct values; 1 when the table does not
 * apply (a column that is not FRAME_I64 or FRAME_CAT, no rows, or values
 * spanning n/2 + 1024 or more); -1 when memory runs out.  Missing-value
 * marks are not read: the caller passes only rows it keeps. */
int dense_rank(const struct frame_col *c, const size_t *keep, size_t n, size_t **rank,
               int64_t *lo, size_t *span, size_t *G);

/* The value of row i of such a column, through keep. */
static inline int64_t dense_value(const struct frame_col *c, const size_t *keep, size_t i) {
  size_t r = keep ? keep[i] : i;
  return c->type == FRAME_I64 ? c->v.i64[r] : (int64_t)c->v.cat[r];
}

#endif

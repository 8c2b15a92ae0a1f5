/* host/num/cols.h -- a design column given as a struct glm_col (glm.h: a
 * frame's own float64 or int64 storage, or the constant 1) read a block of
 * rows at a time as doubles, and its range, for the least squares fit
 * (ols.c) and the sandwich covariances (vcov.c), which read the columns in
 * place instead of an n x k copy.  Pure C, no Lua. */
#ifndef CSC_COLS_H
#define CSC_COLS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "glm.h"
#include "simd.h"

/* Rows i0..i0+m-1 of column c as doubles: its own storage (float64), or
 * converted into buf (whole numbers, (double)v: the same values as a
 * gathered copy), or ones (the constant).  small: every value of the
 * column lies in [-2^51, 2^51], so v is read exactly as the double whose
 * bits are those of 1.5 2^52 plus v, minus 1.5 2^52 (an integer add and a
 * subtraction, two rows per instruction). */
static inline const double *cols_block(const struct glm_col *c, int small, size_t i0, size_t m,
                                       double *buf) {
  if (c->f64 != NULL) return c->f64 + i0;
  if (c->i64 != NULL && small) {
    typedef unsigned long long v2q __attribute__((vector_size(16)));
    const int64_t *v = c->i64 + i0;
    const v2q mq = {0x4338000000000000ULL, 0x4338000000000000ULL};   /* the bits of 0x1.8p52 */
    const v2 md = splat(0x1.8p52);
    size_t i = 0;
    for (; i + 2 <= m; i += 2) {
      v2q q;
      v2 x;
      memcpy(&q, v + i, sizeof q);
      q += mq;
      memcpy(&x, &q, sizeof x);
      st2(buf + i, x - md);
    }
    for (; i < m; i++) {
      uint64_t q = (uint64_t)v[i] + UINT64_C(0x4338000000000000);
      double x;
      memcpy(&x, &q, sizeof x);
      buf[i] = x - 0x1.8p52;
    }
  } else if (c->i64 != NULL) {
    for (size_t i = 0; i < m; i++) buf[i] = (double)c->i64[i0 + i];
  } else {
    for (size_t i = 0; i < m; i++) buf[i] = 1;
  }
  return buf;
}

static inline void cols_prefetch(const struct glm_col *c, size_t n, size_t i0, size_t m) {
  if (c->f64 != NULL) simd_prefetch(c->f64, n, i0, m);
  else if (c->i64 != NULL) simd_prefetch((const double *)(const void *)c->i64, n, i0, m);
}

/* Smallest and largest value of rows lo..hi-1 (hi > lo) of a whole-number
 * column, compared as integers (no conversion, and never a non-finite
 * value); two running extremes of each kind so the compares do not wait
 * on one another. */
static inline void cols_i64_range(const int64_t *v, size_t lo, size_t hi, int64_t *vlo,
                                  int64_t *vhi) {
  int64_t l0 = v[lo], l1 = v[lo], h0 = v[lo], h1 = v[lo];
  size_t i = lo;
  for (; i + 2 <= hi; i += 2) {
    int64_t a = v[i], b = v[i + 1];
    l0 = a < l0 ? a : l0;
    l1 = b < l1 ? b : l1;
    h0 = a > h0 ? a : h0;
    h1 = b > h1 ? b : h1;
  }
  for (; i < hi; i++) {
    l0 = v[i] < l0 ? v[i] : l0;
    h0 = v[i] > h0 ? v[i] : h0;
  }
  *vlo = l1 < l0 ? l1 : l0;
  *vhi = h1 > h0 ? h1 : h0;
}

#endif

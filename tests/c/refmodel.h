/* tests/c/refmodel.h -- fixtures the model tests share (test_ols.c,
 * test_glm.c): the reference table REF both compare with, cluster labels
 * as 0-based indices, and a data set repeated row by row for the large-n
 * checks.  Header-only and test-only, like refcsv.h, which it includes. */
#ifndef CSC_REFMODEL_H
#define CSC_REFMODEL_H

#include "refcsv.h"

/* tests/reference/models/expected.csv, loaded by each test's main. */
static struct ref_table REF;

/* Compare m values of (case c, quantity q) of REF with relative tol and a
 * floor of 1% of the vector's largest element (ref_check_vec). */
static inline void check_vec(const char *c, const char *q, const double *got, size_t m,
                             double tol) {
  ref_check_vec(&REF, c, q, got, m, tol);
}

/* Cluster labels cl[0..n) as indices 0..G-1 in order of first appearance
 * (O(n G): the test sets are small).  The caller frees the array. */
static inline size_t *cluster_index(const double *cl, size_t n, size_t *G) {
  size_t *idx = malloc(n * sizeof *idx);
  double *seen = malloc(n * sizeof *seen);
  assert_non_null(idx);
  assert_non_null(seen);
  *G = 0;
  for (size_t i = 0; i < n; i++) {
    size_t g = 0;
    while (g < *G && seen[g] != cl[i]) g++;
    if (g == *G) seen[(*G)++] = cl[i];
    idx[i] = g;
  }
  free(seen);
  return idx;
}

/* The n x cols column-major matrix v with every row repeated rep times, in
 * blocks (rows 1..n, then 1..n again ...).  The caller frees it. */
static inline double *repeat_rows(const double *v, size_t n, size_t cols, size_t rep) {
  double *r = malloc(rep * n * cols * sizeof *r);
  assert_non_null(r);
  for (size_t j = 0; j < cols; j++)
    for (size_t t = 0; t < rep; t++) memcpy(r + j * rep * n + t * n, v + j * n, n * sizeof *r);
  return r;
}

#endif

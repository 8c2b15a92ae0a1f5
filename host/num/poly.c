/* host/num/poly.c -- R's poly() coefficients by Stieltjes' three-term
 * recurrence over the values of the complete rows (poly.h).  Pure C. */
#include "poly.h"

#include <stdlib.h>
#include <string.h>

int poly_coefs(const double *x, size_t n, size_t degree, double *alpha, double *norm2) {
  if (n == 0) return -1;
  double *xc = malloc(3 * n * sizeof *xc);
  if (xc == NULL) return -1;
  double *p = xc + n, *pprev = p + n;
  double mean = 0;
  for (size_t i = 0; i < n; i++) mean += x[i];
  mean /= (double)n;
  for (size_t i = 0; i < n; i++) {
    xc[i] = x[i] - mean;
    p[i] = 1;
  }
  norm2[0] = 1;
  norm2[1] = (double)n;
  for (size_t j = 1; j <= degree; j++) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += xc[i] * p[i] * p[i];
    double a = s / norm2[j];
    alpha[j - 1] = a + mean;
    /* P_j = (xc - a) P_{j-1} - ratio P_{j-2}, written over P_{j-2}'s array,
     * which then becomes P_{j-1}'s by swapping the pointers */
    double ratio = j > 1 ? norm2[j] / norm2[j - 1] : 0, ss = 0;
    for (size_t i = 0; i < n; i++) {
      double q = (xc[i] - a) * p[i] - (j > 1 ? ratio * pprev[i] : 0);
      pprev[i] = q;
      ss += q * q;
    }
    norm2[j + 1] = ss;
    double *t = p;
    p = pprev;
    pprev = t;
  }
  free(xc);
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double u = *(const double *)a, v = *(const double *)b;
  return (u > v) - (u < v);
}

size_t poly_distinct(const double *x, size_t n, size_t limit) {
  /* A few distinct values are found by a linear scan against those seen;
   * when 64 are not enough to settle it (a degree of 64 or more) the count
   * comes from a sorted copy. */
  double seen[64];
  size_t m = 0, i = 0;
  for (; i < n && m <= limit && m < 64; i++) {
    size_t l = 0;
    while (l < m && seen[l] != x[i]) l++;
    if (l == m) seen[m++] = x[i];
  }
  if (i == n || m > limit) return m;
  double *c = malloc(n * sizeof *c);
  if (c == NULL) return (size_t)-1;
  memcpy(c, x, n * sizeof *c);
  qsort(c, n, sizeof *c, cmp_double);
  size_t d = n > 0;
  for (size_t j = 1; j < n; j++) d += c[j] != c[j - 1];
  free(c);
  return d;
}

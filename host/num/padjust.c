/* host/num/padjust.c -- p-value adjustment for multiple comparisons, the same
 * step-down/step-up formulas as R p.adjust() (stats, R 4.2), including its
 * handling of NA (dropped, n = number of non-missing) and of n > length(p).
 * Plain C; GSL only for the index sort. */
#include "padjust.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>

/* With m non-missing p sorted ascending, p(1) <= ... <= p(m), and i the
 * 1-based rank (R's formulas; n >= m is the number of tests):
 *   Holm      p~(i) = min(1, max_{j<=i} (n - j + 1) p(j))          step-down
 *   Hochberg  p~(i) = min(1, min_{j>=i} (n - j + 1) p(j))          step-up
 *   BH        p~(i) = min(1, min_{j>=i} n / j p(j))                step-up
 *   BY        p~(i) = min(1, min_{j>=i} q n / j p(j)), q = sum_{k=1}^n 1/k
 *   Bonferroni p~ = min(1, n p).
 * Ties give equal adjusted values whatever their order, so the sort need
 * not be stable. */
int padjust_apply(const double *p, size_t len, size_t n, enum padjust_method method,
                  double *out) {
  size_t m = 0;
  for (size_t i = 0; i < len; i++) {
    if (isnan(p[i])) continue;
    if (!(p[i] >= 0 && p[i] <= 1)) return GSL_EINVAL;
    m++;
  }
  if (n == 0) n = m;
  if (n < m) return GSL_EINVAL;
  if (out != p) memcpy(out, p, len * sizeof *out);
  /* R: if (n <= 1) return(p0) */
  if (m == 0 || n <= 1 || method == PADJUST_NONE) return GSL_SUCCESS;

  double *v = malloc(m * sizeof *v);
  size_t *pos = malloc(m * sizeof *pos);
  size_t *ord = malloc(m * sizeof *ord);
  if (!v || !pos || !ord) {
    free(v);
    free(pos);
    free(ord);
    return GSL_ENOMEM;
  }
  for (size_t i = 0, k = 0; i < len; i++)
    if (!isnan(p[i])) {
      v[k] = p[i];
      pos[k++] = i;
    }
  gsl_sort_index(ord, v, 1, m);   /* ascending */

  double dn = (double)n;
  if (method == PADJUST_BONFERRONI) {
    for (size_t k = 0; k < m; k++) out[pos[k]] = fmin(1, dn * v[k]);
  } else if (method == PADJUST_HOLM) {
    double run = 0;
    for (size_t k = 0; k < m; k++) {
      double i = (double)(k + 1);
      run = fmax(run, (dn - i + 1) * v[ord[k]]);
      out[pos[ord[k]]] = fmin(1, run);
    }
  } else {
    double q = 1;
    if (method == PADJUST_BY) {
      q = 0;
      for (size_t k = 1; k <= n; k++) q += 1.0 / (double)k;
    }
    double run = INFINITY;
    for (size_t k = m; k-- > 0;) {
      double i = (double)(k + 1), a;
      double pk = v[ord[k]];
      if (method == PADJUST_HOCHBERG) a = (dn - i + 1) * pk;
      else a = q * dn / i * pk;
      run = fmin(run, a);
      out[pos[ord[k]]] = fmin(1, run);
    }
  }
  free(v);
  free(pos);
  free(ord);
  return GSL_SUCCESS;
}

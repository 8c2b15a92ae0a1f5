/* host/match/match_maha.c -- the (weighted) Mahalanobis distance used for
 * matching, defined as MatchIt 4.5.1's distance = "mahalanobis":
 * covariates with no variance (range below sqrt(machine eps)) are left out;
 * the rest are standardised by their SD over all rows; S is their pooled
 * within-group covariance (each group centred on its own mean, divided by
 * n - number of groups, over rows not discarded; Rubin 1980, optmatch's
 * match_on); S^-1 by Cholesky when det(S) > 1e-8, else the SVD generalised
 * inverse keeping eigenvalues above 1e-8 times the largest.  Optional
 * per-covariate weights w give d^2 = u' W^1/2 S^-1 W^1/2 u (the weighted
 * Mahalanobis distance of the No Wrong Door evaluation; weights 1 give
 * MatchIt's).  Pure C on GSL, no Lua. */
#include "match_int.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include "data/mem.h"

void match_maha_fini(struct match_maha *m) { MEM_RELEASE(m, m->x, m->c, m->mean, m->T); }

/* Pooled within-group covariance of the standardised kept columns over rows
 * not discarded, into S (p x p).  One pass over the rows for the group
 * means of every column and one for every product: each sum still adds
 * its terms in row order, so the result is the same bytes as a pass per
 * column and per pair, for a pass over the data instead of p(p+1)/2.
 * work holds p (p + 3) / 2 doubles. */
static void pooled_cov(const struct match_maha *m, const struct match_spec *s, const double *sd,
                       double *gmean, double *S, double *work) {
  size_t p = m->p, n = s->n;
  size_t cnt[2] = {0, 0};
  double *d = work, *acc = work + p;   /* p values of a row; p (p + 1) / 2 sums */
  for (size_t j = 0; j < 2 * p; j++) gmean[j] = 0;
  for (size_t i = 0; i < n; i++)
    if (!(s->discarded && s->discarded[i])) cnt[s->treat[i] ? 1 : 0]++;
  /* Two-pass group means of the standardised values (as R's mean). */
  for (size_t i = 0; i < n; i++) {
    if (s->discarded && s->discarded[i]) continue;
    int g = s->treat[i] ? 1 : 0;
    for (size_t j = 0; j < p; j++)
      gmean[2 * j + g] += (match_col_get(&m->x[j], i) - m->mean[j]) / sd[j];
  }
  for (size_t j = 0; j < p; j++)
    for (int g = 0; g < 2; g++)
      if (cnt[g] > 0) gmean[2 * j + g] /= (double)cnt[g];
  size_t ngroups = (cnt[0] > 0) + (cnt[1] > 0), nn = cnt[0] + cnt[1];
  double den = (double)nn - (double)ngroups;
  for (size_t k = 0; k < p * (p + 1) / 2; k++) acc[k] = 0;
  for (size_t i = 0; i < n; i++) {
    if (s->discarded && s->discarded[i]) continue;
    int g = s->treat[i] ? 1 : 0;
    for (size_t j = 0; j < p; j++)
      d[j] = (match_col_get(&m->x[j], i) - m->mean[j]) / sd[j] - gmean[2 * j + g];
    for (size_t a = 0, k = 0; a < p; a++)
      for (size_t b = 0; b <= a; b++) acc[k++] += d[a] * d[b];
  }
  for (size_t a = 0, k = 0; a < p; a++)
    for (size_t b = 0; b <= a; b++, k++) S[a * p + b] = S[b * p + a] = acc[k] / den;
}

int match_maha_init(struct match_maha *m, const struct match_spec *s, char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  size_t n = s->n, P = s->p;
  m->x = malloc((P ? P : 1) * sizeof *m->x);
  m->c = malloc((P ? P : 1) * sizeof *m->c);
  m->mean = malloc((P ? P : 1) * sizeof *m->mean);
  double *sd = malloc((P ? P : 1) * sizeof *sd);
  if (!m->x || !m->c || !m->mean || !sd) {
    free(sd);
    match_maha_fini(m);
    return GSL_ENOMEM;
  }
  /* Keep columns with variance; their mean and SD over all rows (scale()). */
  for (size_t j = 0; j < P; j++) {
    struct match_col xj = s->X ? (struct match_col){s->X + n * j, NULL} : s->xcol[j];
    double lo = INFINITY, hi = -INFINITY, mu = 0;
    for (size_t i = 0; i < n; i++) {
      double xi = match_col_get(&xj, i);
      if (!isfinite(xi)) {
        snprintf(err, errlen, "covariate %zu has a non-finite value in row %zu", j + 1, i + 1);
        free(sd);
        match_maha_fini(m);
        return GSL_EDOM;
      }
      lo = xi < lo ? xi : lo;
      hi = xi > hi ? xi : hi;
      mu += xi;
    }
    double w = s->xweights ? s->xweights[j] : 1.0;
    if (!(w >= 0) || !isfinite(w)) {
      snprintf(err, errlen, "weight of covariate %zu must be finite and >= 0", j + 1);
      free(sd);
      match_maha_fini(m);
      return GSL_EINVAL;
    }
    if (n == 0 || fabs(hi - lo) < sqrt(DBL_EPSILON)) {
      m->dropped++;
      continue;
    }
    mu /= (double)n;
    double corr = 0, ss = 0;
    for (size_t i = 0; i < n; i++) corr += match_col_get(&xj, i) - mu;
    mu += corr / (double)n;   /* second pass refines the mean, as R's mean() */
    for (size_t i = 0; i < n; i++) {
      double d = match_col_get(&xj, i) - mu;
      ss += d * d;
    }
    size_t k = m->p++;
    m->x[k] = xj;
    m->mean[k] = mu;
    sd[k] = sqrt(ss / (double)(n - 1));
    m->c[k] = sqrt(w) / sd[k];
  }
  size_t p = m->p;
  if (p == 0) {
    /* Every covariate is constant: all distances are 0 (MatchIt falls back
     * to the Euclidean distance on a constant column). */
    free(sd);
    m->r = 0;
    return GSL_SUCCESS;
  }
  double *S = malloc((p * p + 2 * p + p * (p + 3) / 2) * sizeof *S);
  gsl_matrix *A = gsl_matrix_alloc(p, p), *V = gsl_matrix_alloc(p, p);
  gsl_vector *ev = gsl_vector_alloc(p);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(p);
  m->T = malloc(p * p * sizeof *m->T);
  int st = GSL_ENOMEM;
  if (!S || !A || !V || !ev || !ws || !m->T) goto done;
  pooled_cov(m, s, sd, S + p * p, S, S + p * p + 2 * p);
  for (size_t a = 0; a < p; a++)
    for (size_t b = 0; b < p; b++) gsl_matrix_set(A, a, b, S[a * p + b]);
  /* Eigenvalues give det(S) and, when needed, the generalised inverse. */
  st = gsl_eigen_symmv(A, ev, V, ws);
  if (st != GSL_SUCCESS) goto done;
  gsl_eigen_symmv_sort(ev, V, GSL_EIGEN_SORT_VAL_DESC);
  double det = 1, lmax = gsl_vector_get(ev, 0);
  for (size_t k = 0; k < p; k++) det *= gsl_vector_get(ev, k);
  int chol_ok = 0;
  if (det > 1e-8) {
    for (size_t a = 0; a < p; a++)
      for (size_t b = 0; b < p; b++) gsl_matrix_set(A, a, b, S[a * p + b]);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    chol_ok = gsl_linalg_cholesky_decomp1(A) == GSL_SUCCESS;
    gsl_set_error_handler(old);
  }
  memset(m->T, 0, p * p * sizeof *m->T);
  if (chol_ok) {
    /* T = L^-1 by forward substitution, column by column. */
    for (size_t c = 0; c < p; c++)
      for (size_t i = c; i < p; i++) {
        double acc = i == c ? 1.0 : 0.0;
        for (size_t l = c; l < i; l++) acc -= gsl_matrix_get(A, i, l) * m->T[l * p + c];
        m->T[i * p + c] = acc / gsl_matrix_get(A, i, i);
      }
    m->r = p;
    m->lower = 1;
  } else {
    /* Generalised inverse: rows lambda_k^-1/2 v_k' for lambda_k > 1e-8 lmax. */
    size_t r = 0;
    for (size_t k = 0; k < p; k++) {
      double lk = gsl_vector_get(ev, k);
      if (!(lk > 1e-8 * lmax && lk > 0)) continue;
      for (size_t j = 0; j < p; j++) m->T[r * p + j] = gsl_matrix_get(V, j, k) / sqrt(lk);
      r++;
    }
    m->r = r;
    m->pinv = 1;
  }
  st = GSL_SUCCESS;
done:
  free(S);
  free(sd);
  if (A) gsl_matrix_free(A);
  if (V) gsl_matrix_free(V);
  if (ev) gsl_vector_free(ev);
  if (ws) gsl_eigen_symmv_free(ws);
  if (st != GSL_SUCCESS) {
    match_maha_fini(m);
    if (st != GSL_ENOMEM) snprintf(err, errlen, "the pooled covariance could not be decomposed");
  }
  return st;
}

double match_maha_row(const struct match_maha *m, size_t i, double *z, double *ub) {
  size_t p = m->p, r = m->r;
  for (size_t j = 0; j < p; j++) ub[j] = m->c[j] * (match_col_get(&m->x[j], i) - m->mean[j]);
  double mag = 0;
  for (size_t a = 0; a < r; a++) {
    const double *t = m->T + a * p;
    size_t lim = m->lower ? a + 1 : p;
    double acc = 0;
    for (size_t j = 0; j < lim; j++) {
      acc += t[j] * ub[j];
      mag += fabs(t[j] * ub[j]);
    }
    z[a] = acc;
  }
  return mag;
}

double match_maha_d2(const struct match_maha *m, size_t a, size_t b, double *work) {
  size_t p = m->p, r = m->r;
  double *u = work;
  for (size_t j = 0; j < p; j++) {
    const struct match_col *x = &m->x[j];
    u[j] = (match_col_get(x, a) - match_col_get(x, b)) * m->c[j];
  }
  double d2 = 0;
  for (size_t k = 0; k < r; k++) {
    const double *t = m->T + k * p;
    size_t lim = m->lower ? k + 1 : p;
    double acc = 0;
    for (size_t j = 0; j < lim; j++) acc += t[j] * u[j];
    d2 += acc * acc;
  }
  return d2;
}

/* host/num/lincom.c -- Wald tests, lincom and prediction standard errors from
 * (b, V): the delta method for linear functions, exact.  Stata test/lincom
 * and predict, stdp conventions: t and F laws on the residual df after
 * regress, normal and chi-square after ML fits.  Pure C on GSL (Cholesky
 * of the q x q matrix R V R', the F, t, chi-square and normal laws). */
#include "lincom.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

static int use_normal(double df) { return !(df > 0) || isinf(df); }

double lintest_p_two(double stat, double df) {
  double a = fabs(stat);
  return use_normal(df) ? 2 * gsl_cdf_ugaussian_Q(a) : 2 * gsl_cdf_tdist_Q(a, df);
}

double lintest_crit(double level, double df) {
  double p = 1 - (1 - level) / 2;
  return use_normal(df) ? gsl_cdf_ugaussian_Pinv(p) : gsl_cdf_tdist_Pinv(p, df);
}

/* W = d'(R V R')^-1 d with d = Rb - r, via the Cholesky factor L of
 * R V R' (W = ||L^-1 d||^2), so no inverse is formed. */
int lintest_wald(const double *b, const double *V, size_t k, const double *Rm,
                 const double *r, size_t q, double df, struct lintest_wald *out) {
  if (q == 0) return GSL_EINVAL;
  gsl_matrix *A = gsl_matrix_alloc(q, q);
  gsl_vector *d = gsl_vector_alloc(q);
  double *RV = malloc(q * k * sizeof *RV);
  int st = GSL_ENOMEM;
  if (A == NULL || d == NULL || RV == NULL) goto done;
  for (size_t i = 0; i < q; i++) {
    const double *ri = Rm + i * k;
    double s = 0;
    for (size_t j = 0; j < k; j++) s += ri[j] * b[j];
    gsl_vector_set(d, i, s - (r != NULL ? r[i] : 0));
    for (size_t c = 0; c < k; c++) {       /* (R V)_ic */
      double t = 0;
      for (size_t j = 0; j < k; j++) t += ri[j] * V[j + c * k];
      RV[i * k + c] = t;
    }
  }
  for (size_t i = 0; i < q; i++)
    for (size_t l = 0; l < q; l++) {
      double s = 0;
      for (size_t c = 0; c < k; c++) s += RV[i * k + c] * Rm[l * k + c];
      gsl_matrix_set(A, i, l, s);
    }
  /* Dependent restrictions make R V R' singular; rounding may leave a tiny
   * positive pivot, so also refuse pivots below 1e-12 of the diagonal. */
  double diag[64];
  for (size_t i = 0; i < q && i < 64; i++) diag[i] = gsl_matrix_get(A, i, i);
  st = gsl_linalg_cholesky_decomp1(A);
  for (size_t i = 0; st == GSL_SUCCESS && i < q && i < 64; i++) {
    double l = gsl_matrix_get(A, i, i);
    if (!(l * l > 1e-12 * diag[i])) st = GSL_EDOM;
  }
  if (st != GSL_SUCCESS) {
    st = GSL_EDOM;
    goto done;
  }
  st = gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, A, d);
  if (st != GSL_SUCCESS) goto done;
  double W = 0;
  for (size_t i = 0; i < q; i++) W += gsl_vector_get(d, i) * gsl_vector_get(d, i);
  double dq = (double)q;
  out->q = q;
  out->chi2 = W;
  out->p_chi2 = gsl_cdf_chisq_Q(W, dq);
  out->F = W / dq;
  out->df1 = dq;
  out->df2 = use_normal(df) ? INFINITY : df;
  out->p_F = use_normal(df) ? out->p_chi2 : gsl_cdf_fdist_Q(out->F, dq, df);
done:
  gsl_matrix_free(A);
  gsl_vector_free(d);
  free(RV);
  return st;
}

/* Quadratic form c'Vc for symmetric V, and beside it the sum of the
 * absolute values of its terms, |c_a| |V_ab| |c_b|, which bounds its
 * rounding error. */
static double quad(const double *V, size_t k, const double *c, size_t stride, double *mag) {
  double s = 0, m = 0;
  for (size_t a = 0; a < k; a++) {
    double t = 0, u = 0;
    for (size_t j = 0; j < k; j++) {
      t += V[a + j * k] * c[j * stride];
      u += fabs(V[a + j * k] * c[j * stride]);
    }
    s += c[a * stride] * t;
    m += fabs(c[a * stride]) * u;
  }
  *mag = m;
  return s;
}

int lintest_var(const double *V, size_t k, const double *c, size_t stride, double *var) {
  double mag, v = quad(V, k, c, stride, &mag);
  if (isnan(v)) return GSL_EDOM;
  if (fabs(v) <= LINTEST_ZERO_VAR * mag) {
    *var = 0;
    return GSL_SUCCESS;
  }
  if (v < 0) return GSL_EDOM;
  *var = v;
  return GSL_SUCCESS;
}

int lintest_lincom(const double *b, const double *V, size_t k, const double *c, double c0,
                   double df, double level, struct lintest_lincom *out) {
  double est = -c0;
  for (size_t j = 0; j < k; j++) est += c[j] * b[j];
  double var;
  if (lintest_var(V, k, c, 1, &var) != GSL_SUCCESS) return GSL_EDOM;
  out->estimate = est;
  out->df = use_normal(df) ? INFINITY : df;
  if (var == 0) {
    /* No sampling variance to test against: the statistic, p-value and
     * interval are undefined rather than infinite, 0 and [est, est]. */
    out->se = 0;
    out->statistic = out->p_value = out->conf_low = out->conf_high = NAN;
    return GSL_SUCCESS;
  }
  double se = sqrt(var), crit = lintest_crit(level, df);
  out->se = se;
  out->statistic = est / se;
  out->p_value = lintest_p_two(out->statistic, df);
  out->conf_low = est - crit * se;
  out->conf_high = est + crit * se;
  return GSL_SUCCESS;
}

int lintest_predict(const double *b, const double *V, size_t k, const double *X0, size_t m,
                    double *fit, double *se) {
  for (size_t i = 0; i < m; i++) {
    double f = 0;
    for (size_t j = 0; j < k; j++) f += X0[i + j * m] * b[j];
    fit[i] = f;
    double v;
    se[i] = lintest_var(V, k, X0 + i, m, &v) == GSL_SUCCESS ? sqrt(v) : 0;
  }
  return GSL_SUCCESS;
}

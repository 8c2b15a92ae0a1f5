/* host/num/tsdiag.c -- Durbin-Watson (exact by Pan's procedure, or lmtest's
 * normal approximation), Breusch-Godfrey, Box-Pierce / Ljung-Box, ACF,
 * PACF (Durbin-Levinson) and varsoc lag-order selection.  Each follows
 * the R or Stata routine named in tsdiag.h so that results agree with
 * tests/reference/models/expected.csv (make_models.R).  Regressions go
 * through linreg_fit (Householder QR); the projections the Durbin-Watson
 * distribution needs come from GSL's Householder QR of X, never from
 * (X'X)^-1. */
#include "tsdiag.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sort_vector.h>

#include "ols.h"

/* dwtest's threshold below which an eigenvalue of M A counts as zero. */
#define DW_EIG_TOL 1e-10

double tsdiag_dw_stat(const double *e, size_t m) {
  if (m < 2) return NAN;
  double num = 0, den = e[0] * e[0];
  for (size_t t = 1; t < m; t++) {
    double d = e[t] - e[t - 1];
    num += d * d;
    den += e[t] * e[t];
  }
  return den > 0 ? num / den : NAN;
}

/* ===== Pan's procedure ===== */

/* Farebrother's AS 153 (as amended in AS R52, 1984, with Cummins's 1996
 * fix), the routine lmtest calls: with the weights a_1..a_m sorted, the
 * probability is a sum of integrals over the intervals between the
 * weights on either side of x, each done by nterms-point Gauss-Chebyshev
 * quadrature.  a(0) is x, as in the Fortran, because the last pass
 * integrates up to x itself.  Indices below are the Fortran's (1-based). */
struct pan_w {
  double x;
  const double *lam;
};

static double pan_a(const struct pan_w *w, long i) { return i == 0 ? w->x : w->lam[i - 1]; }

double tsdiag_pan(double x, const double *lambda, size_t msz, double c, int nterms) {
  if (msz == 0 || nterms < 1) return NAN;
  const struct pan_w w = {x, lambda};
  const long m = (long)msz;
  long h, k, last, nu;
  if (pan_a(&w, 1) > pan_a(&w, m)) {
    h = m;
    k = -1;
    last = 1;
  } else {
    h = 1;
    k = 1;
    last = m;
  }
  /* nu: first weight >= x, scanning up from the smallest. */
  int found = 0;
  for (nu = h; k > 0 ? nu <= last : nu >= last; nu += k)
    if (pan_a(&w, nu) >= x) {
      found = 1;
      break;
    }
  if (!found && c >= 0) return 1;        /* every weight below x */
  if (nu == h && c <= 0) return 0;       /* every weight at or above x */
  if (k == 1) nu--;
  h = m - nu;
  double y = c == 0 ? (double)(h - nu) : c * (pan_a(&w, 1) - pan_a(&w, m));
  long d, j1, j2, j3, j4;
  if (y >= 0) {
    d = 2;
    h = nu;
    k = -k;
    j1 = 0;
    j2 = 2;
    j3 = 3;
    j4 = 1;
  } else {
    d = -2;
    nu++;
    j1 = m - 2;
    j2 = m - 1;
    j3 = m + 1;
    j4 = m;
  }
  const double pin = M_PI / (2.0 * nterms);
  double sum = 0.5 * (double)(k + 1), sgn = (double)k / nterms;
  const long n2 = 2L * nterms - 1;
  for (long l1 = h % 2; l1 >= 0; l1--) {
    for (long l2 = j2; d > 0 ? l2 <= nu : l2 >= nu; l2 += d) {
      double a4 = pan_a(&w, j4), a2 = pan_a(&w, l2);
      double u = 0.5 * (a4 + a2), v = 0.5 * (a4 - a2), s1 = 0;
      for (long i = 1; i <= n2; i += 2) {
        double yy = u - v * cos((double)i * pin), num = yy - x;
        double prod = exp(-c / num);
        for (long q = 1; q <= j1; q++) prod *= num / (yy - pan_a(&w, q));
        for (long q = j3; q <= m; q++) prod *= num / (yy - pan_a(&w, q));
        s1 += sqrt(fabs(prod));
      }
      sgn = -sgn;
      sum += sgn * s1;
      j1 += d;
      j3 += d;
      j4 += d;
    }
    /* The second integral runs from the last weight to x = a(0). */
    if (d == 2)
      j3--;
    else
      j1++;
    j2 = 0;
    nu = 0;
  }
  return sum;
}

/* ===== Durbin-Watson ===== */

/* y = A v for the Durbin-Watson matrix A = D'D (D: first differences):
 * tridiagonal with diagonal (1, 2, ..., 2, 1) and -1 off the diagonal. */
static void dw_apply(const double *v, size_t n, double *y) {
  y[0] = v[0] - v[1];
  for (size_t i = 1; i + 1 < n; i++) y[i] = 2 * v[i] - v[i - 1] - v[i + 1];
  y[n - 1] = v[n - 1] - v[n - 2];
}

/* Householder QR of X (GSL, unpivoted: X has full column rank) and the
 * columns lo..hi-1 of its orthogonal factor Q, n each, into Qc. */
static int q_columns(const double *X, size_t n, size_t k, size_t lo, size_t hi, double *Qc) {
  gsl_matrix *qr = gsl_matrix_alloc(n, k);
  gsl_vector *tau = gsl_vector_alloc(k), *v = gsl_vector_alloc(n);
  int st = GSL_ENOMEM;
  if (qr == NULL || tau == NULL || v == NULL) goto done;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) gsl_matrix_set(qr, i, j, X[i + j * n]);
  st = gsl_linalg_QR_decomp(qr, tau);
  for (size_t j = lo; st == GSL_SUCCESS && j < hi; j++) {
    gsl_vector_set_basis(v, j);
    st = gsl_linalg_QR_Qvec(qr, tau, v);
    for (size_t i = 0; i < n; i++) Qc[i + (j - lo) * n] = gsl_vector_get(v, i);
  }
done:
  gsl_matrix_free(qr);
  gsl_vector_free(tau);
  gsl_vector_free(v);
  return st;
}

/* The n - k nonzero eigenvalues of M A (M = I - X(X'X)^-1 X'), as those of
 * the symmetric Z'AZ with Z the orthonormal complement of X's columns, in
 * decreasing order and above DW_EIG_TOL (dwtest's eigen(MA) then
 * ev[ev > tol]).  *m_out gets how many. */
static int dw_eigen(const double *X, size_t n, size_t k, double *ev, size_t *m_out) {
  size_t m = n - k;
  double *Z = malloc(n * m * sizeof *Z), *AZ = malloc(n * m * sizeof *AZ);
  gsl_matrix *B = gsl_matrix_alloc(m, m);
  gsl_vector *eval = gsl_vector_alloc(m);
  gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(m);
  int st = GSL_ENOMEM;
  if (Z == NULL || AZ == NULL || B == NULL || eval == NULL || ws == NULL) goto done;
  st = q_columns(X, n, k, k, n, Z);
  if (st != GSL_SUCCESS) goto done;
  for (size_t j = 0; j < m; j++) dw_apply(Z + j * n, n, AZ + j * n);
  for (size_t a = 0; a < m; a++)
    for (size_t b = a; b < m; b++) {
      double s = 0;
      for (size_t i = 0; i < n; i++) s += Z[i + a * n] * AZ[i + b * n];
      gsl_matrix_set(B, a, b, s);   /* one triangle mirrored: exactly symmetric */
      gsl_matrix_set(B, b, a, s);
    }
  st = gsl_eigen_symm(B, eval, ws);
  if (st != GSL_SUCCESS) goto done;
  gsl_sort_vector(eval);
  *m_out = 0;
  for (size_t i = m; i-- > 0;) {
    double l = gsl_vector_get(eval, i);
    if (l > DW_EIG_TOL) ev[(*m_out)++] = l;
  }
done:
  free(Z);
  free(AZ);
  gsl_matrix_free(B);
  gsl_vector_free(eval);
  if (ws != NULL) gsl_eigen_symm_free(ws);
  return st;
}

/* dwtest's normal approximation: with X = Q1 R and C = Q1'AQ1,
 *   P = 2(n-1) - tr C,  Q = 2(3n-4) - 2 ||A Q1||_F^2 + ||C||_F^2,
 *   E d = P/(n-k),  Var d = 2 (Q - P E d) / ((n-k)(n-k+2)).
 * lmtest writes the traces with X'AX (X'X)^-1; they are equal, and Q1
 * avoids forming (X'X)^-1. */
static int dw_moments(const double *X, size_t n, size_t k, double *mean, double *var) {
  double *Q1 = malloc(n * k * sizeof *Q1), *AQ = malloc(n * k * sizeof *AQ);
  int st = GSL_ENOMEM;
  if (Q1 == NULL || AQ == NULL) goto done;
  st = q_columns(X, n, k, 0, k, Q1);
  if (st != GSL_SUCCESS) goto done;
  double trC = 0, c2 = 0, aq2 = 0;
  for (size_t j = 0; j < k; j++) {
    dw_apply(Q1 + j * n, n, AQ + j * n);
    for (size_t i = 0; i < n; i++) aq2 += AQ[i + j * n] * AQ[i + j * n];
  }
  for (size_t a = 0; a < k; a++)
    for (size_t b = 0; b < k; b++) {
      double s = 0;
      for (size_t i = 0; i < n; i++) s += Q1[i + a * n] * AQ[i + b * n];
      if (a == b) trC += s;
      c2 += s * s;
    }
  double dn = (double)n, dm = (double)(n - k);
  double P = 2 * (dn - 1) - trC, Q = 2 * (3 * dn - 4) - 2 * aq2 + c2;
  *mean = P / dm;
  *var = 2 / (dm * (dm + 2)) * (Q - P * *mean);
done:
  free(Q1);
  free(AQ);
  return st;
}

static double dw_p_normal(double dw, double mean, double sd, enum tsdiag_alt alt) {
  if (alt == TSDIAG_GREATER) return gsl_cdf_gaussian_P(dw - mean, sd);
  if (alt == TSDIAG_LESS) return gsl_cdf_gaussian_Q(dw - mean, sd);
  return 2 * gsl_cdf_gaussian_Q(fabs(dw - mean), sd);
}

int tsdiag_dwtest(const double *X, size_t n, size_t k, const double *e, enum tsdiag_alt alt,
                  int exact, int nterms, struct tsdiag_dw *out) {
  out->dw = out->p_value = out->mean = out->var = NAN;
  out->exact = 0;
  if (n < 3 || n <= k || k == 0) return GSL_EBADLEN;
  out->dw = tsdiag_dw_stat(e, n);
  if (!isfinite(out->dw)) return GSL_EDOM;
  if (exact < 0) exact = n < 100;
  if (exact && n > TSDIAG_DW_EXACT_MAX) return GSL_EINVAL;
  if (exact) {
    double *ev = malloc((n - k) * sizeof *ev);
    size_t m = 0;
    if (ev == NULL) return GSL_ENOMEM;
    int st = dw_eigen(X, n, k, ev, &m);
    double pdw = st == GSL_SUCCESS && m > 0 ? tsdiag_pan(out->dw, ev, m, 0, nterms) : NAN;
    free(ev);
    if (st != GSL_SUCCESS) return st;
    double p = alt == TSDIAG_GREATER ? pdw
               : alt == TSDIAG_LESS  ? 1 - pdw
                                     : 2 * fmin(pdw, 1 - pdw);
    if (p >= 0 && p <= 1) {   /* false for NaN too: then approximate, as dwtest */
      out->p_value = p;
      out->exact = 1;
      return GSL_SUCCESS;
    }
  }
  if (n < 5 || n < k) return GSL_EBADLEN;
  int st = dw_moments(X, n, k, &out->mean, &out->var);
  if (st != GSL_SUCCESS) return st;
  out->p_value = dw_p_normal(out->dw, out->mean, sqrt(out->var), alt);
  return GSL_SUCCESS;
}

/* ===== Breusch-Godfrey ===== */

int tsdiag_bgtest(const double *X, size_t n, size_t k, const double *e, size_t order,
                  struct tsdiag_bg *out) {
  memset(out, 0, sizeof *out);
  out->order = order;
  out->n = n;
  if (order == 0 || n < k + order + 1) return GSL_EBADLEN;
  size_t ka = k + order;
  double *Xa = malloc(n * ka * sizeof *Xa);
  if (Xa == NULL) return GSL_ENOMEM;
  memcpy(Xa, X, n * k * sizeof *Xa);
  for (size_t l = 1; l <= order; l++) {
    double *z = Xa + (k + l - 1) * n;
    for (size_t t = 0; t < n; t++) z[t] = t >= l ? e[t - l] : 0;   /* fill = 0 */
  }
  struct linreg_fit aux;
  int st = linreg_fit(Xa, n, ka, e, NULL, 0, &aux);
  free(Xa);
  if (st != GSL_SUCCESS) {
    linreg_fini(&aux);
    return st;
  }
  double sse0 = 0, ssf = 0;
  for (size_t t = 0; t < n; t++) {
    sse0 += e[t] * e[t];
    ssf += aux.fitted[t] * aux.fitted[t];
  }
  double rss1 = aux.rss, m = (double)order;
  linreg_fini(&aux);
  if (!(sse0 > 0)) return GSL_EDOM;
  out->lm = (double)n * ssf / sse0;
  out->p_lm = gsl_cdf_chisq_Q(out->lm, m);
  out->df1 = m;
  out->df2 = (double)(n - k - order);
  out->F = ((sse0 - rss1) / m) / (rss1 / out->df2);
  out->p_F = gsl_cdf_fdist_Q(out->F, out->df1, out->df2);
  return GSL_SUCCESS;
}

/* ===== Autocorrelations ===== */

int tsdiag_acf(const double *x, size_t n, size_t lag_max, double *acf) {
  if (lag_max == 0 || lag_max >= n) return GSL_EBADLEN;
  double mean = 0;
  for (size_t t = 0; t < n; t++) {
    if (!isfinite(x[t])) return GSL_EDOM;
    mean += x[t];
  }
  mean /= (double)n;
  double c0 = 0;
  for (size_t t = 0; t < n; t++) c0 += (x[t] - mean) * (x[t] - mean);
  if (!(c0 > 0)) return GSL_EDOM;
  for (size_t l = 1; l <= lag_max; l++) {
    double s = 0;
    for (size_t t = 0; t + l < n; t++) s += (x[t] - mean) * (x[t + l] - mean);
    acf[l - 1] = s / c0;   /* the 1/n of both sums cancels */
  }
  return GSL_SUCCESS;
}

/* Durbin-Levinson: phi_ll = (r_l - sum_j phi_{l-1,j} r_{l-j}) /
 * (1 - sum_j phi_{l-1,j} r_j), phi_lj = phi_{l-1,j} - phi_ll phi_{l-1,l-j}. */
int tsdiag_pacf(const double *acf, size_t lag_max, double *pacf) {
  if (lag_max == 0) return GSL_EBADLEN;
  double *phi = malloc(2 * lag_max * sizeof *phi), *prev = phi + lag_max;
  if (phi == NULL) return GSL_ENOMEM;
  int st = GSL_SUCCESS;
  phi[0] = pacf[0] = acf[0];
  for (size_t l = 2; l <= lag_max && st == GSL_SUCCESS; l++) {
    memcpy(prev, phi, (l - 1) * sizeof *phi);
    double a = acf[l - 1], b = 1;
    for (size_t j = 1; j < l; j++) {
      a -= prev[j - 1] * acf[l - j - 1];
      b -= prev[j - 1] * acf[j - 1];
    }
    if (!(b > 0)) {
      st = GSL_EDOM;
      break;
    }
    double c = a / b;
    pacf[l - 1] = phi[l - 1] = c;
    for (size_t j = 1; j < l; j++) phi[j - 1] = prev[j - 1] - c * prev[l - j - 1];
  }
  free(phi);
  return st;
}

void tsdiag_acf_band_ma(const double *acf, size_t lag_max, size_t n, double z, double *band) {
  double s = 1;
  for (size_t l = 1; l <= lag_max; l++) {
    band[l - 1] = z * sqrt(s / (double)n);
    s += 2 * acf[l - 1] * acf[l - 1];
  }
}

/* ===== Portmanteau tests ===== */

int tsdiag_box_test(const double *x, size_t n, size_t lag, size_t fitdf,
                    enum tsdiag_box_type type, struct tsdiag_box *out) {
  out->stat = out->df = out->p_value = NAN;
  if (lag == 0 || lag >= n) return GSL_EBADLEN;
  if (fitdf >= lag) return GSL_EINVAL;
  double *r = malloc(lag * sizeof *r);
  if (r == NULL) return GSL_ENOMEM;
  int st = tsdiag_acf(x, n, lag, r);
  if (st == GSL_SUCCESS) {
    double dn = (double)n, q = 0;
    for (size_t l = 1; l <= lag; l++)
      q += type == TSDIAG_LJUNG_BOX ? r[l - 1] * r[l - 1] / (dn - (double)l) : r[l - 1] * r[l - 1];
    out->stat = type == TSDIAG_LJUNG_BOX ? dn * (dn + 2) * q : dn * q;
    out->df = (double)(lag - fitdf);
    out->p_value = gsl_cdf_chisq_Q(out->stat, out->df);
  }
  free(r);
  return st;
}

/* ===== Lag-order selection ===== */

/* RSS of the AR(p) with constant on the common sample t = pmax..T-1
 * (0-based), by linreg_fit. */
static int ar_rss(const double *y, size_t T, size_t pmax, size_t p, double *X, double *rss) {
  size_t N = T - pmax, k = p + 1;
  for (size_t i = 0; i < N; i++) X[i] = 1;
  for (size_t l = 1; l <= p; l++)
    for (size_t i = 0; i < N; i++) X[i + l * N] = y[pmax + i - l];
  struct linreg_fit f;
  int st = linreg_fit(X, N, k, y + pmax, NULL, 1, &f);
  if (st == GSL_SUCCESS) *rss = f.rss;
  linreg_fini(&f);
  return st;
}

int tsdiag_varsoc(const double *y, size_t T, size_t pmax, struct tsdiag_varsoc *rows,
                  size_t sel[TSDIAG_NSEL]) {
  if (T <= 2 * pmax + 1) return GSL_EBADLEN;   /* N - pmax - 1 >= 1 */
  for (size_t t = 0; t < T; t++)
    if (!isfinite(y[t])) return GSL_EDOM;
  size_t N = T - pmax;
  double dN = (double)N;
  double *X = malloc(N * (pmax + 1) * sizeof *X);
  if (X == NULL) return GSL_ENOMEM;
  int st = GSL_SUCCESS;
  for (size_t p = 0; p <= pmax && st == GSL_SUCCESS; p++) {
    double rss = 0;
    st = ar_rss(y, T, pmax, p, X, &rss);
    if (st == GSL_SUCCESS && !(rss > 0)) st = GSL_EDOM;
    if (st != GSL_SUCCESS) break;
    struct tsdiag_varsoc *r = &rows[p];
    double np = (double)(p + 1);   /* parameters per equation: constant and p lags */
    r->p = p;
    r->ll = -(dN / 2) * (log(2 * M_PI) + 1) - (dN / 2) * log(rss / dN);
    r->aic = -2 * r->ll / dN + 2 * np / dN;
    r->sbic = -2 * r->ll / dN + log(dN) * np / dN;
    r->hqic = -2 * r->ll / dN + 2 * log(log(dN)) * np / dN;
    r->fpe = (rss / dN) * (dN + np) / (dN - np);
    if (p == 0) {
      r->lr = r->df = r->p_lr = NAN;
    } else {
      r->lr = 2 * (r->ll - rows[p - 1].ll);
      r->df = 1;
      r->p_lr = gsl_cdf_chisq_Q(r->lr, 1);
    }
  }
  free(X);
  if (st != GSL_SUCCESS) return st;
  for (int c = 0; c < TSDIAG_NSEL; c++) sel[c] = 0;
  for (size_t p = pmax; p >= 1; p--)
    if (rows[p].p_lr < 0.05) {
      sel[TSDIAG_SEL_LR] = p;
      break;
    }
  for (size_t p = 1; p <= pmax; p++) {
    if (rows[p].fpe < rows[sel[TSDIAG_SEL_FPE]].fpe) sel[TSDIAG_SEL_FPE] = p;
    if (rows[p].aic < rows[sel[TSDIAG_SEL_AIC]].aic) sel[TSDIAG_SEL_AIC] = p;
    if (rows[p].hqic < rows[sel[TSDIAG_SEL_HQIC]].hqic) sel[TSDIAG_SEL_HQIC] = p;
    if (rows[p].sbic < rows[sel[TSDIAG_SEL_SBIC]].sbic) sel[TSDIAG_SEL_SBIC] = p;
  }
  return GSL_SUCCESS;
}

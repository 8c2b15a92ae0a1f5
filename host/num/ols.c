/* host/num/ols.c -- OLS and WLS by Householder QR of sqrt(W)[X y] with exact
 * power-of-two column scaling, accumulated block by block (TSQR, LAPACK
 * dtpqrt's structured reflectors); rank deficiency by R's lm() test
 * (dqrdc2, tol 1e-7).  The normal equations are never formed.  Pure C, GSL
 * for the F law only.  Bound to Lua by host/bind/lmodel.c. */
#include "ols.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "chunks.h"
#include "qr.h"
#include "simd.h"
#include "data/mem.h"

#define LB QR_BLOCK

void linreg_leverage(const double *X, size_t n, size_t k, const double *w,
                     const double *rinv, double *h) {
  /* h_i = w_i ||R^-T x_i||^2; component j of R^-T x_i is sum_{l<=j} x_il rinv_lj.
   * Rows in blocks so the partial sums stay in cache. */
  double t[256];
  for (size_t i0 = 0; i0 < n; i0 += 256) {
    size_t m = n - i0 < 256 ? n - i0 : 256;
    for (size_t i = 0; i < m; i++) h[i0 + i] = 0;
    for (size_t j = 0; j < k; j++) {
      for (size_t i = 0; i < m; i++) t[i] = 0;
      for (size_t l = 0; l <= j; l++) {
        const double *xl = X + l * n + i0;
        double r = rinv[l + j * k];
        for (size_t i = 0; i < m; i++) t[i] += xl[i] * r;
      }
      for (size_t i = 0; i < m; i++) h[i0 + i] += t[i] * t[i];
    }
    if (w != NULL)
      for (size_t i = 0; i < m; i++) h[i0 + i] *= w[i0 + i];
  }
}

/* ===== Least squares fit ===== */

void linreg_fini(struct linreg_fit *fit) {
  MEM_RELEASE(fit, fit->coef, fit->rinv, fit->xtxi, fit->fitted, fit->resid);
}

/* The passes of linreg_fit over one chunk of the rows (chunks_run). */
struct ls_chunk {
  const double *X, *y, *w, *scale, *b;
  size_t n, k, lo, hi;
  double *amax;                 /* k + 1: largest |value| of X's columns and y */
  size_t xbad_col, xbad_row;    /* first non-finite value (xbad_col k: in y), or SIZE_MAX */
  size_t wbad_row;              /* first bad weight, or SIZE_MAX */
  struct qr_acc *q;
  double *f, *e, mean;
  double rss, sw, swf, slw, mss;
};

/* Largest |value| per column and the first non-finite value.  Four running
 * maxima so that the compares do not wait on one another; a non-finite
 * value makes the running sum non-finite, and only then are the rows
 * searched (a sum that merely overflowed finds nothing). */
static int scan_chunk(void *arg) {
  struct ls_chunk *p = arg;
  p->xbad_col = p->xbad_row = p->wbad_row = SIZE_MAX;
  for (size_t j = 0; j <= p->k; j++) {
    const double *c = j < p->k ? p->X + j * p->n : p->y;
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0, s = 0;
    size_t i = p->lo;
    for (; i + 4 <= p->hi; i += 4) {
      double v0 = fabs(c[i]), v1 = fabs(c[i + 1]), v2 = fabs(c[i + 2]), v3 = fabs(c[i + 3]);
      a0 = v0 > a0 ? v0 : a0;
      a1 = v1 > a1 ? v1 : a1;
      a2 = v2 > a2 ? v2 : a2;
      a3 = v3 > a3 ? v3 : a3;
      s += (v0 + v1) + (v2 + v3);
    }
    for (; i < p->hi; i++) {
      double v = fabs(c[i]);
      a0 = v > a0 ? v : a0;
      s += v;
    }
    a0 = a1 > a0 ? a1 : a0;
    a2 = a3 > a2 ? a3 : a2;
    p->amax[j] = a2 > a0 ? a2 : a0;
    if (!isfinite(s) && p->xbad_col == SIZE_MAX)
      for (i = p->lo; i < p->hi; i++)
        if (!isfinite(c[i])) {
          p->xbad_col = j;
          p->xbad_row = i;
          break;
        }
  }
  if (p->w != NULL)
    for (size_t i = p->lo; i < p->hi; i++)
      if (!(p->w[i] > 0) || !isfinite(p->w[i])) {
        p->wbad_row = i;
        break;
      }
  return 0;
}


/* Feed rows lo..hi-1 of sqrt(w) [X y] times the column scales into the
 * chunk's own accumulator. */
static int acc_chunk(void *arg) {
  struct ls_chunk *p = arg;
  double sw[LB];
  qr_reset(p->q);
  for (size_t i0 = p->lo; i0 < p->hi; i0 += LB) {
    size_t m = p->hi - i0 < LB ? p->hi - i0 : LB;
    if (p->w != NULL)
      for (size_t i = 0; i < m; i++) sw[i] = sqrt(p->w[i0 + i]);
    for (size_t j = 0; j <= p->k; j++) {
      const double *c = j < p->k ? p->X + j * p->n : p->y;
      simd_prefetch(c, p->n, i0, m);
      qr_put(p->q, j, c + i0, p->w != NULL ? sw : NULL, p->scale[j], m);
    }
    qr_absorb(p->q, m);
  }
  return 0;
}

/* fitted = X b, resid = y - fitted, and the chunk's weighted sums. */
static int fitted_chunk(void *arg) {
  struct ls_chunk *p = arg;
  const double *w = p->w;
  double rss = 0, sw = 0, swf = 0, slw = 0;
  for (size_t i0 = p->lo; i0 < p->hi; i0 += 256) {
    size_t m = p->hi - i0 < 256 ? p->hi - i0 : 256;
    double *f = p->f + i0, *e = p->e + i0;
    const double *y = p->y + i0;
    for (size_t i = 0; i < m; i++) f[i] = 0;
    for (size_t j = 0; j < p->k; j++) {
      const double *xj = p->X + j * p->n + i0;
      double bj = p->b[j];
      simd_prefetch(p->X + j * p->n, p->n, i0, m);
      for (size_t i = 0; i < m; i++) f[i] += xj[i] * bj;
    }
    for (size_t i = 0; i < m; i++) {
      double wi = w != NULL ? w[i0 + i] : 1;
      e[i] = y[i] - f[i];
      rss += wi * e[i] * e[i];
      sw += wi;
      swf += wi * f[i];
    }
    if (w != NULL)
      for (size_t i = 0; i < m; i++) slw += log(w[i0 + i]);
  }
  p->rss = rss;
  p->sw = sw;
  p->swf = swf;
  p->slw = slw;
  return 0;
}

static int mss_chunk(void *arg) {
  struct ls_chunk *p = arg;
  double mss = 0;
  for (size_t i = p->lo; i < p->hi; i++) {
    double d = p->f[i] - p->mean;
    mss += (p->w != NULL ? p->w[i] : 1) * d * d;
  }
  p->mss = mss;
  return 0;
}

/* The statistics R summary.lm and logLik.lm report, from the chunk sums. */
static void finish(struct ls_chunk *pt, void *const *arg, size_t np, struct linreg_fit *fit) {
  chunks_run(fitted_chunk, arg, np);
  double rss = 0, sw = 0, swf = 0, slw = 0, mss = 0;
  for (size_t p = 0; p < np; p++) {
    rss += pt[p].rss;
    sw += pt[p].sw;
    swf += pt[p].swf;
    slw += pt[p].slw;
  }
  double mean = fit->intercept ? swf / sw : 0;
  for (size_t p = 0; p < np; p++) pt[p].mean = mean;
  chunks_run(mss_chunk, arg, np);
  for (size_t p = 0; p < np; p++) mss += pt[p].mss;
  const size_t n = fit->n, k = fit->k;
  double dn = (double)n;
  fit->rss = rss;
  fit->mss = mss;
  fit->df_resid = dn - (double)k;
  fit->sigma2 = rss / fit->df_resid;
  /* summary.lm: r2 = mss/(mss + rss); adj = 1 - (1 - r2)(n - int)/rdf;
   * F = (mss/(k - int))/sigma2 on (k - int, rdf) df. */
  double dfint = fit->intercept ? 1 : 0;
  fit->r2 = mss / (mss + rss);
  fit->adj_r2 = 1 - (1 - fit->r2) * ((dn - dfint) / fit->df_resid);
  fit->f_df1 = (double)k - dfint;
  fit->f_df2 = fit->df_resid;
  if (fit->f_df1 > 0) {
    fit->fstat = (mss / fit->f_df1) / fit->sigma2;
    fit->f_p = gsl_cdf_fdist_Q(fit->fstat, fit->f_df1, fit->f_df2);
  } else {
    fit->fstat = fit->f_p = NAN;
  }
  /* logLik.lm: 0.5 (sum log w - n (log 2 pi + 1 - log n + log rss)), df k + 1 */
  fit->loglik = 0.5 * (slw - dn * (log(2 * M_PI) + 1 - log(dn) + log(rss)));
  fit->aic = -2 * fit->loglik + 2 * ((double)k + 1);
  fit->bic = -2 * fit->loglik + log(dn) * ((double)k + 1);
}

/* Rows are cut in fixed chunks (chunks_run): each chunk is scanned,
 * then reduced by the blocked QR into its own triangle, and the triangles
 * are merged in chunk order (TSQR). */
int linreg_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
               int intercept, struct linreg_fit *fit) {
  memset(fit, 0, sizeof *fit);
  fit->n = n;
  fit->k = k;
  fit->intercept = intercept;
  if (k == 0 || n <= k) return GSL_EBADLEN;
  const size_t nc = chunks_count(n);
  double *scale = malloc((k + 1) * (nc + 1) * sizeof *scale);
  struct qr_acc *q = calloc(nc, sizeof *q);
  struct ls_chunk *pt = malloc(nc * sizeof *pt);
  void **arg = malloc(nc * sizeof *arg);
  int st = GSL_ENOMEM;
  if (scale == NULL || q == NULL || pt == NULL || arg == NULL) goto done;
  for (size_t c = 0; c < nc; c++) {
    struct ls_chunk z = {X, y, w, scale, NULL, n, k, n * c / nc, n * (c + 1) / nc,
                        scale + (k + 1) * (c + 1), SIZE_MAX, SIZE_MAX, SIZE_MAX, &q[c],
                        NULL, NULL, 0, 0, 0, 0, 0, 0};
    pt[c] = z;
    arg[c] = &pt[c];
  }
  chunks_run(scan_chunk, arg, nc);
  /* The first bad value in the order of a serial scan: columns (then y)
   * in order, rows in order within a column; then the weights. */
  size_t bc = SIZE_MAX, br = SIZE_MAX;
  for (size_t c = 0; c < nc; c++)
    if (pt[c].xbad_col < bc) bc = pt[c].xbad_col, br = pt[c].xbad_row;
  if (bc == SIZE_MAX && w != NULL)
    for (size_t c = 0; c < nc && bc == SIZE_MAX; c++)
      if (pt[c].wbad_row != SIZE_MAX) bc = k + 1, br = pt[c].wbad_row;
  if (bc != SIZE_MAX) {
    fit->bad_col = bc;
    fit->bad_row = br;
    st = GSL_EDOM;
    goto done;
  }
  for (size_t j = 0; j <= k; j++) {
    double a = 0;
    for (size_t c = 0; c < nc; c++) a = pt[c].amax[j] > a ? pt[c].amax[j] : a;
    scale[j] = qr_pow2_scale(a);
  }
  st = GSL_ENOMEM;
  fit->coef = malloc(k * sizeof *fit->coef);
  fit->rinv = malloc(k * k * sizeof *fit->rinv);
  fit->xtxi = malloc(k * k * sizeof *fit->xtxi);
  fit->fitted = malloc(n * sizeof *fit->fitted);
  fit->resid = malloc(n * sizeof *fit->resid);
  if (fit->coef == NULL || fit->rinv == NULL || fit->xtxi == NULL || fit->fitted == NULL ||
      fit->resid == NULL)
    goto done;
  if (qr_init(q, nc, k + 1) != GSL_SUCCESS) goto done;
  chunks_run(acc_chunk, arg, nc);
  for (size_t c = 1; c < nc; c++) qr_merge(&q[0], &q[c]);
  st = qr_solve(&q[0], scale, QR_RANK_TOL, fit->coef, fit->rinv, &fit->bad_col);
  if (st != GSL_SUCCESS) goto done;
  qr_rinv_to_xtxi(fit->rinv, k, fit->xtxi);
  for (size_t c = 0; c < nc; c++) {
    pt[c].b = fit->coef;
    pt[c].f = fit->fitted;
    pt[c].e = fit->resid;
  }
  finish(pt, arg, nc, fit);
done:
  if (q != NULL) qr_fini(q, nc);
  free(q);
  free(pt);
  free(arg);
  free(scale);
  if (st != GSL_SUCCESS) {
    size_t bc0 = fit->bad_col, br0 = fit->bad_row;
    linreg_fini(fit);
    fit->bad_col = bc0;
    fit->bad_row = br0;
  }
  return st;
}

/* host/num/ols.c -- OLS and WLS by Householder QR of sqrt(W)[X y] with the
 * columns centred (when X has a constant column) and scaled by exact powers
 * of two, accumulated block by block (TSQR, LAPACK dtpqrt's structured
 * reflectors); rank deficiency by R's lm() test (dqrdc2) with a tolerance
 * the caller sets; the solution polished by iterative refinement with
 * residuals accumulated in long double; results back on the user's scale.
 * The normal equations are never formed.  Pure C, GSL for the F law only.
 * Bound to Lua by host/bind/lmodel.c. */
#include "ols.h"

#include <float.h>
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
  const double *X, *y, *w, *scale, *shift, *b;
  size_t n, k, lo, hi;
  double *amax;                 /* k + 1: largest |value| of X's columns and y */
  double *vlo, *vhi;            /* k + 1: smallest and largest value */
  size_t xbad_col, xbad_row;    /* first non-finite value (xbad_col k: in y), or SIZE_MAX */
  size_t wbad_row;              /* first bad weight, or SIZE_MAX */
  struct qr_acc *q;
  double *f, *e, mean;
  long double *acc;             /* k: the chunk's sums (refinement) */
  int exact;                    /* fitted values and residuals in long double */
  double rss, sw, swf, slw, mss;
};

/* Smallest and largest value (and so the largest |value|) per column and
 * the first non-finite value.  Two running extremes of each kind so that
 * the compares do not wait on one another; a non-finite value makes the
 * running sum of x - x NaN, and only then are the rows searched. */
static int scan_chunk(void *arg) {
  struct ls_chunk *p = arg;
  p->xbad_col = p->xbad_row = p->wbad_row = SIZE_MAX;
  for (size_t j = 0; j <= p->k; j++) {
    const double *c = j < p->k ? p->X + j * p->n : p->y;
    double v = p->lo < p->hi ? c[p->lo] : 0;
    double l0 = v, l1 = v, h0 = v, h1 = v, s = 0;
    size_t i = p->lo;
    for (; i + 2 <= p->hi; i += 2) {
      double v0 = c[i], v1 = c[i + 1];
      l0 = v0 < l0 ? v0 : l0;
      l1 = v1 < l1 ? v1 : l1;
      h0 = v0 > h0 ? v0 : h0;
      h1 = v1 > h1 ? v1 : h1;
      s += v0 - v0;
      s += v1 - v1;
    }
    for (; i < p->hi; i++) {
      l0 = c[i] < l0 ? c[i] : l0;
      h0 = c[i] > h0 ? c[i] : h0;
      s += c[i] - c[i];
    }
    p->vlo[j] = l1 < l0 ? l1 : l0;
    p->vhi[j] = h1 > h0 ? h1 : h0;
    p->amax[j] = fabs(p->vlo[j]) > fabs(p->vhi[j]) ? fabs(p->vlo[j]) : fabs(p->vhi[j]);
    /* x - x is 0 for every finite x and NaN otherwise */
    if (s != 0 && p->xbad_col == SIZE_MAX)
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

/* Feed rows lo..hi-1 of sqrt(w) [X y], centred and scaled, into the
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
      qr_put_shift(p->q, j, c + i0, p->w != NULL ? sw : NULL, p->shift[j], p->scale[j], m);
    }
    qr_absorb(p->q, m);
  }
  return 0;
}

/* One pass of the refinement: the residual r = (y - m_y) - sum_j (x_j - m_j) b_j
 * of the centred problem and g_j = sum_i w_i (x_ij - m_j) r_i, all in long
 * double (acc[0..k-1] = g, acc[k] = sum w r^2).  Long double is the x87's
 * 80-bit format, which has no vector instructions, so the loops take the
 * columns two at a time: each r_i is loaded and stored once per pair, not
 * once per column, and the two sums g_j, g_j+1 run side by side, so one's
 * addition need not wait for the other's.  Every r_i and every g_j sees
 * the same operations in the same order as one column at a time (j
 * ascending, i ascending), so the results are the same to the last bit. */
static int refine_chunk(void *arg) {
  struct ls_chunk *p = arg;
  const size_t k = p->k, n = p->n;
  long double r[256], rss = 0;
  for (size_t j = 0; j < k; j++) p->acc[j] = 0;
  for (size_t i0 = p->lo; i0 < p->hi; i0 += 256) {
    size_t m = p->hi - i0 < 256 ? p->hi - i0 : 256;
    for (size_t i = 0; i < m; i++) r[i] = (long double)p->y[i0 + i] - p->shift[k];
    size_t j = 0;
    for (; j + 4 <= k; j += 4) {
      const double *x0 = p->X + j * n + i0, *x1 = x0 + n, *x2 = x1 + n, *x3 = x2 + n;
      const double *b = p->b + j, *c = p->shift + j;
      for (size_t i = 0; i < m; i++) {
        long double ri = r[i] - ((long double)x0[i] - c[0]) * b[0];
        ri -= ((long double)x1[i] - c[1]) * b[1];
        ri -= ((long double)x2[i] - c[2]) * b[2];
        r[i] = ri - ((long double)x3[i] - c[3]) * b[3];
      }
    }
    for (; j < k; j++) {
      const double *xj = p->X + j * n + i0;
      long double bj = p->b[j], mj = p->shift[j];
      for (size_t i = 0; i < m; i++) r[i] -= ((long double)xj[i] - mj) * bj;
    }
    if (p->w != NULL) {
      for (size_t i = 0; i < m; i++) {
        rss += r[i] * r[i] * p->w[i0 + i];
        r[i] *= p->w[i0 + i];
      }
    } else {
      for (size_t i = 0; i < m; i++) rss += r[i] * r[i];
    }
    for (j = 0; j + 4 <= k; j += 4) {
      const double *x0 = p->X + j * n + i0, *x1 = x0 + n, *x2 = x1 + n, *x3 = x2 + n;
      const double *c = p->shift + j;
      long double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (size_t i = 0; i < m; i++) {
        long double ri = r[i];
        s0 += ((long double)x0[i] - c[0]) * ri;
        s1 += ((long double)x1[i] - c[1]) * ri;
        s2 += ((long double)x2[i] - c[2]) * ri;
        s3 += ((long double)x3[i] - c[3]) * ri;
      }
      p->acc[j] += s0;
      p->acc[j + 1] += s1;
      p->acc[j + 2] += s2;
      p->acc[j + 3] += s3;
    }
    for (; j < k; j++) {
      const double *xj = p->X + j * n + i0;
      long double mj = p->shift[j], s = 0;
      for (size_t i = 0; i < m; i++) s += ((long double)xj[i] - mj) * r[i];
      p->acc[j] += s;
    }
  }
  p->acc[k] = rss;
  return 0;
}

/* fitted = X b, resid = y - fitted, and the chunk's weighted sums; with
 * exact (an ill-conditioned fit, see linreg_fit_tol) both accumulated in
 * long double, so the cancellation of large terms costs nothing. */
static int fitted_chunk(void *arg) {
  struct ls_chunk *p = arg;
  const double *w = p->w;
  long double rss = 0, sw = 0, swf = 0, slw = 0;
  long double tl[256];
  double t[256];
  for (size_t i0 = p->lo; i0 < p->hi; i0 += 256) {
    size_t m = p->hi - i0 < 256 ? p->hi - i0 : 256;
    double *f = p->f + i0, *e = p->e + i0;
    const double *y = p->y + i0;
    double brss = 0, bsw = 0, bswf = 0;
    if (p->exact) {
      /* four columns at a time, in the order of one at a time (see
       * refine_chunk): the same sums, each tl[i] loaded and stored once
       * per four columns */
      for (size_t i = 0; i < m; i++) tl[i] = 0;
      size_t j = 0;
      for (; j + 4 <= p->k; j += 4) {
        const double *x0 = p->X + j * p->n + i0, *x1 = x0 + p->n, *x2 = x1 + p->n, *x3 = x2 + p->n;
        const double *b = p->b + j;
        for (size_t i = 0; i < m; i++) {
          long double ti = tl[i] + x0[i] * (long double)b[0];
          ti += x1[i] * (long double)b[1];
          ti += x2[i] * (long double)b[2];
          tl[i] = ti + x3[i] * (long double)b[3];
        }
      }
      for (; j < p->k; j++) {
        const double *xj = p->X + j * p->n + i0;
        long double bj = p->b[j];
        for (size_t i = 0; i < m; i++) tl[i] += xj[i] * bj;
      }
      for (size_t i = 0; i < m; i++) {
        long double wi = w != NULL ? w[i0 + i] : 1, ei = y[i] - tl[i];
        f[i] = (double)tl[i];
        e[i] = (double)ei;
        rss += wi * ei * ei;
        sw += wi;
        swf += wi * tl[i];
      }
    } else {
      for (size_t i = 0; i < m; i++) t[i] = 0;
      for (size_t j = 0; j < p->k; j++) {
        const double *xj = p->X + j * p->n + i0;
        double bj = p->b[j];
        simd_prefetch(p->X + j * p->n, p->n, i0, m);
        for (size_t i = 0; i < m; i++) t[i] += xj[i] * bj;
      }
      for (size_t i = 0; i < m; i++) {
        double wi = w != NULL ? w[i0 + i] : 1;
        f[i] = t[i];
        e[i] = y[i] - t[i];
        brss += wi * e[i] * e[i];
        bsw += wi;
        bswf += wi * t[i];
      }
      rss += brss;
      sw += bsw;
      swf += bswf;
    }
    if (w != NULL)
      for (size_t i = 0; i < m; i++) slw += log(w[i0 + i]);
  }
  p->rss = (double)rss;
  p->sw = (double)sw;
  p->swf = (double)swf;
  p->slw = (double)slw;
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
static void finish(struct ls_chunk *pt, size_t np, struct linreg_fit *fit) {
  chunks_run(fitted_chunk, pt, sizeof *pt, np);
  long double rss = 0, sw = 0, swf = 0, slw = 0, mss = 0;
  for (size_t p = 0; p < np; p++) {
    rss += pt[p].rss;
    sw += pt[p].sw;
    swf += pt[p].swf;
    slw += pt[p].slw;
  }
  double mean = fit->intercept ? (double)(swf / sw) : 0;
  for (size_t p = 0; p < np; p++) pt[p].mean = mean;
  chunks_run(mss_chunk, pt, sizeof *pt, np);
  for (size_t p = 0; p < np; p++) mss += pt[p].mss;
  const size_t n = fit->n, k = fit->k;
  double dn = (double)n;
  fit->rss = (double)rss;
  fit->mss = (double)mss;
  fit->df_resid = dn - (double)k;
  fit->sigma2 = fit->rss / fit->df_resid;
  /* summary.lm: r2 = mss/(mss + rss); adj = 1 - (1 - r2)(n - int)/rdf;
   * F = (mss/(k - int))/sigma2 on (k - int, rdf) df. */
  double dfint = fit->intercept ? 1 : 0;
  fit->r2 = fit->mss / (fit->mss + fit->rss);
  fit->adj_r2 = 1 - (1 - fit->r2) * ((dn - dfint) / fit->df_resid);
  fit->f_df1 = (double)k - dfint;
  fit->f_df2 = fit->df_resid;
  if (fit->f_df1 > 0) {
    fit->fstat = (fit->mss / fit->f_df1) / fit->sigma2;
    fit->f_p = gsl_cdf_fdist_Q(fit->fstat, fit->f_df1, fit->f_df2);
  } else {
    fit->fstat = fit->f_p = NAN;
  }
  /* logLik.lm: 0.5 (sum log w - n (log 2 pi + 1 - log n + log rss)), df k + 1 */
  fit->loglik = 0.5 * ((double)slw - dn * (log(2 * M_PI) + 1 - log(dn) + log(fit->rss)));
  fit->aic = -2 * fit->loglik + 2 * ((double)k + 1);
  fit->bic = -2 * fit->loglik + log(dn) * ((double)k + 1);
}

/* Iterative refinement of the centred solution b (k): each step computes
 * the residual and g = Xc'W r in long double and corrects b by
 * d = (Xc'W Xc)^-1 g = rinv rinv' g (the seminormal equations on the QR's
 * triangle; rinv = R^-1 of the centred X, unscaled).  With the residual
 * exact to long double, the solution converges to the least squares
 * solution of the data as given, rather than to one a few digits off when
 * X is ill-conditioned or the residuals are large (NIST's Wampler5).  A
 * step is taken only while the corrections shrink at least fourfold; at
 * most LS_REFINE steps, each kept only if the residual sum of squares,
 * recomputed in long double, did not rise. */
#define LS_REFINE 4
#define LS_REFINE_BELOW 1e-13
static void refine(struct ls_chunk *pt, size_t nc, const double *rinv,
                   const double *scale, double *b, size_t k) {
  long double g[k], t[k], d[k];
  double bprev[k];
  long double prev = INFINITY, rss_prev = INFINITY;
  for (int it = 0; it <= LS_REFINE; it++) {
    chunks_run(refine_chunk, pt, sizeof *pt, nc);
    long double rss = 0;
    for (size_t c = 0; c < nc; c++) rss += pt[c].acc[k];
    /* A step that raised the residual sum of squares was no correction
     * (the seminormal equations of a very ill-conditioned triangle can
     * give one): undo it and stop. */
    if (it > 0 && !(rss <= rss_prev * (1 + 8 * LDBL_EPSILON))) {
      memcpy(b, bprev, k * sizeof *b);
      break;
    }
    if (it == LS_REFINE) break;
    rss_prev = rss;
    for (size_t j = 0; j < k; j++) {
      g[j] = 0;
      for (size_t c = 0; c < nc; c++) g[j] += pt[c].acc[j];
    }
    /* t = rinv' g, d = rinv t (rinv upper triangular) */
    for (size_t j = 0; j < k; j++) {
      long double s = 0;
      for (size_t l = 0; l <= j; l++) s += (long double)rinv[l + j * k] * g[l];
      t[j] = s;
    }
    long double nd = 0, nb = 0;
    for (size_t l = 0; l < k; l++) {
      long double s = 0;
      for (size_t j = l; j < k; j++) s += (long double)rinv[l + j * k] * t[j];
      d[l] = s;
      /* sizes in the units of the scaled columns, where all are comparable */
      nd += (s / scale[l]) * (s / scale[l]);
      nb += (b[l] / scale[l]) * (b[l] / scale[l]);
    }
    if (!(nd < prev / 16) || !isfinite(nd)) break;
    prev = nd;
    memcpy(bprev, b, k * sizeof *b);
    for (size_t j = 0; j < k; j++) b[j] = (double)(b[j] + d[j]);
    if (nd <= 1e-36L * nb) break;
  }
}

/* Rows are cut in fixed chunks (chunks_run): each chunk is scanned,
 * then reduced by the blocked QR into its own triangle, and the triangles
 * are merged in chunk order (TSQR).
 * Centring: when X's first column is constant (an intercept), every other
 * column and y have the midpoint of their range subtracted before the QR
 * (as the rows are fed; X is not copied).  The fit on the centred columns
 * has the same slopes, and b_0 = b0c + (m_y - sum_j m_j b_j)/c; in matrix
 * terms X = Xc U with U = I + e_0 u', u_j = m_j/c, so b = U^-1 bc,
 * R^-1 = U^-1 Rc^-1 (still upper triangular) and
 * (X'WX)^-1 = U^-1 (Xc'WXc)^-1 U^-T (qr_uncentre). */
int linreg_fit_tol(const double *X, size_t n, size_t k, const double *y, const double *w,
                   int intercept, double tol, struct linreg_fit *fit) {
  memset(fit, 0, sizeof *fit);
  fit->n = n;
  fit->k = k;
  fit->intercept = intercept;
  if (k == 0 || n <= k) return GSL_EBADLEN;
  if (!(tol > 0 && tol < 1)) tol = LINREG_TOL;   /* 0 (a zeroed option struct): the default */
  const size_t nc = chunks_count(n);
  double *scale = malloc((k + 1) * (3 * nc + 2) * sizeof *scale);
  long double *acc = malloc((k + 2) * nc * sizeof *acc);
  struct qr_acc *q = calloc(nc, sizeof *q);
  struct ls_chunk *pt = malloc(nc * sizeof *pt);
  double *rinv_c = malloc(k * k * sizeof *rinv_c);
  int st = GSL_ENOMEM;
  if (scale == NULL || acc == NULL || q == NULL || pt == NULL || rinv_c == NULL)
    goto done;
  double *shift = scale + (k + 1);
  for (size_t c = 0; c < nc; c++) {
    double *sc = scale + (k + 1) * (2 + 3 * c);
    struct ls_chunk z = {X, y, w, scale, shift, NULL, n, k, n * c / nc, n * (c + 1) / nc,
                        sc, sc + (k + 1), sc + 2 * (k + 1), SIZE_MAX, SIZE_MAX, SIZE_MAX,
                        &q[c], NULL, NULL, 0, acc + (k + 2) * c, 0, 0, 0, 0, 0, 0};
    pt[c] = z;
  }
  chunks_run(scan_chunk, pt, sizeof *pt, nc);
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
  /* Centre when the first column is constant and not zero (whatever
   * intercept says: that only decides what R^2 is about). */
  double c0 = X[0];
  int centre = c0 != 0;
  for (size_t c = 0; c < nc && centre; c++) centre = pt[c].vlo[0] == c0 && pt[c].vhi[0] == c0;
  /* The shift is the midpoint of the column's range (no extra pass over
   * the data; any shift gives the same fit, back-transformed exactly). */
  for (size_t j = 0; j <= k; j++) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t c = 0; c < nc; c++) {
      lo = pt[c].vlo[j] < lo ? pt[c].vlo[j] : lo;
      hi = pt[c].vhi[j] > hi ? pt[c].vhi[j] : hi;
    }
    shift[j] = centre && j > 0 ? lo + (hi - lo) / 2 : 0;
  }
  for (size_t j = 0; j <= k; j++) {
    double a = 0;
    for (size_t c = 0; c < nc; c++) {
      double lo = fabs(pt[c].vlo[j] - shift[j]), hi = fabs(pt[c].vhi[j] - shift[j]);
      a = lo > a ? lo : a;
      a = hi > a ? hi : a;
    }
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
  mem_advise_large(fit->fitted, n * sizeof *fit->fitted);
  mem_advise_large(fit->resid, n * sizeof *fit->resid);
  if (qr_init(q, nc, k + 1) != GSL_SUCCESS) goto done;
  chunks_run(acc_chunk, pt, sizeof *pt, nc);
  for (size_t c = 1; c < nc; c++) qr_merge(&q[0], &q[c]);
  if (centre) qr_centred(&q[0], shift, scale, c0);
  double *b = fit->coef;
  st = qr_solve(&q[0], scale, tol, b, rinv_c, &fit->bad_col);
  if (st != GSL_SUCCESS) goto done;
  /* b and rinv_c are now those of the centred, unscaled columns */
  for (size_t c = 0; c < nc; c++) pt[c].b = b;
  /* Refine (and accumulate the residuals in long double) only where the
   * QR solution may have lost digits: the least squares forward error
   * bound (Golub and Van Loan 5.3.8), eps kappa (2 + kappa tan theta),
   * with kappa = ||R||_F ||R^-1||_F of the scaled triangle and tan theta =
   * ||r|| / ||Q'y|| from its last column, above 1e-13.  Well-conditioned
   * fits (most, and all large ones seen so far) skip the long double
   * passes, which cost several times the QR. */
  {
    const double *R = q[0].R;
    const size_t K = k + 1;
    double nr = 0, ni = 0, nqy = 0, rho = fabs(R[k + k * K]);
    for (size_t j = 0; j < k; j++) {
      nqy += R[j + k * K] * R[j + k * K];
      for (size_t l = 0; l <= j; l++) {
        double ri = rinv_c[l + j * k] / scale[l];
        nr += R[l + j * K] * R[l + j * K];
        ni += ri * ri;
      }
    }
    double kappa = sqrt(nr) * sqrt(ni);
    double tan_t = nqy > 0 ? rho / sqrt(nqy) : INFINITY;
    double est = DBL_EPSILON * kappa * (2 + kappa * tan_t);
    fit->cond = kappa;
    if (!(est <= LS_REFINE_BELOW)) {
      refine(pt, nc, rinv_c, scale, b, k);
      for (size_t c = 0; c < nc; c++) pt[c].exact = 1;
    }
  }
  qr_rinv_to_xtxi(rinv_c, k, fit->xtxi);
  memcpy(fit->rinv, rinv_c, k * k * sizeof *rinv_c);
  if (centre) qr_uncentre(k, shift, c0, shift[k], b, fit->rinv, fit->xtxi);
  for (size_t c = 0; c < nc; c++) {
    pt[c].b = fit->coef;
    pt[c].f = fit->fitted;
    pt[c].e = fit->resid;
  }
  finish(pt, nc, fit);
done:
  if (q != NULL) qr_fini(q, nc);
  free(q);
  free(pt);
  free(scale);
  free(acc);
  free(rinv_c);
  if (st != GSL_SUCCESS) {
    size_t bc0 = fit->bad_col, br0 = fit->bad_row;
    linreg_fini(fit);
    fit->bad_col = bc0;
    fit->bad_row = br0;
  }
  return st;
}

int linreg_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
               int intercept, struct linreg_fit *fit) {
  return linreg_fit_tol(X, n, k, y, w, intercept, LINREG_TOL, fit);
}

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
#include "cols.h"
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
  const struct glm_col *X;      /* k columns of n rows, read in place */
  const unsigned char *small;   /* k: cols_block's flag */
  const double *y, *w, *scale, *shift, *b;
  size_t n, k, lo, hi;
  double *amax;                 /* k + 1: largest |value| of X's columns and y */
  double *vlo, *vhi;            /* k + 1: smallest and largest value */
  size_t xbad_col, xbad_row;    /* first non-finite value (xbad_col k: in y), or SIZE_MAX */
  size_t wbad_row;              /* first bad weight, or SIZE_MAX */
  struct qr_acc *q;
  double *f, *e;
  long double *acc;             /* k: the chunk's sums (refinement) */
  int exact;                    /* fitted values and residuals in long double */
  double rss, sw, swf, slw, mss;
  double swy;                   /* scan: sum w y (sw: sum w) */
  double ymean;                 /* fitted pass: the centre of the fitted values' squares */
  /* the meat (linreg_meat), formed in fitted_chunk */
  const struct linreg_meat *meat;
  const double *rinvc;          /* k x k: R^-1 of the centred, unscaled columns */
  double *U;                    /* cluster: G x k, the chunk's score sums */
  struct qr_acc *qm;            /* HC: the chunk's triangle */
  int bad, nomem;
};

/* Smallest and largest value (and so the largest |value|) per column and
 * the first non-finite value.  Two running extremes of each kind so that
 * the compares do not wait on one another; a non-finite value makes the
 * running sum of x - x NaN, and only then are the rows searched.
 * Whole-number columns are compared as integers (never non-finite); the
 * constant column is 1. */
static int scan_chunk(void *arg) {
  struct ls_chunk *p = arg;
  p->xbad_col = p->xbad_row = p->wbad_row = SIZE_MAX;
  for (size_t j = 0; j <= p->k; j++) {
    const struct glm_col *xc = j < p->k ? &p->X[j] : NULL;
    if (xc != NULL && xc->f64 == NULL) {
      if (xc->i64 != NULL && p->lo < p->hi) {
        int64_t a, b;
        cols_i64_range(xc->i64, p->lo, p->hi, &a, &b);
        p->vlo[j] = (double)a;
        p->vhi[j] = (double)b;
      } else {
        p->vlo[j] = p->vhi[j] = xc->i64 != NULL ? 0 : 1;
      }
      p->amax[j] = fabs(p->vlo[j]) > fabs(p->vhi[j]) ? fabs(p->vlo[j]) : fabs(p->vhi[j]);
      continue;
    }
    const double *c = xc != NULL ? xc->f64 : p->y;
    double v = p->lo < p->hi ? c[p->lo] : 0;
    /* four rows a step in two pairs of lanes (min2/max2 keep the running
     * extreme when x is NaN, as x < a ? x : a does) */
    v2 la = splat(v), lb = la, ha = la, hb = la, za = splat(0), zb = za;
    size_t i = p->lo;
    for (; i + 4 <= p->hi; i += 4) {
      v2 x = ld2(c + i), u = ld2(c + i + 2);
      la = min2(x, la);
      lb = min2(u, lb);
      ha = max2(x, ha);
      hb = max2(u, hb);
      za += x - x;
      zb += u - u;
    }
    la = min2(lb, la);
    ha = max2(hb, ha);
    double l0 = la[0] < la[1] ? la[0] : la[1], h0 = ha[0] > ha[1] ? ha[0] : ha[1];
    double s = (za[0] + za[1]) + (zb[0] + zb[1]);
    for (; i < p->hi; i++) {
      l0 = c[i] < l0 ? c[i] : l0;
      h0 = c[i] > h0 ? c[i] : h0;
      s += c[i] - c[i];
    }
    p->vlo[j] = l0;
    p->vhi[j] = h0;
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
  /* sum w and sum w y: the weighted mean of y, about which the fitted
   * values' sum of squares is taken in the fitted pass (finish) */
  double sw = 0, swy = 0;
  if (p->w != NULL) {
    for (size_t i = p->lo; i < p->hi; i++) {
      sw += p->w[i];
      swy += p->w[i] * p->y[i];
    }
  } else {
    for (size_t i = p->lo; i < p->hi; i++) swy += p->y[i];
    sw = (double)(p->hi - p->lo);
  }
  p->sw = sw;
  p->swy = swy;
  return 0;
}

/* Column j of the design (j < k) or y (j == k), rows i0..i0+m-1. */
static inline const double *ls_block(const struct ls_chunk *p, size_t j, size_t i0, size_t m,
                                     double *buf) {
  return j < p->k ? cols_block(&p->X[j], p->small[j], i0, m, buf) : p->y + i0;
}

/* Feed rows lo..hi-1 of sqrt(w) [X y], centred and scaled, into the
 * chunk's own accumulator. */
static int acc_chunk(void *arg) {
  struct ls_chunk *p = arg;
  double sw[LB], cv[LB];
  qr_reset(p->q);
  for (size_t i0 = p->lo; i0 < p->hi; i0 += LB) {
    size_t m = p->hi - i0 < LB ? p->hi - i0 : LB;
    if (p->w != NULL)
      for (size_t i = 0; i < m; i++) sw[i] = sqrt(p->w[i0 + i]);
    for (size_t j = 0; j <= p->k; j++) {
      if (j < p->k) cols_prefetch(&p->X[j], p->n, i0, m);
      else simd_prefetch(p->y, p->n, i0, m);
      qr_put_shift(p->q, j, ls_block(p, j, i0, m, cv), p->w != NULL ? sw : NULL, p->shift[j],
                   p->scale[j], m);
    }
    qr_absorb(p->q, m);
  }
  return 0;
}

/* One pass of the refinement: the residual r = (y - m_y) - sum_j (x_j - m_j) b_j
 * of the centred problem and g_j = sum_i w_i (x_ij - m_j) r_i, all in long
 * double (acc[0..k-1] = g, acc[k] = sum w r^2).  Long double is the x87's
 * 80-bit format, which has no vector instructions, so the loops take the
 * columns four at a time: each r_i is loaded and stored once per four
 * columns, not once per column, and the four sums g_j..g_j+3 run side by
 * side, so one's addition need not wait for another's.  Every r_i and
 * every g_j sees the same operations in the same order as one column at a
 * time (j ascending, i ascending), so the results are the same to the last
 * bit. */
static int refine_chunk(void *arg) {
  struct ls_chunk *p = arg;
  const size_t k = p->k;
  long double r[256], rss = 0;
  double cv[4][256];   /* blocks of up to four columns converted from a smaller type (cols.h) */
  for (size_t j = 0; j < k; j++) p->acc[j] = 0;
  for (size_t i0 = p->lo; i0 < p->hi; i0 += 256) {
    size_t m = p->hi - i0 < 256 ? p->hi - i0 : 256;
    for (size_t i = 0; i < m; i++) r[i] = (long double)p->y[i0 + i] - p->shift[k];
    size_t j = 0;
    for (; j + 4 <= k; j += 4) {
      const double *x0 = ls_block(p, j, i0, m, cv[0]), *x1 = ls_block(p, j + 1, i0, m, cv[1]),
                   *x2 = ls_block(p, j + 2, i0, m, cv[2]), *x3 = ls_block(p, j + 3, i0, m, cv[3]);
      const double *b = p->b + j, *c = p->shift + j;
      for (size_t i = 0; i < m; i++) {
        long double ri = r[i] - ((long double)x0[i] - c[0]) * b[0];
        ri -= ((long double)x1[i] - c[1]) * b[1];
        ri -= ((long double)x2[i] - c[2]) * b[2];
        r[i] = ri - ((long double)x3[i] - c[3]) * b[3];
      }
    }
    for (; j < k; j++) {
      const double *xj = ls_block(p, j, i0, m, cv[0]);
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
      const double *x0 = ls_block(p, j, i0, m, cv[0]), *x1 = ls_block(p, j + 1, i0, m, cv[1]),
                   *x2 = ls_block(p, j + 2, i0, m, cv[2]), *x3 = ls_block(p, j + 3, i0, m, cv[3]);
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
      const double *xj = ls_block(p, j, i0, m, cv[0]);
      long double mj = p->shift[j], s = 0;
      for (size_t i = 0; i < m; i++) s += ((long double)xj[i] - mj) * r[i];
      p->acc[j] += s;
    }
  }
  p->acc[k] = rss;
  return 0;
}

/* The meat's share of rows i0..i0+m-1 (m <= LS_ROWS), whose residuals
 * are in p->e: u_i = w_i e_i and the centred columns xc_ij = x_ij - m_j
 * (xb, k blocks of LS_ROWS).  Cluster: U_g += u_i xc_i, row by row in
 * order.  HC: the rows |u_i| xc_i (HC2, HC3: over sqrt(1 - h_i) or
 * 1 - h_i, h_i = w_i ||Rc^-T xc_i||^2), scaled as the fit's columns, into
 * the chunk's triangle, QR_BLOCK rows at a time. */
#define LS_ROWS 256
static void meat_block(struct ls_chunk *p, size_t i0, size_t m, const double *const *xp,
                       double *xb) {
  const struct linreg_meat *mt = p->meat;
  const size_t k = p->k;
  const double *e = p->e + i0, *w = p->w != NULL ? p->w + i0 : NULL;
  double u[LS_ROWS];
  for (size_t i = 0; i < m; i++) u[i] = (w != NULL ? w[i] : 1) * e[i];
  for (size_t j = 0; j < k; j++) {   /* xp[j]: the block read for the fitted values (or NULL) */
    double *o = xb + j * LS_ROWS, s = p->shift[j];
    const double *x = xp != NULL ? xp[j] : cols_block(&p->X[j], p->small[j], i0, m, o);
    v2 S = splat(s);
    size_t i = 0;
    for (; i + 2 <= m; i += 2) st2(o + i, ld2(x + i) - S);
    for (; i < m; i++) o[i] = x[i] - s;
  }
  if (mt->kind == LINREG_MEAT_CLUSTER) {
    size_t gid[LS_ROWS];
    const size_t *cl = mt->cluster != NULL ? mt->cluster + i0 : gid;
    if (mt->cluster == NULL && mt->cl_i64 != NULL)
      for (size_t i = 0; i < m; i++) gid[i] = mt->cl_rank[(uint64_t)mt->cl_i64[i0 + i] - (uint64_t)mt->cl_lo];
    else if (mt->cluster == NULL)
      for (size_t i = 0; i < m; i++)
        gid[i] = mt->cl_rank[(uint64_t)(int64_t)mt->cl_cat[i0 + i] - (uint64_t)mt->cl_lo];
    for (size_t i = 0; i < m; i++) {
      double *ug = p->U + cl[i] * k;
      for (size_t j = 0; j < k; j++) ug[j] += u[i] * xb[i + j * LS_ROWS];
    }
    return;
  }
  for (size_t i = 0; i < m; i++) u[i] = fabs(u[i]);
  if (mt->hc >= 2) {
    double h[LS_ROWS], t[LS_ROWS];
    for (size_t i = 0; i < m; i++) h[i] = 0;
    for (size_t a = 0; a < k; a++) {
      for (size_t i = 0; i < m; i++) t[i] = 0;
      for (size_t l = 0; l <= a; l++) {
        const double *xl = xb + l * LS_ROWS;
        double r = p->rinvc[l + a * k];
        for (size_t i = 0; i < m; i++) t[i] += xl[i] * r;
      }
      for (size_t i = 0; i < m; i++) h[i] += t[i] * t[i];
    }
    for (size_t i = 0; i < m; i++) {
      double q = 1 - (w != NULL ? w[i] : 1) * h[i];
      if (!(q > 0)) {
        p->bad = 1;
        return;
      }
      u[i] = mt->hc == 2 ? u[i] / sqrt(q) : u[i] / q;
    }
  }
  for (size_t s0 = 0; s0 < m; s0 += LB) {
    size_t mm = m - s0 < LB ? m - s0 : LB;
    for (size_t j = 0; j < k; j++) qr_put(p->qm, j, xb + j * LS_ROWS + s0, u + s0, p->scale[j], mm);
    qr_absorb(p->qm, mm);
  }
}

/* fitted = X b, resid = y - fitted, and the chunk's weighted sums; with
 * exact (an ill-conditioned fit, see linreg_fit_tol) both accumulated in
 * long double, so the cancellation of large terms costs nothing.  With a
 * meat, its share of each block of rows while they are in cache. */
static int fitted_chunk(void *arg) {
  struct ls_chunk *p = arg;
  const double *w = p->w;
  long double rss = 0, sw = 0, swf = 0, slw = 0, mss = 0;
  const double c = p->ymean;
  long double tl[LS_ROWS];
  double t[LS_ROWS], cv[LS_ROWS], *xb = NULL;
  const double **xp = NULL;
  p->bad = p->nomem = 0;
  if (p->meat != NULL) {
    xb = malloc(p->k * LS_ROWS * sizeof *xb + p->k * sizeof *xp);
    xp = (const double **)(void *)(xb + p->k * LS_ROWS);
    if (xb == NULL) {
      p->nomem = 1;
      return 0;
    }
    if (p->qm != NULL) qr_reset(p->qm);
  }
  for (size_t i0 = p->lo; i0 < p->hi; i0 += LS_ROWS) {
    size_t m = p->hi - i0 < LS_ROWS ? p->hi - i0 : LS_ROWS;
    double *f = p->f + i0, *e = p->e + i0;
    const double *y = p->y + i0;
    double brss = 0, bsw = 0, bswf = 0, bmss = 0;
    if (p->exact) {
      /* four columns at a time, in the order of one at a time (see
       * refine_chunk): the same sums, each tl[i] loaded and stored once
       * per four columns */
      double cv4[4][LS_ROWS];
      for (size_t i = 0; i < m; i++) tl[i] = 0;
      size_t j = 0;
      for (; j + 4 <= p->k; j += 4) {
        const double *x0 = cols_block(&p->X[j], p->small[j], i0, m, cv4[0]),
                     *x1 = cols_block(&p->X[j + 1], p->small[j + 1], i0, m, cv4[1]),
                     *x2 = cols_block(&p->X[j + 2], p->small[j + 2], i0, m, cv4[2]),
                     *x3 = cols_block(&p->X[j + 3], p->small[j + 3], i0, m, cv4[3]);
        const double *b = p->b + j;
        for (size_t i = 0; i < m; i++) {
          long double ti = tl[i] + x0[i] * (long double)b[0];
          ti += x1[i] * (long double)b[1];
          ti += x2[i] * (long double)b[2];
          tl[i] = ti + x3[i] * (long double)b[3];
        }
      }
      for (; j < p->k; j++) {
        const double *xj = cols_block(&p->X[j], p->small[j], i0, m, cv);
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
        mss += wi * (tl[i] - c) * (tl[i] - c);
      }
    } else {
      /* t = X b two rows at a time (the same operations as row by row);
       * with a meat, each column's block is kept for it in xb */
      size_t i;
      for (i = 0; i < m; i++) t[i] = 0;
      for (size_t j = 0; j < p->k; j++) {
        cols_prefetch(&p->X[j], p->n, i0, m);
        const double *xj = cols_block(&p->X[j], p->small[j], i0, m, xb != NULL ? xb + j * LS_ROWS : cv);
        if (xb != NULL) xp[j] = xj;
        double bj = p->b[j];
        v2 B = splat(bj);
        for (i = 0; i + 2 <= m; i += 2) st2(t + i, ld2(t + i) + ld2(xj + i) * B);
        for (; i < m; i++) t[i] += xj[i] * bj;
      }
      for (i = 0; i < m; i++) {
        double wi = w != NULL ? w[i0 + i] : 1;
        f[i] = t[i];
        e[i] = y[i] - t[i];
        brss += wi * e[i] * e[i];
        bsw += wi;
        bswf += wi * t[i];
        bmss += wi * (t[i] - c) * (t[i] - c);
      }
      rss += brss;
      sw += bsw;
      swf += bswf;
      mss += bmss;
    }
    if (w != NULL)
      for (size_t i = 0; i < m; i++) slw += log(w[i0 + i]);
    if (xb != NULL && !p->bad) meat_block(p, i0, m, p->exact ? NULL : xp, xb);
  }
  free(xb);
  p->rss = (double)rss;
  p->sw = (double)sw;
  p->swf = (double)swf;
  p->slw = (double)slw;
  p->mss = (double)mss;
  return 0;
}

/* The statistics R summary.lm and logLik.lm report, from the chunk sums. */
/* The explained sum of squares is taken about the weighted mean of y, c
 * (from the scan), in the same pass as the fitted values, and corrected
 * to the fitted values' own weighted mean m: sum w (f - m)^2 =
 * sum w (f - c)^2 - sw (m - c)^2.  With an intercept m equals c up to
 * rounding, so the correction is of rounding size and nothing cancels;
 * without one both are 0 (R: mss about 0). */
static void finish(struct ls_chunk *pt, size_t np, struct linreg_fit *fit) {
  long double sw0 = 0, swy = 0;
  for (size_t p = 0; p < np; p++) {
    sw0 += pt[p].sw;
    swy += pt[p].swy;
  }
  double c = fit->intercept ? (double)(swy / sw0) : 0;
  for (size_t p = 0; p < np; p++) pt[p].ymean = c;
  chunks_run(fitted_chunk, pt, sizeof *pt, np);
  long double rss = 0, sw = 0, swf = 0, slw = 0, mss = 0;
  for (size_t p = 0; p < np; p++) {
    rss += pt[p].rss;
    sw += pt[p].sw;
    swf += pt[p].swf;
    slw += pt[p].slw;
    mss += pt[p].mss;
  }
  if (fit->intercept) {
    long double d = swf / sw - c;
    mss -= sw * d * d;
  }
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

/* The meat from the chunks' shares, in the basis q_i = R^-T x_i =
 * Rc^-T xc_i (Rc the triangle of the centred, unscaled columns xc_i, whose
 * inverse is rinvc; ols.c's centring).  Cluster: U_g summed over the chunks
 * in order, q-sums Rc^-T U_g, M = sum_g (Rc^-T U_g)(Rc^-T U_g)'.  HC: the
 * triangles merged in chunk order into R_w, the QR of the rows
 * sqrt(omega_i) xc_i D (D the columns' scales); G = R_w D^-1 Rc^-1 and
 * M = G'G, never squaring the scaled rows (vcov.c's vcov_hc). */
static int meat_finish(struct linreg_meat *mt, size_t nc, double *U, struct qr_acc *qm,
                       const double *rinvc, const double *scale, size_t k) {
  double *M = mt->M, *G = malloc(k * (k + 1) * sizeof *G), *uq = G + k * k;
  if (G == NULL) return GSL_ENOMEM;
  memset(M, 0, k * k * sizeof *M);
  if (U != NULL) {
    const size_t gk = mt->G * k;
    for (size_t c = 1; c < nc; c++)
      for (size_t i = 0; i < gk; i++) U[i] += U[c * gk + i];
    for (size_t g = 0; g < mt->G; g++) {
      const double *ug = U + g * k;
      for (size_t a = 0; a < k; a++) {        /* uq_a = sum_{l <= a} rinvc_la ug_l */
        double s = 0;
        for (size_t l = 0; l <= a; l++) s += rinvc[l + a * k] * ug[l];
        uq[a] = s;
      }
      for (size_t a = 0; a < k; a++)
        for (size_t c = a; c < k; c++) M[a + c * k] += uq[a] * uq[c];
    }
  } else {
    for (size_t c = 1; c < nc; c++) qr_merge(&qm[0], &qm[c]);
    const double *Rw = qm[0].R;
    for (size_t c = 0; c < k; c++)
      for (size_t a = 0; a < k; a++) {
        double t = 0;
        for (size_t l = a; l <= c; l++) t += Rw[a + l * k] / scale[l] * rinvc[l + c * k];
        G[a + c * k] = a <= c ? t : 0;
      }
    for (size_t a = 0; a < k; a++)
      for (size_t c = a; c < k; c++) {
        double t = 0;
        for (size_t l = 0; l <= a; l++) t += G[l + a * k] * G[l + c * k];
        M[a + c * k] = t;
      }
  }
  for (size_t a = 0; a < k; a++)
    for (size_t c = a + 1; c < k; c++) M[c + a * k] = M[a + c * k];
  free(G);
  mt->done = 1;
  return GSL_SUCCESS;
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
int linreg_fit_cols(const struct glm_col *X, size_t n, size_t k, const double *y, const double *w,
                    int intercept, double tol, struct linreg_meat *meat, struct linreg_fit *fit) {
  memset(fit, 0, sizeof *fit);
  if (meat != NULL) meat->done = meat->bad = 0;
  fit->n = n;
  fit->k = k;
  fit->intercept = intercept;
  if (k == 0 || n <= k) return GSL_EBADLEN;
  if (!(tol > 0 && tol < 1)) tol = LINREG_TOL;   /* 0 (a zeroed option struct): the default */
  const size_t nc = chunks_count(n);
  double *scale = malloc((k + 1) * (3 * nc + 2) * sizeof *scale);
  long double *acc = malloc((k + 2) * nc * sizeof *acc);
  struct qr_acc *q = calloc(nc, sizeof *q);
  struct ls_chunk *pt = calloc(nc, sizeof *pt);
  double *rinv_c = malloc(k * k * sizeof *rinv_c);
  unsigned char *small = calloc(k, 1);
  struct qr_acc *qm = NULL;
  double *U = NULL;
  int st = GSL_ENOMEM;
  if (scale == NULL || acc == NULL || q == NULL || pt == NULL || rinv_c == NULL || small == NULL)
    goto done;
  double *shift = scale + (k + 1);
  for (size_t c = 0; c < nc; c++) {
    double *sc = scale + (k + 1) * (2 + 3 * c);
    struct ls_chunk z = {.X = X, .small = small, .y = y, .w = w, .scale = scale, .shift = shift,
                         .n = n, .k = k, .lo = n * c / nc, .hi = n * (c + 1) / nc,
                         .amax = sc, .vlo = sc + (k + 1), .vhi = sc + 2 * (k + 1),
                         .xbad_col = SIZE_MAX, .xbad_row = SIZE_MAX, .wbad_row = SIZE_MAX,
                         .q = &q[c], .acc = acc + (k + 2) * c};
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
  double c0 = X[0].f64 != NULL ? X[0].f64[0] : X[0].i64 != NULL ? (double)X[0].i64[0] : 1;
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
    if (j < k)
      small[j] = X[j].i64 != NULL && pt[0].vlo[j] >= -0x1p51 && pt[0].vhi[j] <= 0x1p51;
  }
  for (size_t j = 0; j < k; j++)
    for (size_t c = 1; c < nc && small[j]; c++)
      small[j] = pt[c].vlo[j] >= -0x1p51 && pt[c].vhi[j] <= 0x1p51;
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
  /* The meat's buffers: the clusters' sums on every chunk (added in chunk
   * order after the pass) while they stay small, else none (the caller's
   * vcov_cluster); the HC triangles, one per chunk, merged in chunk order. */
  st = GSL_ENOMEM;
  if (meat != NULL && meat->kind == LINREG_MEAT_CLUSTER && nc * meat->G * k <= LINREG_MEAT_MAX) {
    U = calloc(nc * meat->G * k + 1, sizeof *U);
    if (U == NULL) goto done;
    for (size_t c = 0; c < nc; c++) pt[c].U = U + c * meat->G * k;
  } else if (meat != NULL && meat->kind == LINREG_MEAT_HC) {
    qm = calloc(nc, sizeof *qm);
    if (qm == NULL || qr_init(qm, nc, k) != GSL_SUCCESS) goto done;
    for (size_t c = 0; c < nc; c++) pt[c].qm = &qm[c];
  }
  if (U != NULL || qm != NULL)
    for (size_t c = 0; c < nc; c++) {
      pt[c].meat = meat;
      pt[c].rinvc = rinv_c;
    }
  finish(pt, nc, fit);
  for (size_t c = 0; c < nc; c++)
    if (pt[c].nomem) goto done;
  if (U != NULL || qm != NULL) {
    for (size_t c = 0; c < nc; c++)
      if (pt[c].bad) {
        meat->bad = 1;
        st = GSL_SUCCESS;
        goto done;
      }
    if (meat_finish(meat, nc, U, qm, rinv_c, scale, k) != GSL_SUCCESS) goto done;
  }
  st = GSL_SUCCESS;
done:
  if (q != NULL) qr_fini(q, nc);
  if (qm != NULL) qr_fini(qm, nc);
  free(qm);
  free(U);
  free(q);
  free(pt);
  free(scale);
  free(acc);
  free(rinv_c);
  free(small);
  if (st != GSL_SUCCESS) {
    size_t bc0 = fit->bad_col, br0 = fit->bad_row;
    linreg_fini(fit);
    fit->bad_col = bc0;
    fit->bad_row = br0;
  }
  return st;
}

int linreg_fit_tol(const double *X, size_t n, size_t k, const double *y, const double *w,
                   int intercept, double tol, struct linreg_fit *fit) {
  struct glm_col *cols = glm_cols_of_matrix(X, n, k);
  if (cols == NULL) {
    memset(fit, 0, sizeof *fit);
    return GSL_ENOMEM;
  }
  int st = linreg_fit_cols(cols, n, k, y, w, intercept, tol, NULL, fit);
  free(cols);
  return st;
}

int linreg_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
               int intercept, struct linreg_fit *fit) {
  return linreg_fit_tol(X, n, k, y, w, intercept, LINREG_TOL, fit);
}

/* host/linreg.c -- OLS and WLS by Householder QR of sqrt(W)[X y] with exact
 * power-of-two column scaling, accumulated block by block (TSQR, LAPACK
 * dtpqrt's structured reflectors); rank deficiency by R's lm() test
 * (dqrdc2, tol 1e-7).  The normal equations are never formed.  Pure C, GSL
 * for the F law only.  Bound to Lua by host/lmodel.c. */
#include "linreg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* ===== Kernels ===== */

/* Dot product of two block columns (LINREG_BLOCK long, a multiple of 4)
 * with four independent partial sums: the adds need not wait on one
 * another, which is most of the speed of the block reduction. */
static double dotb(const double *a, const double *b) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (size_t i = 0; i < LINREG_BLOCK; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  return (s0 + s1) + (s2 + s3);
}

/* ===== The blocked QR accumulator ===== */

int linreg_qr_init(struct linreg_qr *q, size_t k) {
  q->k = k;
  q->nrows = 0;
  q->R = calloc(k * k, sizeof *q->R);
  q->ss = calloc(k, sizeof *q->ss);
  q->blk = malloc(LINREG_BLOCK * k * sizeof *q->blk);
  if (q->R == NULL || q->ss == NULL || q->blk == NULL) {
    linreg_qr_fini(q);
    return GSL_ENOMEM;
  }
  return GSL_SUCCESS;
}

void linreg_qr_fini(struct linreg_qr *q) {
  free(q->R);
  free(q->ss);
  free(q->blk);
  q->R = q->ss = q->blk = NULL;
}

void linreg_qr_reset(struct linreg_qr *q) {
  memset(q->R, 0, q->k * q->k * sizeof *q->R);
  memset(q->ss, 0, q->k * sizeof *q->ss);
  q->nrows = 0;
}

/* Householder reflector per column j of the stack [R; B] (dlarfg):
 * x = (R_jj, B_0j .. B_{m-1}j) (R is zero below its diagonal, and earlier
 * reflectors zeroed B's columns 0..j-1), beta = -sign(R_jj) ||x||,
 * tau = (beta - R_jj)/beta, v = (1, B_.j/(R_jj - beta)); H = I - tau v v'
 * maps x to (beta, 0...), and is then applied to columns j+1..k-1. */
void linreg_qr_absorb(struct linreg_qr *q, size_t m) {
  const size_t k = q->k, ld = LINREG_BLOCK;
  double *R = q->R, *B = q->blk;
  /* Pad a short block with zero rows, which change nothing, so that every
   * loop below runs exactly LINREG_BLOCK times and the compiler can unroll
   * and vectorise it. */
  for (size_t j = 0; j < k; j++)
    for (size_t i = m; i < ld; i++) B[i + j * ld] = 0;
  for (size_t j = 0; j < k; j++) q->ss[j] += dotb(B + j * ld, B + j * ld);
  for (size_t j = 0; j < k; j++) {
    double *bj = B + j * ld;
    double sigma = dotb(bj, bj);
    if (sigma == 0) continue;           /* block column already zero: H = I */
    double alpha = R[j + j * k];
    double nrm = sqrt(alpha * alpha + sigma);
    double beta = alpha > 0 ? -nrm : nrm;
    double tau = (beta - alpha) / beta;
    double scal = 1 / (alpha - beta);
    for (size_t i = 0; i < ld; i++) bj[i] *= scal;
    R[j + j * k] = beta;
    size_t c = j + 1;
    for (; c + 2 <= k; c += 2) {        /* two columns per sweep over v */
      double *b1 = B + c * ld, *b2 = b1 + ld;
      double s1 = 0, s2 = 0, t1 = 0, t2 = 0;
      for (size_t i = 0; i < ld; i += 2) {
        s1 += bj[i] * b1[i];
        t1 += bj[i + 1] * b1[i + 1];
        s2 += bj[i] * b2[i];
        t2 += bj[i + 1] * b2[i + 1];
      }
      double w1 = tau * (R[j + c * k] + (s1 + t1));
      double w2 = tau * (R[j + (c + 1) * k] + (s2 + t2));
      R[j + c * k] -= w1;
      R[j + (c + 1) * k] -= w2;
      for (size_t i = 0; i < ld; i++) {
        b1[i] -= w1 * bj[i];
        b2[i] -= w2 * bj[i];
      }
    }
    for (; c < k; c++) {
      double *bc = B + c * ld;
      double wv = tau * (R[j + c * k] + dotb(bj, bc));
      R[j + c * k] -= wv;
      for (size_t i = 0; i < ld; i++) bc[i] -= wv * bj[i];
    }
  }
  q->nrows += m;
}

double linreg_pow2_scale(double amax) {
  if (!(amax > 0) || !isfinite(amax)) return 1;
  int e;
  frexp(amax, &e);            /* amax = f 2^e, f in [0.5, 1) */
  return ldexp(1.0, -e);
}

/* Back substitution column by column: R rinv = I, both upper triangular. */
static void tri_inverse(const double *R, size_t ldr, size_t k, double *rinv) {
  memset(rinv, 0, k * k * sizeof *rinv);
  for (size_t j = 0; j < k; j++) {
    rinv[j + j * k] = 1 / R[j + j * ldr];
    for (size_t ii = j; ii-- > 0;) {
      double s = 0;
      for (size_t l = ii + 1; l <= j; l++) s += R[ii + l * ldr] * rinv[l + j * k];
      rinv[ii + j * k] = -s / R[ii + ii * ldr];
    }
  }
}

int linreg_qr_solve(const struct linreg_qr *q, const double *scale, double tol, double *b,
                    double *rinv, size_t *bad) {
  const size_t K = q->k, kx = K - 1;
  const double *R = q->R;
  for (size_t j = 0; j < kx; j++) {
    if (!(fabs(R[j + j * K]) > tol * sqrt(q->ss[j]))) {
      *bad = j;
      return GSL_ESING;
    }
  }
  /* b = R^-1 (Q'z) by back substitution, then undo the scales:
   * X S b_s = z s_z  =>  b = S b_s / s_z;  R = R_s S^-1  =>  R^-1 = S R_s^-1. */
  const double *z = R + kx * K;
  for (size_t ii = kx; ii-- > 0;) {
    double s = z[ii];
    for (size_t l = ii + 1; l < kx; l++) s -= R[ii + l * K] * b[l];
    b[ii] = s / R[ii + ii * K];
  }
  tri_inverse(R, K, kx, rinv);
  if (scale != NULL) {
    for (size_t j = 0; j < kx; j++) b[j] *= scale[j] / scale[kx];
    for (size_t j = 0; j < kx; j++)
      for (size_t l = 0; l <= j; l++) rinv[l + j * kx] *= scale[l];
  }
  return GSL_SUCCESS;
}

void linreg_rinv_to_xtxi(const double *rinv, size_t k, double *xtxi) {
  /* (R^-1 R^-T)_{ab} = sum_{j >= max(a,b)} rinv_aj rinv_bj */
  for (size_t a = 0; a < k; a++)
    for (size_t c = a; c < k; c++) {
      double s = 0;
      for (size_t j = c; j < k; j++) s += rinv[a + j * k] * rinv[c + j * k];
      xtxi[a + c * k] = xtxi[c + a * k] = s;
    }
}

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
  free(fit->coef);
  free(fit->rinv);
  free(fit->xtxi);
  free(fit->fitted);
  free(fit->resid);
  fit->coef = fit->rinv = fit->xtxi = fit->fitted = fit->resid = NULL;
}

/* Largest |value| per column; GSL_EDOM at the first non-finite value. */
static int prepass(const double *X, size_t n, size_t k, const double *y, const double *w,
                   double *amax, struct linreg_fit *fit) {
  for (size_t j = 0; j <= k; j++) {
    const double *c = j < k ? X + j * n : y;
    double a = 0;
    for (size_t i = 0; i < n; i++) {
      double v = fabs(c[i]);
      if (!isfinite(v)) {
        fit->bad_col = j;
        fit->bad_row = i;
        return GSL_EDOM;
      }
      a = v > a ? v : a;
    }
    amax[j] = a;
  }
  if (w != NULL)
    for (size_t i = 0; i < n; i++)
      if (!(w[i] > 0) || !isfinite(w[i])) {
        fit->bad_col = k + 1;
        fit->bad_row = i;
        return GSL_EDOM;
      }
  return GSL_SUCCESS;
}

/* Feed sqrt(w) [X y] times the column scales through the accumulator. */
static void accumulate(struct linreg_qr *q, const double *X, size_t n, size_t k,
                       const double *y, const double *w, const double *scale) {
  double sw[LINREG_BLOCK];
  for (size_t i0 = 0; i0 < n; i0 += LINREG_BLOCK) {
    size_t m = n - i0 < LINREG_BLOCK ? n - i0 : LINREG_BLOCK;
    for (size_t i = 0; i < m; i++) sw[i] = w != NULL ? sqrt(w[i0 + i]) : 1;
    for (size_t j = 0; j <= k; j++) {
      const double *c = (j < k ? X + j * n : y) + i0;
      double *d = q->blk + j * LINREG_BLOCK, s = scale[j];
      for (size_t i = 0; i < m; i++) d[i] = c[i] * sw[i] * s;
    }
    linreg_qr_absorb(q, m);
  }
}

/* fitted = X b, resid = y - fitted, and the weighted sums R summary.lm uses. */
static void finish(const double *X, size_t n, size_t k, const double *y, const double *w,
                   struct linreg_fit *fit) {
  const double *b = fit->coef;
  double *f = fit->fitted, *e = fit->resid;
  double rss = 0, sw = 0, swf = 0;
  for (size_t i0 = 0; i0 < n; i0 += 512) {
    size_t m = n - i0 < 512 ? n - i0 : 512;
    for (size_t i = 0; i < m; i++) f[i0 + i] = 0;
    for (size_t j = 0; j < k; j++) {
      const double *xj = X + j * n + i0;
      for (size_t i = 0; i < m; i++) f[i0 + i] += xj[i] * b[j];
    }
    for (size_t i = i0; i < i0 + m; i++) {
      double wi = w != NULL ? w[i] : 1;
      e[i] = y[i] - f[i];
      rss += wi * e[i] * e[i];
      sw += wi;
      swf += wi * f[i];
    }
  }
  double mean = fit->intercept ? swf / sw : 0, mss = 0;
  for (size_t i = 0; i < n; i++) {
    double d = f[i] - mean;
    mss += (w != NULL ? w[i] : 1) * d * d;
  }
  double dn = (double)n, slw = 0;
  if (w != NULL)
    for (size_t i = 0; i < n; i++) slw += log(w[i]);
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

int linreg_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
               int intercept, struct linreg_fit *fit) {
  memset(fit, 0, sizeof *fit);
  fit->n = n;
  fit->k = k;
  fit->intercept = intercept;
  if (k == 0 || n <= k) return GSL_EBADLEN;
  double *scale = malloc((k + 1) * sizeof *scale);
  struct linreg_qr q = {0};
  int st = GSL_ENOMEM;
  if (scale == NULL) goto done;
  st = prepass(X, n, k, y, w, scale, fit);
  if (st != GSL_SUCCESS) goto done;
  for (size_t j = 0; j <= k; j++) scale[j] = linreg_pow2_scale(scale[j]);
  st = GSL_ENOMEM;
  fit->coef = malloc(k * sizeof *fit->coef);
  fit->rinv = malloc(k * k * sizeof *fit->rinv);
  fit->xtxi = malloc(k * k * sizeof *fit->xtxi);
  fit->fitted = malloc(n * sizeof *fit->fitted);
  fit->resid = malloc(n * sizeof *fit->resid);
  if (fit->coef == NULL || fit->rinv == NULL || fit->xtxi == NULL || fit->fitted == NULL ||
      fit->resid == NULL || linreg_qr_init(&q, k + 1) != GSL_SUCCESS)
    goto done;
  accumulate(&q, X, n, k, y, w, scale);
  st = linreg_qr_solve(&q, scale, LINREG_RANK_TOL, fit->coef, fit->rinv, &fit->bad_col);
  if (st != GSL_SUCCESS) goto done;
  linreg_rinv_to_xtxi(fit->rinv, k, fit->xtxi);
  finish(X, n, k, y, w, fit);
done:
  linreg_qr_fini(&q);
  free(scale);
  if (st != GSL_SUCCESS) {
    size_t bc = fit->bad_col, br = fit->bad_row;
    linreg_fini(fit);
    fit->bad_col = bc;
    fit->bad_row = br;
  }
  return st;
}

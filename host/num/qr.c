/* host/num/qr.c -- the blocked Householder QR accumulator (qr.h): rows fed
 * block by block into a k x k triangle with LAPACK dtpqrt's structured
 * reflectors, triangles merged (TSQR), and the solve with R's lm() rank
 * test (dqrdc2).  The normal equations are never formed.  Pure C, no Lua. */
#include "qr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "qr_kern.h"
#include "simd.h"

#define LB QR_BLOCK

int qr_wide(struct qr_acc *q, int wide) {
  q->kern = wide ? qr_kern_best() : &qr_kern_narrow;
  return q->kern != &qr_kern_narrow;
}

/* ===== The blocked QR accumulator ===== */

int qr_init(struct qr_acc *q, size_t count, size_t k) {
  /* One allocation for all: per accumulator the block (first, so that it
   * is 64-byte aligned and no vector load splits a cache line), then R,
   * ss and work, the whole rounded up to 64 bytes.  A fit makes one
   * accumulator per chunk, and many small blocks scattered among the
   * large arrays would change how the allocator reuses those. */
  size_t each = (LB * k + k * k + 4 * k + 7) / 8 * 8;
  double *mem = count > 0 ? aligned_alloc(64, count * each * sizeof *mem) : NULL;
  for (size_t c = 0; c < count; c++) {
    double *b = mem != NULL ? mem + c * each : NULL;
    q[c].k = k;
    q[c].nrows = 0;
    q[c].blk = b;
    q[c].R = b != NULL ? b + LB * k : NULL;
    q[c].ss = b != NULL ? q[c].R + k * k : NULL;
    q[c].work = b != NULL ? q[c].ss + k : NULL;
    q[c].kern = qr_kern_best();
    q[c].cshift = q[c].cscale = NULL;
    q[c].c0 = 0;
    if (b != NULL) memset(q[c].R, 0, (k * k + k) * sizeof *b);
  }
  return mem != NULL ? GSL_SUCCESS : GSL_ENOMEM;
}

void qr_fini(struct qr_acc *q, size_t count) {
  if (count > 0) free(q[0].blk);
  for (size_t c = 0; c < count; c++) q[c].R = q[c].ss = q[c].blk = q[c].work = NULL;
}

void qr_reset(struct qr_acc *q) {
  memset(q->R, 0, q->k * q->k * sizeof *q->R);
  memset(q->ss, 0, q->k * sizeof *q->ss);
  q->nrows = 0;
}

/* Householder reflector per column j of the stack [R; B] (dlarfg):
 * x = (R_jj, B_0j .. B_{m-1}j) (R is zero below its diagonal, and earlier
 * reflectors zeroed B's columns 0..j-1), sigma = ||B_.j||^2,
 * beta = -sign(R_jj) ||x||, tau = (beta - R_jj)/beta,
 * v = (1, B_.j/(R_jj - beta)); H = I - tau v v' maps x to (beta, 0...).
 * Applied to a later column c: w_c = tau (R_jc + v'B_.c), R_jc -= w_c,
 * B_.c -= w_c v.  v is never stored: v'B_.c = scal (B_.j . B_.c) with
 * scal = 1/(R_jj - beta), and B_.c -= (w_c scal) B_.j, so every dot
 * product step j needs was formed by the sweep of step j - 1. */
void qr_absorb(struct qr_acc *q, size_t m) {
  const size_t K = q->k;
  const struct kernels *kn = q->kern;
  double *R = q->R, *B = q->blk, *d = q->work, *ws = q->work + K;
  /* Pad a short block with zero rows, which change nothing, so that every
   * loop runs exactly LB times. */
  if (m < LB)
    for (size_t j = 0; j < K; j++) memset(B + j * LB + m, 0, (LB - m) * sizeof *B);
  kn->dots_first(B, K, d, q->ss);
  for (size_t j = 0; j < K; j++) {
    double sigma = d[j];
    if (sigma == 0) {                 /* block column already zero: H = I */
      if (j + 1 < K) kn->dots_from(B, j + 1, K, d);
      continue;
    }
    double alpha = R[j + j * K];
    double nrm = sqrt(alpha * alpha + sigma);
    double beta = alpha > 0 ? -nrm : nrm;
    double tau = (beta - alpha) / beta;
    double scal = 1 / (alpha - beta);
    R[j + j * K] = beta;
    if (j + 1 == K) break;
    for (size_t c = j + 1; c < K; c++) {
      double wc = tau * (R[j + c * K] + scal * d[c]);
      R[j + c * K] -= wc;
      ws[c] = wc * scal;
    }
    const double *bj = B + j * LB;
    double *bn = B + (j + 1) * LB;
    d[j + 1] = kn->sweep_next(bj, bn, ws[j + 1]);
    size_t c = j + 2;
    for (; c + 4 <= K; c += 4) kn->sweep4(bj, bn, B + c * LB, ws + c, d + c);
    if (c + 2 <= K) {
      kn->sweep2(bj, bn, B + c * LB, ws + c, d + c);
      c += 2;
    }
    if (c < K) kn->sweep1(bj, bn, B + c * LB, ws + c, d + c);
  }
  q->nrows += m;
}

void qr_merge(struct qr_acc *q0, const struct qr_acc *q1) {
  const size_t K = q0->k;
  const double *R1 = q1->R;
  size_t nrows = q0->nrows + q1->nrows;
  /* The rows of R1 have the column sums of squares of q1's rows only up to
   * rounding: keep the sums of the rows actually fed. */
  double *ss = q0->work + 2 * K;
  for (size_t j = 0; j < K; j++) ss[j] = q0->ss[j] + q1->ss[j];
  for (size_t r0 = 0; r0 < K; r0 += LB) {
    size_t m = K - r0 < LB ? K - r0 : LB;
    for (size_t j = 0; j < K; j++)
      for (size_t i = 0; i < m; i++) q0->blk[i + j * LB] = r0 + i <= j ? R1[r0 + i + j * K] : 0;
    qr_absorb(q0, m);
  }
  memcpy(q0->ss, ss, K * sizeof *ss);
  q0->nrows = nrows;
}

void qr_put(struct qr_acc *q, size_t j, const double *c, const double *sw, double s,
                   size_t m) {
  double *d = q->blk + j * LB;
  v2 S = splat(s);
  size_t i = 0;
  if (sw != NULL) {
    for (; i + 2 <= m; i += 2) st2(d + i, ld2(c + i) * ld2(sw + i) * S);
    for (; i < m; i++) d[i] = c[i] * sw[i] * s;
  } else {
    for (; i + 2 <= m; i += 2) st2(d + i, ld2(c + i) * S);
    for (; i < m; i++) d[i] = c[i] * s;
  }
}

void qr_put_shift(struct qr_acc *q, size_t j, const double *c, const double *sw, double shift,
                  double s, size_t m) {
  if (shift == 0) {
    qr_put(q, j, c, sw, s, m);
    return;
  }
  double *d = q->blk + j * LB;
  v2 S = splat(s), M = splat(shift);
  size_t i = 0;
  if (sw != NULL) {
    for (; i + 2 <= m; i += 2) st2(d + i, (ld2(c + i) - M) * ld2(sw + i) * S);
    for (; i < m; i++) d[i] = (c[i] - shift) * sw[i] * s;
  } else {
    for (; i + 2 <= m; i += 2) st2(d + i, (ld2(c + i) - M) * S);
    for (; i < m; i++) d[i] = (c[i] - shift) * s;
  }
}

double qr_pow2_scale(double amax) {
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

void qr_centred(struct qr_acc *q, const double *shift, const double *scale, double c0) {
  q->cshift = shift;
  q->cscale = scale;
  q->c0 = c0;
}

/* The squared norm that column j's rank test compares with: the fed
 * column's sum of squares or, when it was fed centred, the larger of that
 * and the squared norm of the column as the caller has it,
 * ||R_.j + a R_.0||^2 (the fed columns are Q R_.j, and x_j scale_j =
 * fed_j + a fed_0).  The first catches collinearity among the centred
 * columns, the second (R's test) a column that is a constant plus
 * rounding noise, whose centred version is all noise. */
static double col_norm2(const struct qr_acc *q, size_t j) {
  const size_t K = q->k;
  const double *R = q->R;
  if (j == 0 || q->cshift == NULL || q->cshift[j] == 0) return q->ss[j];
  const double *sc = q->cscale;
  double a = q->cshift[j] * (sc != NULL ? sc[j] / sc[0] : 1) / q->c0;
  double r0 = R[j * K] + a * R[0], s = r0 * r0;
  for (size_t l = 1; l <= j; l++) s += R[l + j * K] * R[l + j * K];
  return s > q->ss[j] ? s : q->ss[j];
}

int qr_solve(const struct qr_acc *q, const double *scale, double tol, double *b,
                    double *rinv, size_t *bad) {
  const size_t K = q->k, kx = K - 1;
  const double *R = q->R;
  for (size_t j = 0; j < kx; j++) {
    if (!(fabs(R[j + j * K]) > tol * sqrt(col_norm2(q, j)))) {
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

void qr_uncentre(size_t k, const double *shift, double c0, double ymean, double *b,
                 double *rinv, double *xtxi) {
  if (b != NULL) {
    long double s = ymean;
    for (size_t j = 1; j < k; j++) s -= (long double)shift[j] * b[j];
    b[0] = (double)(b[0] + s / c0);
  }
  if (rinv != NULL)
    for (size_t l = 0; l < k; l++) {      /* row 0 of U^-1 is (1, -u) */
      long double r = rinv[l * k];
      for (size_t j = 1; j <= l; j++) r -= (long double)shift[j] / c0 * rinv[j + l * k];
      rinv[l * k] = (double)r;
    }
  if (xtxi != NULL) {
    double *V = xtxi;
    long double v00 = V[0];
    for (size_t j = 1; j < k; j++) {
      long double uj = (long double)shift[j] / c0;
      v00 -= 2 * uj * V[j];
      for (size_t l = 1; l < k; l++) v00 += uj * ((long double)shift[l] / c0) * V[j + l * k];
    }
    for (size_t l = 1; l < k; l++) {
      long double r = V[l * k];
      for (size_t j = 1; j < k; j++) r -= (long double)shift[j] / c0 * V[j + l * k];
      V[l * k] = V[l] = (double)r;
    }
    V[0] = (double)v00;
  }
}

void qr_rinv_to_xtxi(const double *rinv, size_t k, double *xtxi) {
  /* (R^-1 R^-T)_{ab} = sum_{j >= max(a,b)} rinv_aj rinv_bj */
  for (size_t a = 0; a < k; a++)
    for (size_t c = a; c < k; c++) {
      double s = 0;
      for (size_t j = c; j < k; j++) s += rinv[a + j * k] * rinv[c + j * k];
      xtxi[a + c * k] = xtxi[c + a * k] = s;
    }
}

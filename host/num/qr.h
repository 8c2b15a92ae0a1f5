/* host/num/qr.h -- the blocked Householder QR accumulator (TSQR) that the
 * least squares fit (ols.c), each IRLS step of glm.c and the HC meat of
 * vcov.c share, and the solve that turns its triangle into coefficients
 * and (X'WX)^-1.  Pure C on GSL status codes, no Lua. */
#ifndef CSC_QR_H
#define CSC_QR_H

#include <stddef.h>

/* Matrices: X is n x k column-major (element (i, j) at X[i + j*n]), so a
 * frame column copies straight in.  k x k results are symmetric or upper
 * triangular and stored column-major too. */

/* Rows per block of the accumulator (a multiple of 4): a block of a
 * dozen columns stays in L1 cache, and the per-block work on R (a square
 * root and two divisions per column, one after another) is spread over
 * enough rows (128 rows: 7% faster than 64 on 1e6 x 9, 256 no better). */
#define QR_BLOCK 128

/* Tolerance of the rank test: column j is a linear combination of columns
 * 0..j-1 when the part of it orthogonal to them has norm below
 * QR_RANK_TOL times its own norm (R's lm: dqrdc2 with tol = 1e-7).  "Its
 * own norm" is the larger of the norm of the column as fed and, when it
 * was fed centred (qr_centred), of the column as the caller has it: so the
 * test is scale-free per column (1e-8 x is as good a regressor as x), and
 * a column that is a constant plus rounding noise (1 + 1e-15 u) is aliased
 * with the intercept, as in R's lm, although its centred, rescaled version
 * alone looks like an ordinary column. */
#define QR_RANK_TOL 1e-7

/* ===== The blocked QR accumulator (TSQR) =====
 * Rows arrive in blocks of at most QR_BLOCK; each block is stacked
 * under the running k x k triangle R and the stack is reduced by structured
 * Householder reflections (LAPACK dtpqrt's scheme: the reflector for column
 * j touches only row j of R and the block).  The result is the R of the
 * Householder QR of all rows fed so far; Q is never formed, so memory is
 * O(k^2 + QR_BLOCK k) whatever n is.  Append the response as the last
 * column: then R[0..k-2, k-1] = Q'y and |R[k-1, k-1]| = residual norm.
 * Accumulators fed with disjoint row sets combine with qr_merge
 * (TSQR's reduction: the QR of the stacked triangles is the QR of all
 * the rows), which is how the row chunks below run in parallel. */
struct kernels;
struct qr_acc {
  size_t k;       /* columns, response included if appended */
  double *R;      /* k x k upper triangle, column-major */
  double *ss;     /* per-column sum of squares of all rows fed (rank test) */
  double *blk;    /* QR_BLOCK x k block, column-major, leading dim
                     QR_BLOCK, 64-byte aligned */
  size_t nrows;   /* rows fed so far */
  double *work;   /* 3k scratch for the kernel */
  const struct kernels *kern;   /* 2- or 4-wide kernels (ols.c), same results */
  /* Centring for the rank test (qr_centred; NULL: columns fed as they are) */
  const double *cshift, *cscale;
  double c0;
};

/* Set up count accumulators q[0..count-1] of k columns (one allocation,
 * owned by q[0]): 0, or GSL_ENOMEM.  Pair with qr_fini with the
 * same count (safe on zeroed structs). */
int qr_init(struct qr_acc *q, size_t count, size_t k);
void qr_fini(struct qr_acc *q, size_t count);
/* Use the 2-wide kernels (wide 0) or, where the processor has AVX2, the
 * 4-wide ones (wide 1, what qr_init picks); returns 1 when 4-wide.
 * The results are the same bytes either way (the tests check it). */
int qr_wide(struct qr_acc *q, int wide);
/* Forget all rows (reuse the storage for another pass, as IRLS does). */
void qr_reset(struct qr_acc *q);
/* Reduce rows 0..m-1 of q->blk (m <= QR_BLOCK; element (i, j) at
 * blk[i + j*QR_BLOCK]) into R.  The block is overwritten. */
void qr_absorb(struct qr_acc *q, size_t m);
/* Put m rows of column c, times sw[i] (NULL: 1) and s, into block column j. */
void qr_put(struct qr_acc *q, size_t j, const double *c, const double *sw, double s,
                   size_t m);
/* The same for the centred column: (c[i] - shift) sw[i] s. */
void qr_put_shift(struct qr_acc *q, size_t j, const double *c, const double *sw, double shift,
                  double s, size_t m);
/* Absorb everything q1 was fed into q0 (same k): q1's triangle joins q0 as
 * k more rows, and q0's row count and sums of squares become those of the
 * union.  q1 is left unchanged. */
void qr_merge(struct qr_acc *q0, const struct qr_acc *q1);
/* Record that the rows were fed centred: column 0 is the constant c0
 * (times scale[0]) and column j >= 1 is (x_j - shift[j]) scale[j], so that
 * qr_solve's rank test measures each column against the norm of x_j
 * scale[j] itself: ||R_.j + a_j R_.0||, a_j = shift[j] scale[j] / (c0
 * scale[0]).  The arrays are not copied: they must outlive the solves. */
void qr_centred(struct qr_acc *q, const double *shift, const double *scale, double c0);
/* From the accumulated R of [X z] (k = kx + 1 columns), with rank
 * tolerance tol (QR_RANK_TOL for lm; R's glm uses 1e-11):
 * coefficients b = R^-1 Q'z and rinv = R^-1 (kx x kx, upper triangular),
 * after dividing out the column scales: scale[j] (NULL: all 1) is what
 * column j was multiplied by when fed, so that b and rinv refer to the
 * unscaled X.  Returns 0, or GSL_ESING with *bad set to the first column
 * that is a linear combination of earlier ones (rank test above). */
int qr_solve(const struct qr_acc *q, const double *scale, double tol, double *b,
                    double *rinv, size_t *bad);
/* Back from centred columns.  The fit was of Xc, whose column 0 is X's
 * constant column (every value c0) and whose column j >= 1 is x_j -
 * shift[j], and of y - ymean.  With X = Xc U, U = I + e_0 u', u_j =
 * shift[j]/c0: b = U^-1 bc plus ymean/c0 on b_0, R^-1 = U^-1 Rc^-1 (still
 * upper triangular) and (X'WX)^-1 = U^-1 (Xc'WXc)^-1 U^-T, all in long
 * double; b, rinv or xtxi may be NULL (k x k, column-major). */
void qr_uncentre(size_t k, const double *shift, double c0, double ymean, double *b,
                 double *rinv, double *xtxi);
/* xtxi = rinv rinv' = (X'WX)^-1 from the upper triangular rinv (k x k). */
void qr_rinv_to_xtxi(const double *rinv, size_t k, double *xtxi);
/* Power-of-two scale for a column whose largest |value| is amax, so that
 * the scaled column has largest |value| in [0.5, 1): exact in binary, so
 * scaling introduces no rounding.  1 when amax is 0. */
double qr_pow2_scale(double amax);

#endif

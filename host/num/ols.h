/* host/num/ols.h -- ordinary and weighted least squares by Householder QR
 * (never the normal equations), as R lm() / Stata regress.  Pure C on GSL
 * status codes, no Lua.  Also exports the blocked QR accumulator that
 * host/num/glm.c reuses for each weighted step and host/num/vcov.c for the HC
 * meat, and the fixed-chunk thread runner all three share. */
#ifndef CSC_LINREG_H
#define CSC_LINREG_H

#include <stddef.h>

/* Matrices: X is n x k column-major (element (i, j) at X[i + j*n]), so a
 * frame column copies straight in.  k x k results are symmetric or upper
 * triangular and stored column-major too. */

/* Rows per block of the accumulator (a multiple of 4): a block of a
 * dozen columns stays in L1 cache, and the per-block work on R (a square
 * root and two divisions per column, one after another) is spread over
 * enough rows (128 rows: 7% faster than 64 on 1e6 x 9, 256 no better). */
#define LINREG_BLOCK 128

/* Tolerance of the rank test: column j is a linear combination of columns
 * 0..j-1 when the part of it orthogonal to them has norm below
 * LINREG_RANK_TOL times its own norm (R's lm: dqrdc2 with tol = 1e-7). */
#define LINREG_RANK_TOL 1e-7

/* Two doubles in one SSE2 register, a GNU C vector extension (GCC, Clang):
 * the row loops of ols.c and glm.c handle two rows per instruction.
 * Sums always combine the same fixed lanes in the same order, so results
 * do not depend on how the compiler schedules them. */
typedef double linreg_v2 __attribute__((vector_size(16)));

/* Software prefetch.  The row loops read k columns in step, so k streams
 * cross a 4 KiB page every 512 rows, and the hardware prefetchers, which
 * stop at page boundaries, leave each new page to a cache miss; asking
 * for the rows LINREG_AHEAD ahead of use, a few lines at a time as the
 * loop goes, keeps the passes near memory bandwidth.  linreg_prefetch
 * asks for rows r + LINREG_AHEAD .. r + LINREG_AHEAD + m - 1 of column c
 * (c points at row 0 of a column of n rows), those that exist; a no-op
 * where the compiler has no prefetch builtin. */
#define LINREG_AHEAD 256
static inline void linreg_prefetch(const double *c, size_t n, size_t r, size_t m) {
#if defined(__GNUC__)
  size_t a = r + LINREG_AHEAD, e = a + m < n ? a + m : n;
  for (size_t i = a; i < e; i += 8) __builtin_prefetch(c + i);
#else
  (void)c;
  (void)n;
  (void)r;
  (void)m;
#endif
}

/* ===== The blocked QR accumulator (TSQR) =====
 * Rows arrive in blocks of at most LINREG_BLOCK; each block is stacked
 * under the running k x k triangle R and the stack is reduced by structured
 * Householder reflections (LAPACK dtpqrt's scheme: the reflector for column
 * j touches only row j of R and the block).  The result is the R of the
 * Householder QR of all rows fed so far; Q is never formed, so memory is
 * O(k^2 + LINREG_BLOCK k) whatever n is.  Append the response as the last
 * column: then R[0..k-2, k-1] = Q'y and |R[k-1, k-1]| = residual norm.
 * Accumulators fed with disjoint row sets combine with linreg_qr_merge
 * (TSQR's reduction: the QR of the stacked triangles is the QR of all
 * the rows), which is how the row chunks below run in parallel. */
struct kernels;
struct linreg_qr {
  size_t k;       /* columns, response included if appended */
  double *R;      /* k x k upper triangle, column-major */
  double *ss;     /* per-column sum of squares of all rows fed (rank test) */
  double *blk;    /* LINREG_BLOCK x k block, column-major, leading dim
                     LINREG_BLOCK, 64-byte aligned */
  size_t nrows;   /* rows fed so far */
  double *work;   /* 3k scratch for the kernel */
  const struct kernels *kern;   /* 2- or 4-wide kernels (ols.c), same results */
};

/* Set up count accumulators q[0..count-1] of k columns (one allocation,
 * owned by q[0]): 0, or GSL_ENOMEM.  Pair with linreg_qr_fini with the
 * same count (safe on zeroed structs). */
int linreg_qr_init(struct linreg_qr *q, size_t count, size_t k);
void linreg_qr_fini(struct linreg_qr *q, size_t count);
/* Use the 2-wide kernels (wide 0) or, where the processor has AVX2, the
 * 4-wide ones (wide 1, what linreg_qr_init picks); returns 1 when 4-wide.
 * The results are the same bytes either way (the tests check it). */
int linreg_qr_wide(struct linreg_qr *q, int wide);
/* Forget all rows (reuse the storage for another pass, as IRLS does). */
void linreg_qr_reset(struct linreg_qr *q);
/* Reduce rows 0..m-1 of q->blk (m <= LINREG_BLOCK; element (i, j) at
 * blk[i + j*LINREG_BLOCK]) into R.  The block is overwritten. */
void linreg_qr_absorb(struct linreg_qr *q, size_t m);
/* Put m rows of column c, times sw[i] (NULL: 1) and s, into block column j. */
void linreg_qr_put(struct linreg_qr *q, size_t j, const double *c, const double *sw, double s,
                   size_t m);
/* Absorb everything q1 was fed into q0 (same k): q1's triangle joins q0 as
 * k more rows, and q0's row count and sums of squares become those of the
 * union.  q1 is left unchanged. */
void linreg_qr_merge(struct linreg_qr *q0, const struct linreg_qr *q1);
/* From the accumulated R of [X z] (k = kx + 1 columns), with rank
 * tolerance tol (LINREG_RANK_TOL for lm; R's glm uses 1e-11):
 * coefficients b = R^-1 Q'z and rinv = R^-1 (kx x kx, upper triangular),
 * after dividing out the column scales: scale[j] (NULL: all 1) is what
 * column j was multiplied by when fed, so that b and rinv refer to the
 * unscaled X.  Returns 0, or GSL_ESING with *bad set to the first column
 * that is a linear combination of earlier ones (rank test above). */
int linreg_qr_solve(const struct linreg_qr *q, const double *scale, double tol, double *b,
                    double *rinv, size_t *bad);
/* xtxi = rinv rinv' = (X'WX)^-1 from the upper triangular rinv (k x k). */
void linreg_rinv_to_xtxi(const double *rinv, size_t k, double *xtxi);
/* Power-of-two scale for a column whose largest |value| is amax, so that
 * the scaled column has largest |value| in [0.5, 1): exact in binary, so
 * scaling introduces no rounding.  1 when amax is 0. */
double linreg_pow2_scale(double amax);

/* ===== Fixed row chunks on C11 threads =====
 * The long passes over the rows (here, in glm.c and vcov.c) cut the rows
 * into linreg_nchunks(n) contiguous chunks, chunk c being rows n c/nc to
 * n (c+1)/nc - 1 (about LINREG_CHUNK rows each), reduce each chunk to its
 * own partial result (sums, a triangle) and combine those in chunk order.
 * The cut depends on n only, so the result is the same bytes whatever the
 * number of threads or their timing.  Threads take the next unclaimed
 * chunk as they finish one, so a thread that the system deschedules only
 * delays its current chunk: the others take the rest.  statsmodels, the
 * benchmark peer, is multithreaded too (numpy's BLAS). */
#define LINREG_CHUNK 32768
#define LINREG_MAX_CHUNKS 512    /* for n > 16.7e6 the chunks grow instead */
#define LINREG_MAX_THREADS 8
size_t linreg_nchunks(size_t n);
/* fn(arg[c]) for every c < nc, on min(nc, online CPUs, LINREG_MAX_THREADS)
 * threads, the caller's among them; if a thread cannot start, the others
 * do its share. */
void linreg_run_chunks(int (*fn)(void *), void *const *arg, size_t nc);

/* ===== Least squares fit ===== */

struct linreg_fit {
  size_t n, k;
  int intercept;     /* X has a constant column: R^2 is about the mean */
  double *coef;      /* k */
  double *rinv;      /* k x k upper triangular R^-1, R from QR of sqrt(W) X */
  double *xtxi;      /* k x k (X'WX)^-1 = R^-1 R^-T, "unscaled covariance" */
  double *fitted;    /* n, X b */
  double *resid;     /* n, y - X b (raw, not weighted) */
  double rss;        /* sum w e^2 */
  double df_resid;   /* n - k */
  double sigma2;     /* rss / df_resid */
  double mss;        /* explained sum of squares (about the weighted mean if intercept) */
  double r2, adj_r2;
  double fstat, f_df1, f_df2, f_p;  /* overall F as R summary.lm (classical) */
  double loglik, aic, bic;          /* as R logLik.lm / AIC / BIC (df = k + 1) */
  size_t bad_col;    /* on GSL_ESING: first collinear column; on GSL_EDOM
                        (non-finite value): its column, k for y, k+1 for w */
  size_t bad_row;    /* on GSL_EDOM: the row */
};

/* Fit y = X b by (weighted) least squares.  w may be NULL (OLS); else the
 * analytic weights, which must be finite and > 0 (R lm weights, Stata
 * aweights: coefficients and covariances are unchanged by rescaling w).
 * Returns 0, or
 *   GSL_EBADLEN  n <= k (no residual degrees of freedom) or k == 0;
 *   GSL_EDOM     a non-finite value in X or y, or a weight <= 0 or
 *                non-finite (bad_col, bad_row say where);
 *   GSL_ESING    rank deficient (bad_col: a linear combination of earlier
 *                columns);
 *   GSL_ENOMEM.
 * Pair with linreg_fini (safe on a zeroed or failed fit). */
int linreg_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
               int intercept, struct linreg_fit *fit);
void linreg_fini(struct linreg_fit *fit);

/* Leverages h_i = w_i ||R^-T x_i||^2 for the n rows of X (w NULL: 1), from
 * the upper triangular rinv = R^-1. */
void linreg_leverage(const double *X, size_t n, size_t k, const double *w,
                     const double *rinv, double *h);

#endif

/* host/num/glm.h -- generalised linear models by IRLS as R glm(): logit and
 * probit (binomial) and log-linear Poisson, with prior weights, offsets,
 * and detection of separation, non-convergence and rank deficiency.  Each
 * IRLS step is a weighted least squares solved by the blocked Householder
 * QR of host/num/qr.h, in fixed row chunks on all cores (the same bytes on
 * every run).  Pure C on GSL, no Lua.  Bound by host/bind/lmodel.c. */
#ifndef CSC_GLM_H
#define CSC_GLM_H

#include <stddef.h>
#include <stdint.h>

enum glm_family { GLM_BINOMIAL = 0, GLM_POISSON };
enum glm_link { GLM_LOGIT = 0, GLM_PROBIT, GLM_LOG };

struct glm_opts {
  enum glm_family family;
  enum glm_link link;
  double epsilon;   /* R glm.control: 1e-8 */
  int maxit;        /* R glm.control: 25 */
  double tol;       /* rank tolerance of each weighted QR (ols.h); 0: R's
                       glm.fit, min(1e-7, epsilon/1000) */
  int lean;         /* 1: keep no working residuals and weights (wres and
                       wwt NULL), which only the sandwich covariances read:
                       three n-vectors less, and no weights written in the
                       passes; the other results are the same bytes */
  int narrow;       /* 1: the 2-wide row and QR kernels even where the
                       processor has AVX2 (the 4-wide ones give the same
                       bytes; the tests compare them) */
};

/* How column j relates to a binary outcome (binomial only), from the
 * data alone: some threshold on x_j splits rows with y = 0 from rows with
 * y = 1 exactly (complete) or with ties at the threshold (quasi-complete).
 * Either way the maximum likelihood estimate of b_j is infinite. */
enum glm_sep { GLM_SEP_NONE = 0, GLM_SEP_QUASI, GLM_SEP_COMPLETE };

struct glm_fit {
  size_t n, k;
  int intercept;
  double *coef;        /* k */
  double *rinv;        /* k x k, R^-1 of the last weighted QR */
  double *xtxi;        /* k x k, (X'WX)^-1 = R's summary()$cov.unscaled */
  double *eta;         /* n, linear predictor (offset included) */
  double *mu;          /* n, fitted means */
  double *wres;        /* n, working residuals (y - mu)/(dmu/deta) at the final eta
                          (NULL with opts.lean) */
  double *wwt;         /* n, working weights of the last WLS step (R's fit$weights;
                          NULL with opts.lean) */
  double deviance, null_deviance;
  double pearson;      /* Pearson's X^2 = sum w (y - mu)^2 / V(mu) at the final mu
                          (each chunk's sum in row order, added in chunk order) */
  double df_resid, df_null;
  double loglik, aic, bic;   /* as R logLik/AIC/BIC on the glm */
  int iter, converged;
  size_t n_boundary;   /* fitted values within 10 eps of 0 or 1 (binomial),
                          of 0 (Poisson): R's "fitted probabilities
                          numerically 0 or 1 occurred" */
  enum glm_sep *sep;   /* k, per column (binomial only; else all NONE) */
  unsigned char *drift;/* k, 1 where the last IRLS step still moved b_j by
                          more than 1e-3 in units of x_j's spread: the
                          coefficients running off to infinity */
  size_t bad_col, bad_row;
};

/* Fit.  X is n x k column-major (ols.h).  y: binomial 0 <= y <= 1
 * (proportions, with w as the number of trials), Poisson y >= 0.  w (prior
 * weights, NULL: 1) must be > 0 and finite; offset may be NULL.  intercept
 * says whether X has a constant column (null deviance).  Returns 0 (check
 * converged, n_boundary, sep and drift), or
 *   GSL_EBADLEN  n <= k or k == 0;
 *   GSL_EDOM     a non-finite value, an outcome outside its range, or a bad
 *                weight (bad_col: j < k column, k y, k+1 w, k+2 offset;
 *                bad_row);
 *   GSL_ESING    rank deficient (bad_col: first collinear column; R's glm
 *                tolerance min(1e-7, epsilon/1000));
 *   GSL_EFAILED  no finite deviance even after step halving;
 *   GSL_ENOMEM.
 * Pair with glm_fini (safe on a zeroed or failed fit). */
int glm_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
            const double *offset, int intercept, const struct glm_opts *opts,
            struct glm_fit *fit);
/* One column of the design for glm_fit_cols: n doubles (f64), or, f64
 * NULL, n whole numbers (i64, converted a block of rows at a time, as
 * (double)), or neither: the constant 1 (the intercept). */
struct glm_col {
  const double *f64;
  const int64_t *i64;
};

/* The same with the columns given one by one (X[j], column j).  The columns
 * are only read, so they may be a data frame's own storage: no n x k copy
 * is needed, and the results are the same bytes as glm_fit's on the same
 * values. */
int glm_fit_cols(const struct glm_col *X, size_t n, size_t k, const double *y, const double *w,
                 const double *offset, int intercept, const struct glm_opts *opts,
                 struct glm_fit *fit);
/* The columns of a column-major n x k matrix (column j at X + j n) as
 * glm_col views, malloc'd (at least one entry); NULL when memory runs out.
 * How glm_fit and linreg_fit_tol hand a matrix to the column fits. */
struct glm_col *glm_cols_of_matrix(const double *X, size_t n, size_t k);
void glm_fini(struct glm_fit *fit);

/* exp(x[i]) into out[i] for |x[i]| <= 30, as the IRLS passes compute it
 * for the logit: fdlibm's __ieee754_exp (Sun 1993; also FreeBSD's and
 * musl's) on 2 lanes (wide 0) or, where the processor has AVX2 (wide 1),
 * 4, with the same bytes.  x = k ln2 + r, |r| <= ln2/2: k by rounding x/ln2
 * (adding 1.5 2^52 leaves k in the low bits), ln2 split into hi + lo so
 * that k ln2_hi is exact; exp(r) = 1 + 2r/(2 - c) rearranged, c = r -
 * r^2 P(r^2) from a Remez fit; 2^k put straight into the exponent bits.
 * Error below 1 ulp of the exact value; tests/c/test_glm.c compares it with
 * the C library's exp over [-30, 30] (at most 1 ulp apart).  Returns 1 when
 * the 4-wide kernels ran. */
int glm_exp_rows(const double *x, double *out, size_t n, int wide);

/* R glm.control defaults for a family and link. */
struct glm_opts glm_opts_default(enum glm_family family, enum glm_link link);

#endif

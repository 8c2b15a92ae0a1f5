/* host/num/ols.h -- ordinary and weighted least squares by Householder QR
 * (never the normal equations), as R lm() / Stata regress.  Pure C on GSL
 * status codes, no Lua.  The QR accumulator it
 * runs on is host/num/qr.h, the row chunks host/num/chunks.h. */
#ifndef CSC_OLS_H
#define CSC_OLS_H

#include <stddef.h>
#include <stdint.h>

#include "glm.h"   /* struct glm_col: a design column read in place */

/* Matrices: X is n x k column-major (element (i, j) at X[i + j*n]), so a
 * frame column copies straight in.  k x k results are symmetric or upper
 * triangular and stored column-major too. */

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
  double cond;       /* ||R||_F ||R^-1||_F of the centred, scaled design */
  size_t bad_col;    /* on GSL_ESING: first collinear column; on GSL_EDOM
                        (non-finite value): its column, k for y, k+1 for w */
  size_t bad_row;    /* on GSL_EDOM: the row */
};

/* Default rank tolerance (linreg_fit_tol): column j is refused as a linear
 * combination of the columns before it when the part of it (centred and
 * scaled) that they leave unexplained has norm below tol times its own.
 * R's lm() uses 1e-7 on the raw columns; on centred columns, with the
 * solution refined in long double, a column with 1e-9 of its own is still
 * worth keeping: the condition number of the scaled design is then at most
 * about 1e9 sqrt(k), and coefficients and standard errors keep about 7
 * correct digits (NIST StRD's Filip, the hardest of its linear problems,
 * has 6e-8 and reaches 7.6 digits; docs/methods/regression.md). */
#define LINREG_TOL 1e-9

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
/* The same with the rank tolerance tol (LINREG_TOL when not in (0, 1), so
 * 0 is the default).  Accuracy: when X's first column is constant (an
 * intercept), the other columns and y are centred on the midpoints of
 * their ranges; every column is then scaled by a power of two; when the
 * error bound says digits may be lost, the QR solution is refined with
 * residuals accumulated in long double; coef, rinv and xtxi are
 * transformed back to X's own columns.  cond is set on success. */
int linreg_fit_tol(const double *X, size_t n, size_t k, const double *y, const double *w,
                   int intercept, double tol, struct linreg_fit *fit);
void linreg_fini(struct linreg_fit *fit);

/* ===== The columns in place, and the meat in the same pass =====
 * The sandwich covariances (vcov.h) need one more pass over the design
 * after the fit: the residuals' scores summed by cluster, or the QR of
 * the rows |w_i e_i| x_i (HC0, HC1; divided by sqrt(1 - h_i) or 1 - h_i
 * for HC2, HC3).  linreg_fit_cols forms them in the pass that writes the
 * fitted values and residuals, from the block of rows it has just read,
 * on the centred columns the QR used; the leverages h_i are found there
 * too and never stored.  M is the meat in the basis q_i = R^-T x_i of the
 * fit's own triangle (vcov.h): V = f R^-1 M R^-T is vcov_from_meat's. */
enum linreg_meat_kind { LINREG_MEAT_NONE = 0, LINREG_MEAT_HC, LINREG_MEAT_CLUSTER };

struct linreg_meat {
  enum linreg_meat_kind kind;
  int hc;                 /* HC: 0..3 for HC0..HC3 (enum vcov_hc) */
  const size_t *cluster;  /* CLUSTER: row i's cluster, 0..G-1; or, NULL, */
  const int64_t *cl_i64;  /* cl_rank[v - cl_lo] with v = cl_i64[i] (or, */
  const int32_t *cl_cat;  /* cl_i64 NULL, cl_cat[i]): a column of whole */
  int64_t cl_lo;          /* numbers or category codes read in place, no */
  const size_t *cl_rank;  /* n-vector of cluster numbers */
  size_t G;
  double *M;              /* out: k x k, column-major, symmetric */
  int done;               /* out: 1 when M was formed; 0 when the clusters'
                             sums would take more than LINREG_MEAT_MAX doubles
                             on the chunks (vcov_cluster then makes it) */
  int bad;                /* out: HC2/HC3 met a leverage of 1 (GSL_EDOM's case
                             in vcov_hc) */
};
#define LINREG_MEAT_MAX ((size_t)1 << 22)

/* linreg_fit_tol with the design given as k columns (glm.h's struct
 * glm_col: float64 or int64 storage, read in place, or the constant 1),
 * and, meat non-NULL, the meat formed as above.  The same bytes as
 * linreg_fit_tol on a matrix holding the same values, whatever the
 * columns' storage; memory is the fit's two n-vectors (fitted, resid)
 * and O(k^2 + G k) per row chunk. */
int linreg_fit_cols(const struct glm_col *X, size_t n, size_t k, const double *y, const double *w,
                    int intercept, double tol, struct linreg_meat *meat, struct linreg_fit *fit);

/* Leverages h_i = w_i ||R^-T x_i||^2 for the n rows of X (w NULL: 1), from
 * the upper triangular rinv = R^-1. */
void linreg_leverage(const double *X, size_t n, size_t k, const double *w,
                     const double *rinv, double *h);

#endif


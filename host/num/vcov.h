/* host/num/vcov.h -- covariance estimators for a fitted linear or generalised
 * linear model: classical, heteroskedasticity-consistent HC0-HC3, one-way
 * cluster-robust, and Newey-West HAC, as R sandwich / Stata.  Pure C, no Lua.
 * Every estimator is a sandwich  V = B M B  with bread B = (X'WX)^-1 and a
 * meat M built from the scores psi_i = w_i e_i x_i (see vcov.c for each). */
#ifndef CSC_VCOV_H
#define CSC_VCOV_H

#include <stddef.h>

#include "glm.h"   /* struct glm_col */

/* What the estimators need from a fit.  X is n x k column-major (as in
 * ols.h).  For OLS/WLS e is the residual y - Xb and w the analytic
 * weights (NULL: all 1); for a GLM at convergence e is the working residual
 * and w the working weight (so w_i e_i x_i is the score, as sandwich's
 * estfun.glm).  xtxi is (X'WX)^-1 (k x k).  hat holds the leverages
 * h_i = w_i x_i'(X'WX)^-1 x_i (needed by HC2 and HC3 only, else NULL). */
struct vcov_data {
  const double *X;
  size_t n, k;
  const double *e;
  const double *w;
  const double *xtxi;
  const double *hat;
  const double *rinv;  /* R^-1 (k x k upper triangular, R from the QR of
                          sqrt(W) X), or NULL; see below */
  const struct glm_col *cols;  /* X NULL: the k columns read in place (glm.h:
                          float64 or int64 storage, or the constant 1), as
                          linreg_fit_cols reads them; no n x k copy */
};

/* When rinv is given the meat is taken in the orthogonal basis
 * q_i = R^-T x_i and V = R^-1 M_q R^-T, instead of B M B with the raw x_i
 * (HC: M_q = G'G, G = R_w R^-1, R_w the triangle of the QR of the rows
 * sqrt(omega_i) x_i; cluster and HAC: summed from the q_i).  Same quantity
 * in exact arithmetic, but the rounding error drops from ~cond(X)^2 eps to
 * ~cond(X) eps: on nearly collinear designs (x2 = x1 + 1e-5 noise) B M B
 * loses five digits, which R's sandwich also loses. */

enum vcov_hc { VCOV_HC0 = 0, VCOV_HC1, VCOV_HC2, VCOV_HC3 };

/* All write the k x k covariance to V (column-major, symmetric) and return
 * 0, GSL_ENOMEM, or as stated. */

/* sigma2 (X'WX)^-1: lm's vcov(), Stata regress's default. */
int vcov_classical(const struct vcov_data *d, double sigma2, double *V);

/* White's estimator and its small-sample variants, as sandwich::vcovHC.
 * GSL_EDOM if HC2/HC3 meet a leverage of 1 (the residual is then 0 by
 * construction and the weight 1/(1 - h) undefined; vcovHC gives NaN). */
int vcov_hc(const struct vcov_data *d, enum vcov_hc type, double *V);

/* One-way cluster-robust.  cluster[i] in 0..G-1 names row i's cluster.
 * Factor G/(G-1), and also (n-1)/(n-k) when df_adjust: CR1 as Stata
 * regress, vce(cluster) and sandwich::vcovCL(type = "HC1"); without
 * df_adjust as Stata logit/poisson vce(cluster) and vcovCL(type = "HC0").
 * GSL_EINVAL if G < 2. */
int vcov_cluster(const struct vcov_data *d, const size_t *cluster, size_t G, int df_adjust,
                 double *V);

/* Cluster numbers for vcov_cluster: id[i] in 0..G-1 is the rank of v[i]
 * among the distinct values of v[0..n-1] (finite; -0 and +0 are one value),
 * so clusters are numbered in increasing order of their value.  Linear in n
 * (a hash of the distinct values; only the G of them are sorted).  0,
 * GSL_EDOM on a non-finite value, or GSL_ENOMEM. */
int vcov_cluster_ids(const double *v, size_t n, size_t *id, size_t *G);

/* Newey-West HAC with Bartlett weights 1 - l/(lag+1), rows in time order,
 * scaled by n/(n-k): Stata newey, lag(L) = sandwich::NeweyWest(fit, lag = L,
 * prewhite = FALSE, adjust = TRUE).  lag 0 gives HC1.  GSL_EINVAL if
 * lag >= n. */
int vcov_hac(const struct vcov_data *d, size_t lag, double *V);

/* V = f R^-1 M R^-T from a meat M (k x k) in the basis q_i = R^-T x_i
 * (d->rinv, which must be given): what linreg_fit_cols's meat (ols.h)
 * becomes; f is the estimator's factor (HC1 n/(n-k); CR1
 * G/(G-1) (n-1)/(n-k); 1 for HC0, HC2, HC3).  0 or GSL_ENOMEM
 * (GSL_EINVAL without rinv). */
int vcov_from_meat(const struct vcov_data *d, const double *M, double f, double *V);

/* V = B M B for symmetric k x k B and M.  0 or GSL_ENOMEM. */
int vcov_sandwich(const double *B, const double *M, size_t k, double *V);

#endif

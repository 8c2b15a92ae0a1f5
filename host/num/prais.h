/* host/num/prais.h -- linear regression with AR(1) errors by feasible GLS:
 * Prais-Winsten and Cochrane-Orcutt, iterated on rho, as Stata's prais
 * (default rhotype(regress); corc; twostep).  Each regression is a
 * Householder QR through host/num/ols.c, never the normal equations.
 * Pure C on GSL status codes, no Lua.  Bound by host/bind/lmodel.c. */
#ifndef CSC_PRAIS_H
#define CSC_PRAIS_H

#include <stddef.h>

#include "ols.h"

enum prais_method {
  PRAIS_PW = 0,  /* Prais-Winsten: keep row 1, scaled by sqrt(1 - rho^2) */
  PRAIS_CO       /* Cochrane-Orcutt: drop row 1 */
};

struct prais_opts {
  enum prais_method method;
  int twostep;     /* stop after the first transformed regression (Stata twostep) */
  double tol;      /* stop when |rho_new - rho| < tol (Stata tolerance(): 1e-6) */
  int maxit;       /* at most this many rho estimates (Stata iterate(): 100 here) */
  double rank_tol; /* rank tolerance of every least squares fit (ols.h LINREG_TOL) */
};

/* PW, iterated, tol 1e-6, maxit 100. */
struct prais_opts prais_opts_default(void);

struct prais_fit {
  size_t n, k;        /* rows (time order), columns of X */
  size_t nt;          /* rows of the transformed regression: n (PW) or n - 1 (CO) */
  double rho;         /* the rho of the final transformed regression */
  double rho_ols;     /* the first estimate, from the OLS residuals */
  int iter;           /* rho estimates made (Stata's last "Iteration #") */
  int converged;      /* |last change in rho| < tol, or twostep */
  double *Xs, *ys;    /* nt x k column-major transformed design, nt response */
  struct linreg_fit lin;  /* final regression of ys on Xs: coef, xtxi, rinv,
                             sigma2 = RSS / (nt - k) of the transformed fit,
                             df_resid, and resid = the transformed
                             residuals (for HC covariances) */
  double *resid;      /* n, y - X b on the original scale */
  double *fitted;     /* n, X b */
  double dw_original;     /* Durbin-Watson of the OLS residuals */
  double dw_transformed;  /* Durbin-Watson of lin.resid */
  size_t bad_col, bad_row;  /* as linreg_fit, on GSL_EDOM / GSL_ESING */
};

/* Fit y = X b + u, u_t = rho u_{t-1} + e_t, rows in time order with no
 * gaps.  Each round: rho = sum u_t u_{t-1} / sum u_{t-1}^2 over the
 * residuals u = y - X b on the original scale (Stata rhotype(regress));
 * transform y*_t = y_t - rho y_{t-1} (t >= 2) and, for PW,
 * y*_1 = sqrt(1 - rho^2) y_1 (X likewise); refit.  Iterated: stop when rho
 * moves less than tol, then refit once more with the newest rho, so the
 * reported b, V and rho belong together.  Returns 0 (check converged), or
 *   GSL_EBADLEN    n < 3, or nt <= k;
 *   GSL_EDOM       a non-finite value (bad_col: j < k column, k for y;
 *                  bad_row);
 *   GSL_ESING      X is rank deficient (bad_col), or the transformed X is;
 *   GSL_EZERODIV   the OLS residuals are all zero: no rho to estimate;
 *   GSL_ERANGE     Prais-Winsten met |rho| >= 1 (rho holds it): the errors
 *                  look non-stationary and sqrt(1 - rho^2) is undefined;
 *   GSL_ENOMEM.
 * Pair with prais_fini (safe on a zeroed or failed fit). */
int prais_fit(const double *X, size_t n, size_t k, const double *y, const struct prais_opts *o,
              struct prais_fit *fit);
void prais_fini(struct prais_fit *fit);

#endif

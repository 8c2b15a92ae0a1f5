/* host/num/tsdiag.h -- time-series diagnostics for regression residuals and
 * series: Durbin-Watson with its exact (Pan) or approximate p-value as
 * lmtest::dwtest, Breusch-Godfrey as lmtest::bgtest, Box-Pierce and
 * Ljung-Box as stats::Box.test, ACF and PACF as stats::acf / pacf, and
 * autoregressive lag-order selection as Stata's varsoc.  Pure C on GSL,
 * no Lua.  Bound by host/bind/lmodel.c.  Rows are in time order, no gaps. */
#ifndef CSC_TSDIAG_H
#define CSC_TSDIAG_H

#include <stddef.h>

/* ===== Durbin-Watson ===== */

/* sum_{t>=2} (e_t - e_{t-1})^2 / sum e_t^2; NaN when m < 2 or all e are 0. */
double tsdiag_dw_stat(const double *e, size_t m);

/* Alternatives as dwtest's: "greater" is positive autocorrelation (small d). */
enum tsdiag_alt { TSDIAG_GREATER = 0, TSDIAG_TWO_SIDED, TSDIAG_LESS };

struct tsdiag_dw {
  double dw;        /* the statistic */
  double p_value;
  int exact;        /* 1: Pan's exact distribution; 0: normal approximation */
  double mean, var; /* moments of d under H0 (computed for the approximation; NaN if exact) */
};

/* Durbin-Watson test of the OLS residuals e of y on X (n x k column-major,
 * full column rank).  exact: 1 Pan, 0 normal approximation, -1 as dwtest
 * (exact when n < 100).  nterms: Pan's quadrature nodes (dwtest's
 * iterations = 15).  As dwtest, an exact p outside [0, 1] falls back to the
 * approximation (out->exact says which was used).  Returns 0, or
 *   GSL_EBADLEN  n < 3, n <= k, or the approximation with n < max(5, k);
 *   GSL_EINVAL   exact requested with n > TSDIAG_DW_EXACT_MAX;
 *   GSL_EDOM     e all zero or not finite;
 *   GSL_ENOMEM, or a GSL eigensolver failure. */
#define TSDIAG_DW_EXACT_MAX 4000
int tsdiag_dwtest(const double *X, size_t n, size_t k, const double *e, enum tsdiag_alt alt,
                  int exact, int nterms, struct tsdiag_dw *out);

/* Pan's procedure (Farebrother, AS 153, amended 1984): P(sum lambda_i u_i^2
 * < x sum u_i^2 + c) for independent standard normal u_i, with the m
 * weights lambda sorted (either direction), by nterms-point Gauss-Chebyshev
 * quadrature.  For Durbin-Watson, lambda are the nonzero eigenvalues of
 * M A, x = d and c = 0. */
double tsdiag_pan(double x, const double *lambda, size_t m, double c, int nterms);

/* ===== Breusch-Godfrey ===== */

struct tsdiag_bg {
  size_t order, n;
  double lm, p_lm;         /* n R^2 of the auxiliary regression, chi-square(order) */
  double F, df1, df2, p_F; /* ((RSS0 - RSS1)/order) / (RSS1/(n - k - order)) */
};

/* Regress the OLS residuals e on [X, e_{t-1} .. e_{t-order}], the lags
 * filled with 0 before the start (bgtest's fill = 0, so all n rows stay).
 * Returns 0, GSL_EBADLEN (order 0 or n - k - order < 1), GSL_EDOM (e all
 * zero), GSL_ESING (the auxiliary design is rank deficient), GSL_ENOMEM. */
int tsdiag_bgtest(const double *X, size_t n, size_t k, const double *e, size_t order,
                  struct tsdiag_bg *out);

/* ===== Autocorrelations ===== */

/* acf[l-1] for l = 1..lag_max: sum_{t} (x_t - m)(x_{t+l} - m) / sum (x_t - m)^2,
 * as stats::acf (demeaned, divisor n for every lag).  Returns 0,
 * GSL_EBADLEN (lag_max 0 or >= n), GSL_EDOM (x constant or not finite). */
int tsdiag_acf(const double *x, size_t n, size_t lag_max, double *acf);

/* Partial autocorrelations 1..lag_max from acf[0..lag_max-1] by the
 * Durbin-Levinson recursion (stats::pacf).  Returns 0, GSL_EBADLEN,
 * GSL_EDOM (a prediction-error variance <= 0: not a valid ACF), GSL_ENOMEM. */
int tsdiag_pacf(const double *acf, size_t lag_max, double *pacf);

/* Bartlett's band for the ACF under an MA(l-1) null (R acf's ci.type = "ma",
 * Stata corrgram/ac): band[l-1] = z sqrt((1 + 2 sum_{j<l} r_j^2) / n).  The
 * white-noise band is z / sqrt(n) for every lag (and for the PACF). */
void tsdiag_acf_band_ma(const double *acf, size_t lag_max, size_t n, double z, double *band);

/* ===== Portmanteau tests ===== */

enum tsdiag_box_type { TSDIAG_BOX_PIERCE = 0, TSDIAG_LJUNG_BOX };

struct tsdiag_box {
  double stat, df, p_value;
};

/* Box.test(x, lag, type, fitdf): Box-Pierce Q = n sum r_l^2, Ljung-Box
 * Q = n (n + 2) sum r_l^2 / (n - l), l = 1..lag, chi-square on lag - fitdf.
 * Returns 0, GSL_EBADLEN (lag 0 or >= n), GSL_EINVAL (fitdf >= lag),
 * GSL_EDOM (x constant or not finite), GSL_ENOMEM. */
int tsdiag_box_test(const double *x, size_t n, size_t lag, size_t fitdf,
                    enum tsdiag_box_type type, struct tsdiag_box *out);

/* ===== Lag-order selection ===== */

struct tsdiag_varsoc {
  size_t p;
  double ll;            /* log likelihood of the AR(p) with constant */
  double lr, df, p_lr;  /* 2 (LL_p - LL_{p-1}) on 1 df (NaN for p = 0) */
  double fpe, aic, hqic, sbic;
};

/* Criteria order: which of the selected lags sel[] holds. */
enum { TSDIAG_SEL_LR = 0, TSDIAG_SEL_FPE, TSDIAG_SEL_AIC, TSDIAG_SEL_HQIC, TSDIAG_SEL_SBIC,
       TSDIAG_NSEL };

/* Stata varsoc for one series: AR(p) with a constant for p = 0..pmax, all
 * on the common sample t = pmax+1..T (N = T - pmax rows), Gaussian ML
 * (see docs/methods/timeseries.md).  rows has pmax + 1 entries.  sel[c] is
 * the order each criterion chooses: the minimum of FPE, AIC, HQIC, SBIC
 * (lowest p on ties) and, for LR, the largest p whose test rejects at 5%
 * (Stata's sequential test from pmax down; 0 if none).  Returns 0,
 * GSL_EBADLEN (N - pmax - 1 < 1), GSL_EDOM (a non-finite value, or a
 * perfect fit), GSL_ESING (lags collinear), GSL_ENOMEM. */
int tsdiag_varsoc(const double *y, size_t T, size_t pmax, struct tsdiag_varsoc *rows,
                  size_t sel[TSDIAG_NSEL]);

#endif

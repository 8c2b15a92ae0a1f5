/* host/num/prais.c -- Prais-Winsten / Cochrane-Orcutt FGLS for AR(1) errors,
 * as Stata's prais with its default rhotype(regress).  Every regression
 * (the OLS start and each transformed fit) goes through linreg_fit, so it
 * is a Householder QR with exact column scaling.  The reference is
 * prais_fit() in tests/reference/models/make_models.R, which spells out
 * Stata's manual; this file follows it step for step so that both stop at
 * the same iteration. */
#include "prais.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tsdiag.h"
#include "data/mem.h"

struct prais_opts prais_opts_default(void) {
  struct prais_opts o = {PRAIS_PW, 0, 1e-6, 100, LINREG_TOL};
  return o;
}

void prais_fini(struct prais_fit *fit) {
  linreg_fini(&fit->lin);
  MEM_RELEASE(fit, fit->Xs, fit->ys, fit->resid, fit->fitted);
}

/* fitted = X b and u = y - X b on the original scale; returns
 * rho = sum_{t>=2} u_t u_{t-1} / sum_{t>=2} u_{t-1}^2, the no-constant
 * regression of u_t on u_{t-1} (Stata rhotype(regress)); NaN when the
 * lagged residuals are all zero. */
static double rho_of(const double *X, size_t n, size_t k, const double *y, const double *b,
                     double *fitted, double *u) {
  for (size_t i = 0; i < n; i++) fitted[i] = 0;
  for (size_t j = 0; j < k; j++)
    for (size_t i = 0; i < n; i++) fitted[i] += X[i + j * n] * b[j];
  for (size_t i = 0; i < n; i++) u[i] = y[i] - fitted[i];
  double num = 0, den = 0;
  for (size_t t = 1; t < n; t++) {
    num += u[t] * u[t - 1];
    den += u[t - 1] * u[t - 1];
  }
  return den > 0 ? num / den : NAN;
}

/* Quasi-difference every column of [X y]: row t >= 2 becomes
 * c_t - rho c_{t-1}; Prais-Winsten keeps row 1 as sqrt(1 - rho^2) c_1 (the
 * stationary AR(1) variance makes it homoskedastic with the rest),
 * Cochrane-Orcutt drops it. */
static void transform(const double *X, size_t n, size_t k, const double *y, double rho, int pw,
                      double *Xs, double *ys, size_t nt) {
  size_t off = pw ? 0 : 1;
  double s = pw ? sqrt(1 - rho * rho) : 0;
  for (size_t j = 0; j <= k; j++) {
    const double *c = j < k ? X + j * n : y;
    double *d = j < k ? Xs + j * nt : ys;
    if (pw) d[0] = s * c[0];
    for (size_t t = 1; t < n; t++) d[t - off] = c[t] - rho * c[t - 1];
  }
}

/* The transformed regression for this rho, replacing the previous one.
 * intercept = 0: after the transform the constant is no longer constant. */
static int refit(const double *X, const double *y, double rho, int pw, double tol,
                 struct prais_fit *fit) {
  if (pw && !(fabs(rho) < 1)) return GSL_ERANGE;
  linreg_fini(&fit->lin);
  transform(X, fit->n, fit->k, y, rho, pw, fit->Xs, fit->ys, fit->nt);
  int st = linreg_fit_tol(fit->Xs, fit->nt, fit->k, fit->ys, NULL, 0, tol, &fit->lin);
  if (st != GSL_SUCCESS) {
    fit->bad_col = fit->lin.bad_col;
    fit->bad_row = fit->lin.bad_row;
  }
  return st;
}

/* Iterate as make_models.R's prais_fit: rho from OLS; then repeatedly
 * transform, refit and re-estimate rho until it settles. */
static int iterate(const double *X, const double *y, const struct prais_opts *o, int pw,
                   struct prais_fit *fit) {
  double rho = fit->rho_ols;
  fit->iter = 1;
  fit->converged = o->twostep;
  for (;;) {
    fit->rho = rho;
    int st = refit(X, y, rho, pw, o->rank_tol, fit);
    if (st != GSL_SUCCESS || o->twostep) return st;
    double rnew = rho_of(X, fit->n, fit->k, y, fit->lin.coef, fit->fitted, fit->resid);
    if (!isfinite(rnew)) return GSL_EZERODIV;
    fit->iter++;
    fit->converged = fabs(rnew - rho) < o->tol;
    if (fit->converged || fit->iter >= o->maxit) {
      /* One more fit with the newest rho, so b and rho are a pair. */
      fit->rho = rnew;
      return refit(X, y, rnew, pw, o->rank_tol, fit);
    }
    rho = rnew;
  }
}

int prais_fit(const double *X, size_t n, size_t k, const double *y, const struct prais_opts *o,
              struct prais_fit *fit) {
  memset(fit, 0, sizeof *fit);
  fit->n = n;
  fit->k = k;
  fit->rho = fit->rho_ols = NAN;
  int pw = o->method == PRAIS_PW;
  if (n < 3 || k == 0) return GSL_EBADLEN;
  fit->nt = pw ? n : n - 1;
  if (fit->nt <= k) return GSL_EBADLEN;
  struct linreg_fit ols;
  int st = linreg_fit_tol(X, n, k, y, NULL, 0, o->rank_tol, &ols);
  if (st != GSL_SUCCESS) {
    fit->bad_col = ols.bad_col;
    fit->bad_row = ols.bad_row;
    linreg_fini(&ols);
    return st;
  }
  fit->Xs = malloc(fit->nt * k * sizeof *fit->Xs);
  fit->ys = malloc(fit->nt * sizeof *fit->ys);
  fit->resid = malloc(n * sizeof *fit->resid);
  fit->fitted = malloc(n * sizeof *fit->fitted);
  if (fit->Xs == NULL || fit->ys == NULL || fit->resid == NULL || fit->fitted == NULL) {
    st = GSL_ENOMEM;
    goto done;
  }
  fit->dw_original = tsdiag_dw_stat(ols.resid, n);
  fit->rho_ols = rho_of(X, n, k, y, ols.coef, fit->fitted, fit->resid);
  if (!isfinite(fit->rho_ols)) {
    st = GSL_EZERODIV;
    goto done;
  }
  st = iterate(X, y, o, pw, fit);
  if (st != GSL_SUCCESS) goto done;
  rho_of(X, n, k, y, fit->lin.coef, fit->fitted, fit->resid);   /* final b's residuals */
  fit->dw_transformed = tsdiag_dw_stat(fit->lin.resid, fit->nt);
done:
  linreg_fini(&ols);
  if (st != GSL_SUCCESS) {
    double rho = fit->rho;
    size_t bc = fit->bad_col, br = fit->bad_row;
    prais_fini(fit);
    fit->rho = rho;
    fit->bad_col = bc;
    fit->bad_row = br;
  }
  return st;
}

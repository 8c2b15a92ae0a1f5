/* tests/c/test_prais.c -- cmocka tests for Prais-Winsten and
 * Cochrane-Orcutt (host/prais) against the Stata-prais formulas that
 * tests/reference/models/make_models.R computes in R (cases prais,
 * prais_twostep, corc, corc_twostep on ts18.csv), plus the HC covariance
 * on the transformed regression and the error reports.  Run from the
 * repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "num/ols.h"
#include "num/prais.h"
#include "num/vcov.h"
#include "refcsv.h"

/* TOL_ITER: the iterated fits.  prais.c repeats make_models.R's loop step
 * for step (same OLS start, same rho estimator, same stopping rule on
 * |change in rho| < 1e-6, same final refit), so both stop after the same
 * number of rounds and differ only by the rounding of each QR solve
 * (LINPACK in R, csceval's Householder TSQR), which the iteration can
 * carry forward: 1e-6 relative, the bar the issue sets for iterative fits.
 * (Measured: all within 1e-13.)
 * TOL_CLOSED: twostep is closed form given the OLS residuals (one rho, one
 * transformed QR solve): 1e-8, the bar for closed-form results. */
#define TOL_ITER 1e-6
#define TOL_CLOSED 1e-8

static struct ref_table REF;

static void check_vec(const char *c, const char *q, const double *got, size_t m, double tol) {
  ref_check_vec(&REF, c, q, got, m, tol);
}

static void fit_ts18(enum prais_method method, int twostep, struct prais_fit *fit) {
  struct ref_data d = refcsv_data("ts18");
  const char *cols[] = {"x"};
  size_t k;
  double *X = ref_design(&d, 1, cols, 1, &k);
  struct prais_opts o = prais_opts_default();
  o.method = method;
  o.twostep = twostep;
  assert_int_equal(prais_fit(X, d.nrow, k, ref_col(&d, "y"), &o, fit), GSL_SUCCESS);
  free(X);
  refcsv_data_free(&d);
}

static void check_case(const char *name, enum prais_method method, int twostep) {
  struct prais_fit fit;
  fit_ts18(method, twostep, &fit);
  double tol = twostep ? TOL_CLOSED : TOL_ITER;
  size_t k = fit.k;
  assert_int_equal(fit.n, 18);
  assert_int_equal(fit.nt, method == PRAIS_PW ? 18 : 17);
  assert_true(fit.converged);
  if (twostep) assert_int_equal(fit.iter, 1);
  check_vec(name, "rho", &fit.rho, 1, tol);
  check_vec(name, "coef", fit.lin.coef, k, tol);
  double V[4], sigma = sqrt(fit.lin.sigma2);
  for (size_t i = 0; i < k * k; i++) V[i] = fit.lin.sigma2 * fit.lin.xtxi[i];
  check_vec(name, "vcov", V, k * k, tol);
  check_vec(name, "sigma", &sigma, 1, tol);
  check_vec(name, "dw_transformed", &fit.dw_transformed, 1, tol);
  /* The OLS Durbin-Watson is the same number in all four cases. */
  assert_true(ref_close(fit.dw_original, ref_scalar(&REF, "ts18", "dw"), TOL_CLOSED, 0));
  check_vec(name, "dw_original", &fit.dw_original, 1, TOL_CLOSED);
  assert_true(fit.lin.df_resid == (double)(fit.nt - k));
  /* Residuals on the original scale belong to the reported coefficients. */
  struct ref_data d = refcsv_data("ts18");
  const double *x = ref_col(&d, "x"), *y = ref_col(&d, "y");
  for (size_t i = 0; i < fit.n; i++) {
    double e = y[i] - fit.lin.coef[0] - fit.lin.coef[1] * x[i];
    assert_true(fabs(fit.resid[i] - e) <= 1e-12 * fabs(y[i]));
    assert_true(fabs(fit.fitted[i] + fit.resid[i] - y[i]) <= 1e-12 * fabs(y[i]));
  }
  refcsv_data_free(&d);
  prais_fini(&fit);
}

static void test_prais_iterated(void **s) { (void)s; check_case("prais", PRAIS_PW, 0); }
static void test_prais_twostep(void **s) { (void)s; check_case("prais_twostep", PRAIS_PW, 1); }
static void test_corc_iterated(void **s) { (void)s; check_case("corc", PRAIS_CO, 0); }
static void test_corc_twostep(void **s) { (void)s; check_case("corc_twostep", PRAIS_CO, 1); }

/* Both twostep variants start from the same OLS rho; the iterated fits
 * record it as rho_ols. */
static void test_rho_ols(void **s) {
  (void)s;
  struct prais_fit a, b;
  fit_ts18(PRAIS_PW, 0, &a);
  fit_ts18(PRAIS_CO, 1, &b);
  assert_true(a.rho_ols == b.rho);
  assert_true(a.iter > 2);
  prais_fini(&a);
  prais_fini(&b);
}

/* vce(robust): HC1 on the transformed regression.  Checked against the
 * sandwich written out by hand: (X*'X*)^-1 (sum e*_i^2 x*_i x*_i') (X*'X*)^-1
 * times nt/(nt - k). */
static void test_prais_hc1(void **s) {
  (void)s;
  struct prais_fit fit;
  fit_ts18(PRAIS_PW, 0, &fit);
  size_t n = fit.nt, k = fit.k;
  double V[4], M[4] = {0}, W[4];
  struct vcov_data vd = {fit.Xs, n, k, fit.lin.resid, NULL, fit.lin.xtxi, NULL, fit.lin.rinv, NULL};
  assert_int_equal(vcov_hc(&vd, VCOV_HC1, V), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    for (size_t a = 0; a < k; a++)
      for (size_t b = 0; b < k; b++) {
        double e = fit.lin.resid[i];
        M[a + b * k] += e * e * fit.Xs[i + a * n] * fit.Xs[i + b * n];
      }
  assert_int_equal(vcov_sandwich(fit.lin.xtxi, M, k, W), GSL_SUCCESS);
  for (size_t i = 0; i < k * k; i++) W[i] *= (double)n / (double)(n - k);
  ref_check("prais HC1", V, W, k * k, 1e-10, 0.01 * ref_vmax(W, k * k));
  prais_fini(&fit);
}

/* An explosive series: the OLS residuals of 2^t on a constant give
 * rho > 1, where Prais-Winsten's sqrt(1 - rho^2) is undefined. */
static void test_rho_out_of_range(void **s) {
  (void)s;
  double X[12], y[12];
  for (size_t i = 0; i < 12; i++) {
    X[i] = 1;
    y[i] = ldexp(1, (int)i);
  }
  struct prais_fit fit;
  struct prais_opts o = prais_opts_default();
  assert_int_equal(prais_fit(X, 12, 1, y, &o, &fit), GSL_ERANGE);
  assert_true(fit.rho >= 1);
  assert_null(fit.Xs);
  prais_fini(&fit);
}

static void test_not_converged(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("ts18");
  const char *cols[] = {"x"};
  size_t k;
  double *X = ref_design(&d, 1, cols, 1, &k);
  struct prais_opts o = prais_opts_default();
  o.maxit = 2;
  struct prais_fit fit;
  assert_int_equal(prais_fit(X, d.nrow, k, ref_col(&d, "y"), &o, &fit), GSL_SUCCESS);
  assert_false(fit.converged);
  assert_int_equal(fit.iter, 2);
  prais_fini(&fit);
  free(X);
  refcsv_data_free(&d);
}

static void test_errors(void **s) {
  (void)s;
  double X[20], y[10];
  for (size_t i = 0; i < 10; i++) {
    X[i] = 1;
    X[10 + i] = 2;              /* a second constant: collinear */
    y[i] = sin((double)i);
  }
  struct prais_fit fit;
  struct prais_opts o = prais_opts_default();
  assert_int_equal(prais_fit(X, 10, 2, y, &o, &fit), GSL_ESING);
  assert_int_equal(fit.bad_col, 1);
  prais_fini(&fit);
  assert_int_equal(prais_fit(X, 2, 1, y, &o, &fit), GSL_EBADLEN);
  o.method = PRAIS_CO;
  assert_int_equal(prais_fit(X, 3, 2, y, &o, &fit), GSL_EBADLEN);   /* nt = 2 = k */
  y[4] = NAN;
  o.method = PRAIS_PW;
  assert_int_equal(prais_fit(X, 10, 1, y, &o, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, 1);
  assert_int_equal(fit.bad_row, 4);
  for (size_t i = 0; i < 10; i++) y[i] = 3;   /* exact fit: no residuals to correlate */
  assert_int_equal(prais_fit(X, 10, 1, y, &o, &fit), GSL_EZERODIV);
  prais_fini(&fit);
}

int main(void) {
  gsl_set_error_handler_off();
  REF = refcsv_load("expected.csv");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prais_iterated), cmocka_unit_test(test_prais_twostep),
      cmocka_unit_test(test_corc_iterated),  cmocka_unit_test(test_corc_twostep),
      cmocka_unit_test(test_rho_ols),        cmocka_unit_test(test_prais_hc1),
      cmocka_unit_test(test_rho_out_of_range), cmocka_unit_test(test_not_converged),
      cmocka_unit_test(test_errors),
  };
  int rc = cmocka_run_group_tests_name("prais", tests, NULL, NULL);
  refcsv_free(&REF);
  return rc;
}

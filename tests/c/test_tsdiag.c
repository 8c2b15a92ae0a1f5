/* tests/c/test_tsdiag.c -- cmocka tests for the time-series diagnostics
 * (host/tsdiag) against R values in tests/reference/models/expected.csv
 * (make_models.R: lmtest::dwtest and bgtest, stats::Box.test, acf, pacf on
 * ts18 and ts120; Stata varsoc's formulas on ar2), against published and
 * closed-form values for Pan's procedure, and for the error reports.  Run
 * from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "num/ols.h"
#include "num/tsdiag.h"
#include "refcsv.h"

/* TOL_CLOSED, 1e-8 relative (the bar for closed-form results):
 *   the statistics (DW, BG, Q, ACF, PACF, varsoc) are sums over OLS
 *   residuals from a well-conditioned QR (ts18: cond(X) ~ 70), agreeing
 *   with R to ~1e-14; their p-values go through GSL's chi-square, F and
 *   normal tails, which agree with R's to ~1e-14 relative at these sizes.
 * The exact Durbin-Watson p-value is held to TOL_CLOSED as well: csceval
 *   runs lmtest's own algorithm (Pan's procedure, AS 153, with the same 15
 *   quadrature nodes) on the same eigenvalues, which R gets from eigen()
 *   of the non-symmetric M A and csceval from the symmetric Z'AZ: they
 *   differ by ~1e-15, and the p-value is a smooth function of them.  (The
 *   quadrature's own error is ~1e-15 at n = 18, see test_pan_nodes, but
 *   grows with n: 3e-4 relative on ts120 forced exact.  Both programs
 *   share it.)  Measured against R: every value here within 3e-14. */
#define TOL_CLOSED 1e-8

static struct ref_table REF;

static void check_vec(const char *c, const char *q, const double *got, size_t m, double tol) {
  ref_check_vec(&REF, c, q, got, m, tol);
}

static void check_scalar(const char *c, const char *q, double got, double tol) {
  check_vec(c, q, &got, 1, tol);
}

/* y on [1 x] from a reference data set: design and OLS residuals. */
struct ols_case {
  struct ref_data d;
  double *X;
  size_t n, k;
  struct linreg_fit fit;
};

static void ols_case(const char *stem, struct ols_case *c) {
  c->d = refcsv_data(stem);
  const char *cols[] = {"x"};
  c->n = c->d.nrow;
  c->X = ref_design(&c->d, 1, cols, 1, &c->k);
  assert_int_equal(linreg_fit(c->X, c->n, c->k, ref_col(&c->d, "y"), NULL, 1, &c->fit),
                   GSL_SUCCESS);
}

static void ols_case_free(struct ols_case *c) {
  linreg_fini(&c->fit);
  free(c->X);
  refcsv_data_free(&c->d);
}

/* ===== Durbin-Watson ===== */

static void test_dw_exact(void **s) {
  (void)s;
  struct ols_case c;
  ols_case("ts18", &c);
  struct tsdiag_dw g, t, l;
  assert_int_equal(tsdiag_dwtest(c.X, c.n, c.k, c.fit.resid, TSDIAG_GREATER, -1, 15, &g),
                   GSL_SUCCESS);
  assert_int_equal(g.exact, 1);
  double got[2] = {g.dw, g.p_value};
  check_vec("ts18", "dw", got, 2, TOL_CLOSED);
  assert_int_equal(tsdiag_dwtest(c.X, c.n, c.k, c.fit.resid, TSDIAG_TWO_SIDED, -1, 15, &t),
                   GSL_SUCCESS);
  check_scalar("ts18", "dw_two_sided", t.p_value, TOL_CLOSED);
  assert_int_equal(tsdiag_dwtest(c.X, c.n, c.k, c.fit.resid, TSDIAG_LESS, -1, 15, &l),
                   GSL_SUCCESS);
  assert_true(ref_close(l.p_value, ref_scalar(&REF, "ts18", "dw_less"), TOL_CLOSED, 0));
  assert_true(fabs(g.p_value + l.p_value - 1) < 1e-14);
  ols_case_free(&c);
}

static void test_dw_normal(void **s) {
  (void)s;
  struct ols_case c;
  ols_case("ts120", &c);
  struct tsdiag_dw g, t;
  assert_int_equal(tsdiag_dwtest(c.X, c.n, c.k, c.fit.resid, TSDIAG_GREATER, -1, 15, &g),
                   GSL_SUCCESS);
  assert_int_equal(g.exact, 0);    /* n = 120 >= 100: dwtest approximates */
  double got[2] = {g.dw, g.p_value};
  check_vec("ts120", "dw", got, 2, TOL_CLOSED);
  assert_int_equal(tsdiag_dwtest(c.X, c.n, c.k, c.fit.resid, TSDIAG_TWO_SIDED, -1, 15, &t),
                   GSL_SUCCESS);
  check_scalar("ts120", "dw_two_sided", t.p_value, TOL_CLOSED);
  /* Forced exact on the same data: the approximation is good at n = 120,
   * so the two p-values agree to the first digit or so. */
  struct tsdiag_dw e;
  assert_int_equal(tsdiag_dwtest(c.X, c.n, c.k, c.fit.resid, TSDIAG_GREATER, 1, 15, &e),
                   GSL_SUCCESS);
  assert_int_equal(e.exact, 1);
  assert_true(e.p_value > 0.5 * g.p_value && e.p_value < 2 * g.p_value);
  ols_case_free(&c);
}

/* Farebrother's (1984) published table for AS 153, x = 0: P(sum a_i u_i^2
 * < c), to the 4 decimals printed. */
static void test_pan_published(void **s) {
  (void)s;
  static const struct {
    double a[5];
    size_t m;
    double c, p;
  } tab[] = {
      {{1, 3, 6}, 3, 1, .0542},       {{1, 3, 6}, 3, 7, .4936},
      {{1, 3, 6}, 3, 20, .8760},      {{1, 3, 5, 7, 9}, 5, 5, .0544},
      {{1, 3, 5, 7, 9}, 5, 20, .4853}, {{1, 3, 5, 7, 9}, 5, 50, .9069},
      {{3, 4, 5, 6, 7}, 5, 5, .0405},  {{3, 4, 5, 6, 7}, 5, 20, .4603},
      {{3, 4, 5, 6, 7}, 5, 50, .9200},
  };
  for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
    double p = tsdiag_pan(0, tab[i].a, tab[i].m, tab[i].c, 15);
    if (fabs(p - tab[i].p) > 0.5e-4)
      fail_msg("pan row %zu: got %.6f, want %.4f", i + 1, p, tab[i].p);
  }
}

/* Closed forms with c = 0: weights (1, 1, 0, 0) against x gives
 * P(u1^2 + u2^2 < x (u1^2 + .. + u4^2)) = P(Beta(1, 1) < x) = x; weights
 * (2, 2, 0, 0) the same at x/2.  Checks the x != 0 path that the
 * Durbin-Watson test uses, independently of R. */
static void test_pan_closed_form(void **s) {
  (void)s;
  const double a[4] = {1, 1, 0, 0}, b[4] = {2, 2, 0, 0}, br[4] = {0, 0, 2, 2};
  for (double x = 0.1; x < 1; x += 0.2) {
    assert_true(fabs(tsdiag_pan(x, a, 4, 0, 15) - x) < 1e-10);
    assert_true(fabs(tsdiag_pan(x, b, 4, 0, 15) - x / 2) < 1e-10);
    assert_true(fabs(tsdiag_pan(x, br, 4, 0, 15) - x / 2) < 1e-10);   /* ascending order */
  }
  assert_true(tsdiag_pan(3, a, 4, 0, 15) == 1);    /* every weight below x */
  assert_true(tsdiag_pan(-1, a, 4, 0, 15) == 0);   /* every weight above x */
}

/* The quadrature error of 15 nodes on ts18's eigenvalues, against 400
 * nodes (measured 1e-15): what the TOL_CLOSED comment above quotes. */
static void test_pan_nodes(void **s) {
  (void)s;
  struct ols_case c;
  ols_case("ts18", &c);
  struct tsdiag_dw p15, p400;
  assert_int_equal(tsdiag_dwtest(c.X, c.n, c.k, c.fit.resid, TSDIAG_GREATER, 1, 15, &p15), 0);
  assert_int_equal(tsdiag_dwtest(c.X, c.n, c.k, c.fit.resid, TSDIAG_GREATER, 1, 400, &p400), 0);
  assert_true(fabs(p15.p_value - p400.p_value) < 1e-12 * p400.p_value);
  ols_case_free(&c);
}

static void test_dw_errors(void **s) {
  (void)s;
  double X[4] = {1, 1, 1, 1}, e[4] = {0, 0, 0, 0};
  struct tsdiag_dw r;
  assert_int_equal(tsdiag_dwtest(X, 2, 1, e, TSDIAG_GREATER, -1, 15, &r), GSL_EBADLEN);
  assert_int_equal(tsdiag_dwtest(X, 4, 1, e, TSDIAG_GREATER, -1, 15, &r), GSL_EDOM);
  e[0] = 1;
  e[3] = -1;
  assert_int_equal(tsdiag_dwtest(X, 4, 1, e, TSDIAG_GREATER, 0, 15, &r), GSL_EBADLEN);  /* n < 5 */
  assert_true(isnan(tsdiag_dw_stat(e, 1)));
}

/* ===== Breusch-Godfrey ===== */

static void test_bg(void **s) {
  (void)s;
  struct ols_case c;
  ols_case("ts18", &c);
  for (size_t p = 1; p <= 3; p++) {
    struct tsdiag_bg bg;
    assert_int_equal(tsdiag_bgtest(c.X, c.n, c.k, c.fit.resid, p, &bg), GSL_SUCCESS);
    double got[6] = {bg.lm, bg.p_lm, bg.F, bg.df1, bg.df2, bg.p_F};
    char q[8];
    snprintf(q, sizeof q, "bg%zu", p);
    check_vec("ts18", q, got, 6, TOL_CLOSED);
  }
  struct tsdiag_bg bg;
  assert_int_equal(tsdiag_bgtest(c.X, c.n, c.k, c.fit.resid, 0, &bg), GSL_EBADLEN);
  assert_int_equal(tsdiag_bgtest(c.X, c.n, c.k, c.fit.resid, 16, &bg), GSL_EBADLEN);
  ols_case_free(&c);
}

/* ===== Autocorrelations and portmanteau tests ===== */

static void test_acf_pacf(void **s) {
  (void)s;
  struct ols_case c;
  ols_case("ts18", &c);
  double acf[6], pacf[6], band[6];
  assert_int_equal(tsdiag_acf(c.fit.resid, c.n, 6, acf), GSL_SUCCESS);
  check_vec("ts18", "acf", acf, 6, TOL_CLOSED);
  assert_int_equal(tsdiag_pacf(acf, 6, pacf), GSL_SUCCESS);
  check_vec("ts18", "pacf", pacf, 6, TOL_CLOSED);
  /* Bartlett's band grows with the earlier autocorrelations. */
  tsdiag_acf_band_ma(acf, 6, c.n, 1.96, band);
  assert_true(fabs(band[0] - 1.96 / sqrt(18.0)) < 1e-15);
  assert_true(fabs(band[1] - 1.96 * sqrt((1 + 2 * acf[0] * acf[0]) / 18)) < 1e-15);
  ols_case_free(&c);
}

/* An AR(1)'s autocorrelations phi^l have PACF (phi, 0, 0, ...). */
static void test_pacf_ar1(void **s) {
  (void)s;
  double r[8], p[8];
  for (size_t l = 0; l < 8; l++) r[l] = pow(0.7, (double)(l + 1));
  assert_int_equal(tsdiag_pacf(r, 8, p), GSL_SUCCESS);
  assert_true(fabs(p[0] - 0.7) < 1e-15);
  for (size_t l = 1; l < 8; l++) assert_true(fabs(p[l]) < 1e-14);
  double bad[2] = {1, 0.5};   /* r_1 = 1 leaves no prediction error */
  assert_int_equal(tsdiag_pacf(bad, 2, p), GSL_EDOM);
}

static void test_box(void **s) {
  (void)s;
  struct ols_case c;
  ols_case("ts18", &c);
  for (size_t lag = 1; lag <= 4; lag += 3) {
    struct tsdiag_box b;
    assert_int_equal(tsdiag_box_test(c.fit.resid, c.n, lag, 0, TSDIAG_LJUNG_BOX, &b),
                     GSL_SUCCESS);
    double got[3] = {b.stat, b.df, b.p_value};
    char q[16];
    snprintf(q, sizeof q, "ljungbox%zu", lag);
    check_vec("ts18", q, got, 3, TOL_CLOSED);
  }
  /* Box-Pierce from R's own ACF: Q = n sum r_l^2. */
  double r[6], bp = 0;
  ref_get(&REF, "ts18", "acf", r, 6);
  for (size_t l = 0; l < 4; l++) bp += r[l] * r[l];
  bp *= 18;
  struct tsdiag_box b;
  assert_int_equal(tsdiag_box_test(c.fit.resid, c.n, 4, 1, TSDIAG_BOX_PIERCE, &b), GSL_SUCCESS);
  assert_true(ref_close(b.stat, bp, TOL_CLOSED, 0));
  assert_true(b.df == 3);                          /* fitdf = 1 */
  assert_true(ref_close(b.p_value, gsl_cdf_chisq_Q(bp, 3), TOL_CLOSED, 0));
  assert_int_equal(tsdiag_box_test(c.fit.resid, c.n, 4, 4, TSDIAG_LJUNG_BOX, &b), GSL_EINVAL);
  assert_int_equal(tsdiag_box_test(c.fit.resid, c.n, 18, 0, TSDIAG_LJUNG_BOX, &b), GSL_EBADLEN);
  double flat[5] = {2, 2, 2, 2, 2};
  assert_int_equal(tsdiag_box_test(flat, 5, 1, 0, TSDIAG_LJUNG_BOX, &b), GSL_EDOM);
  ols_case_free(&c);
}

/* ===== varsoc ===== */

static void test_varsoc(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("ar2");
  struct tsdiag_varsoc rows[5];
  size_t sel[TSDIAG_NSEL];
  assert_int_equal(tsdiag_varsoc(ref_col(&d, "y"), d.nrow, 4, rows, sel), GSL_SUCCESS);
  double lr[4], lrp[4];
  for (size_t p = 0; p <= 4; p++) {
    double got[5] = {rows[p].ll, rows[p].aic, rows[p].sbic, rows[p].hqic, rows[p].fpe};
    char q[8];
    snprintf(q, sizeof q, "p%zu", p);
    check_vec("varsoc", q, got, 5, TOL_CLOSED);
    if (p > 0) {
      lr[p - 1] = rows[p].lr;
      lrp[p - 1] = rows[p].p_lr;
      assert_true(rows[p].df == 1);
    }
  }
  assert_true(isnan(rows[0].lr));
  check_vec("varsoc", "lr", lr, 4, TOL_CLOSED);
  check_vec("varsoc", "lr_p", lrp, 4, TOL_CLOSED);
  /* ar2 is an AR(2): every criterion picks 2 (see the reference values). */
  for (int k = 0; k < TSDIAG_NSEL; k++) assert_int_equal(sel[k], 2);
  assert_int_equal(tsdiag_varsoc(ref_col(&d, "y"), 9, 4, rows, sel), GSL_EBADLEN);
  refcsv_data_free(&d);
}

int main(void) {
  gsl_set_error_handler_off();
  REF = refcsv_load("expected.csv");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dw_exact),      cmocka_unit_test(test_dw_normal),
      cmocka_unit_test(test_pan_published), cmocka_unit_test(test_pan_closed_form),
      cmocka_unit_test(test_pan_nodes),     cmocka_unit_test(test_dw_errors),
      cmocka_unit_test(test_bg),            cmocka_unit_test(test_acf_pacf),
      cmocka_unit_test(test_pacf_ar1),      cmocka_unit_test(test_box),
      cmocka_unit_test(test_varsoc),
  };
  int rc = cmocka_run_group_tests_name("tsdiag", tests, NULL, NULL);
  refcsv_free(&REF);
  return rc;
}

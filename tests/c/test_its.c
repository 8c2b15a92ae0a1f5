/* tests/c/test_its.c -- cmocka tests for host/num/its.c on its own: the design
 * rows (itsa's terms), the Newey-West covariance within units against
 * host/num/vcov.c's single-series estimator, lags across a gap, and the errors
 * that name a unit.  The R comparisons are in tests/lua/test_its.lua. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "num/its.h"
#include "num/ols.h"
#include "num/vcov.h"

#define TOL 1e-12   /* the same arithmetic in a different order: rounding only */

/* A deterministic series: trend, a step at T = 6 and a wiggle. */
static double val(size_t u, size_t p) {
  return 10 + (double)u + 0.5 * (double)p + (p >= 6 ? 2.0 + 0.3 * (double)(p - 6) : 0)
         + sin(1.7 * (double)(u + 1) + 2.3 * (double)p);
}

static void test_design_rows_follow_itsa(void **state) {
  (void)state;
  double tt[4] = {0, 1, 2, 3};
  struct its_panel pn = {1, 4, NULL, tt, tt, 0, NULL, NULL};
  struct its_spec s;
  memset(&s, 0, sizeof s);
  s.m = 1;
  s.brk[0] = (struct its_break){2, 1, 1};
  assert_int_equal(its_ncoef(&s, 0), 8);
  double x[8];
  its_xrow(&pn, &s, 3, 1, 0, x);   /* treated, _t = 3, one period after T = 2 */
  double want[8] = {1, 3, 1, 3, 1, 1, 1, 1};
  for (int j = 0; j < 8; j++) assert_float_equal(x[j], want[j], 0);
  its_xrow(&pn, &s, 2, 0, 0, x);   /* comparator at T itself: _x = 1, _x_t = 0 */
  double want0[8] = {1, 2, 0, 0, 1, 0, 0, 0};
  for (int j = 0; j < 8; j++) assert_float_equal(x[j], want0[j], 0);
  its_xrow(&pn, &s, 3, 1, 1, x);   /* counterfactual: interruption terms 0 */
  double wantc[8] = {1, 3, 1, 3, 0, 0, 0, 0};
  for (int j = 0; j < 8; j++) assert_float_equal(x[j], wantc[j], 0);
  s.single = 1;
  s.brk[0].slope = 0;
  assert_int_equal(its_ncoef(&s, 2), 5);
}

/* One series with consecutive positions: its_hac_panel = vcov_hac. */
static void test_one_unit_hac_equals_newey_west(void **state) {
  (void)state;
  enum { P = 14 };
  double Y[P], tt[P];
  for (size_t p = 0; p < P; p++) { Y[p] = val(0, p); tt[p] = (double)p; }
  struct its_panel pn = {1, P, Y, tt, tt, 0, NULL, NULL};
  struct its_spec s;
  memset(&s, 0, sizeof s);
  s.single = 1;
  s.m = 1;
  s.brk[0] = (struct its_break){6, 1, 1};
  s.lag = 3;
  s.hac_rows = 1;
  struct its_design d;
  struct its_fit f;
  char err[128];
  assert_int_equal(its_design(&pn, &s, 0, NULL, 0, &d, err, sizeof err), GSL_SUCCESS);
  assert_int_equal(its_fit(&d, &s, &f), GSL_SUCCESS);
  struct linreg_fit lin;
  assert_int_equal(linreg_fit(d.X, d.n, d.k, d.y, NULL, 1, &lin), GSL_SUCCESS);
  double V[16];
  struct vcov_data vd = {d.X, d.n, d.k, lin.resid, NULL, lin.xtxi, NULL, lin.rinv, NULL};
  assert_int_equal(vcov_hac(&vd, 3, V), GSL_SUCCESS);
  for (int i = 0; i < 16; i++) assert_true(fabs(f.V[i] - V[i]) <= TOL * fabs(V[0]));
  linreg_fini(&lin);
  its_fit_fini(&f);
  its_design_fini(&d);
}

/* Two units: the lags never cross from one unit to the next, so the
 * covariance equals the sum of each unit's own Newey-West meat. */
static void test_lags_stay_within_units(void **state) {
  (void)state;
  enum { P = 10 };
  double Y[2 * P], tt[P];
  for (size_t p = 0; p < P; p++) {
    tt[p] = (double)p;
    Y[p] = val(0, p);
    Y[P + p] = val(1, p);
  }
  struct its_panel pn = {2, P, Y, tt, tt, 0, NULL, NULL};
  struct its_spec s;
  memset(&s, 0, sizeof s);
  s.m = 1;
  s.brk[0] = (struct its_break){6, 1, 1};
  s.lag = 2;
  s.hac_rows = 1;
  size_t comp = 1;
  struct its_design d;
  struct its_fit f;
  char err[128];
  assert_int_equal(its_design(&pn, &s, 0, &comp, 1, &d, err, sizeof err), GSL_SUCCESS);
  assert_int_equal(d.nunits, 2);
  assert_int_equal(its_fit(&d, &s, &f), GSL_SUCCESS);
  /* The same rows with the units as one series: lag pairs across the
   * boundary would enter, so the covariances must differ. */
  size_t one[2 * P];
  double pos[2 * P];
  for (size_t i = 0; i < 2 * P; i++) { one[i] = 0; pos[i] = (double)i; }
  struct linreg_fit lin;
  assert_int_equal(linreg_fit(d.X, d.n, d.k, d.y, NULL, 1, &lin), GSL_SUCCESS);
  double *V1 = malloc(d.k * d.k * sizeof *V1);
  assert_int_equal(its_hac_panel(d.X, d.n, d.k, lin.resid, lin.rinv, one, pos, 2, V1), GSL_SUCCESS);
  double diff = 0;
  for (size_t i = 0; i < d.k * d.k; i++) diff += fabs(V1[i] - f.V[i]);
  assert_true(diff > 1e-8);
  free(V1);
  linreg_fini(&lin);
  its_fit_fini(&f);
  its_design_fini(&d);
}

/* hac_rows = 0: the row after an excluded period is two periods on, so
 * with lag 1 it is not paired with the row before the gap. */
static void test_time_lags_skip_a_gap(void **state) {
  (void)state;
  enum { P = 12 };
  double Y[P], tt[P];
  unsigned char use[P];
  for (size_t p = 0; p < P; p++) { Y[p] = val(2, p); tt[p] = (double)p; use[p] = p != 8; }
  struct its_panel pn = {1, P, Y, tt, tt, 0, NULL, NULL};
  struct its_spec s;
  memset(&s, 0, sizeof s);
  s.single = 1;
  s.m = 1;
  s.brk[0] = (struct its_break){6, 1, 1};
  s.use = use;
  s.lag = 1;
  struct its_design d;
  struct its_fit ft, fr;
  char err[128];
  assert_int_equal(its_design(&pn, &s, 0, NULL, 0, &d, err, sizeof err), GSL_SUCCESS);
  assert_int_equal(d.n, 11);
  assert_float_equal(d.hpos[8], 9, 0);   /* period 9 keeps its position */
  assert_int_equal(its_fit(&d, &s, &ft), GSL_SUCCESS);
  its_design_fini(&d);
  s.hac_rows = 1;
  assert_int_equal(its_design(&pn, &s, 0, NULL, 0, &d, err, sizeof err), GSL_SUCCESS);
  assert_float_equal(d.hpos[8], 8, 0);   /* counted as the ninth row */
  assert_int_equal(its_fit(&d, &s, &fr), GSL_SUCCESS);
  double diff = 0;
  for (size_t i = 0; i < d.k * d.k; i++) diff += fabs(ft.V[i] - fr.V[i]);
  assert_true(diff > 1e-10 * fabs(fr.V[0]));
  for (size_t j = 0; j < d.k; j++) assert_float_equal(ft.coef[j], fr.coef[j], 0);
  its_fit_fini(&ft);
  its_fit_fini(&fr);
  its_design_fini(&d);
}

static void test_errors_name_the_unit(void **state) {
  (void)state;
  double Y[6] = {1, 2, 3, 4, 5, 6}, tt[3] = {0, 1, 2};
  struct its_panel pn = {2, 3, Y, tt, tt, 0, NULL, NULL};
  struct its_spec s;
  memset(&s, 0, sizeof s);
  struct its_design d;
  char err[128];
  size_t comp[2] = {0, 1};
  assert_int_equal(its_design(&pn, &s, 0, comp, 1, &d, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "is the treated unit itself"));
  comp[0] = 1;
  assert_int_equal(its_design(&pn, &s, 0, comp, 2, &d, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "listed twice"));
  assert_int_equal(its_design(&pn, &s, 0, comp, 0, &d, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "at least one comparator"));
  /* 6 rows for 4 coefficients is fine; a break makes 8 > 6 rows. */
  s.m = 1;
  s.brk[0] = (struct its_break){1, 1, 1};
  assert_int_equal(its_design(&pn, &s, 0, comp, 1, &d, err, sizeof err), GSL_EBADLEN);
  assert_non_null(strstr(err, "need more rows than coefficients"));
}

/* combine: ITS_MEAN is the unweighted mean of the comparators present,
 * whatever W holds; ITS_WMEAN weights by W and needs it.  (A regression
 * test: ITS_MEAN once used W whenever the panel had one.) */
static void test_mean_ignores_weights_wmean_uses_them(void **state) {
  (void)state;
  enum { U = 3, P = 10 };
  double Y[U * P], W[U * P], tt[P];
  for (size_t p = 0; p < P; p++) {
    tt[p] = (double)p;
    for (size_t u = 0; u < U; u++) {
      Y[u * P + p] = val(u, p);
      W[u * P + p] = u == 1 ? 1.0 : 9.0;   /* unit 2 counts 9 times unit 1 */
    }
  }
  Y[1 * P + 4] = NAN;                      /* a comparator missing in one period */
  struct its_panel pn = {U, P, Y, tt, tt, 0, NULL, W};
  struct its_spec s;
  memset(&s, 0, sizeof s);
  s.m = 1;
  s.brk[0] = (struct its_break){6, 1, 1};
  size_t comp[2] = {1, 2};
  struct its_design d;
  char err[128];
  s.combine = ITS_MEAN;
  assert_int_equal(its_design(&pn, &s, 0, comp, 2, &d, err, sizeof err), GSL_SUCCESS);
  assert_int_equal(d.n, 2 * P);
  for (size_t i = P; i < d.n; i++) {
    size_t p = d.period[i];
    double want = p == 4 ? Y[2 * P + p] : 0.5 * (Y[1 * P + p] + Y[2 * P + p]);
    assert_float_equal(d.y[i], want, TOL);
    assert_float_equal(its_comp_mean(&pn, comp, 2, p, 0), want, TOL);
  }
  its_design_fini(&d);
  s.combine = ITS_WMEAN;
  assert_int_equal(its_design(&pn, &s, 0, comp, 2, &d, err, sizeof err), GSL_SUCCESS);
  for (size_t i = P; i < d.n; i++) {
    size_t p = d.period[i];
    double want = p == 4 ? Y[2 * P + p] : (Y[1 * P + p] + 9 * Y[2 * P + p]) / 10;
    assert_float_equal(d.y[i], want, TOL);
    assert_float_equal(its_comp_mean(&pn, comp, 2, p, 1), want, TOL);
  }
  its_design_fini(&d);
  pn.W = NULL;
  assert_int_equal(its_design(&pn, &s, 0, comp, 2, &d, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "needs weights"));
  s.combine = ITS_MEAN;
  assert_int_equal(its_design(&pn, &s, 0, comp, 2, &d, err, sizeof err), GSL_SUCCESS);
  its_design_fini(&d);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_design_rows_follow_itsa),
      cmocka_unit_test(test_one_unit_hac_equals_newey_west),
      cmocka_unit_test(test_lags_stay_within_units),
      cmocka_unit_test(test_time_lags_skip_a_gap),
      cmocka_unit_test(test_errors_name_the_unit),
      cmocka_unit_test(test_mean_ignores_weights_wmean_uses_them),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

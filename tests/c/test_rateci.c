/* tests/c/test_rateci.c -- host/num/rateci.c against closed forms.  The
 * comparison with R over many cases is tests/lua/test_rateci.lua (reading
 * tests/reference/rateci/expected.csv); these cases need no file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include <gsl/gsl_errno.h>

#include "num/rateci.h"

/* x = 0: the exact upper bound is -log((1 - c)/2) (the Poisson mean whose
 * P(X = 0) is (1 - c)/2); closed form, so 1e-12. */
static void test_exact_zero_count_is_closed_form(void **state) {
  (void)state;
  double lo, hi;
  assert_int_equal(rateci_poisson(0, RATECI_EXACT, 0.95, &lo, &hi), GSL_SUCCESS);
  assert_float_equal(lo, 0, 0);
  assert_float_equal(hi, -log(0.025), 1e-12);
}

/* R: poisson.test(10)$conf.int = 4.795388696 18.390356042 (printed to 10 digits). */
static void test_exact_ten_matches_r_printout(void **state) {
  (void)state;
  double lo, hi;
  rateci_poisson(10, RATECI_EXACT, 0.95, &lo, &hi);
  assert_float_equal(lo, 4.795388696, 5e-9);
  assert_float_equal(hi, 18.390356042, 5e-9);
}

/* Byar approaches the exact interval as the count grows: within 0.5% at 1000. */
static void test_byar_close_to_exact_for_large_counts(void **state) {
  (void)state;
  double l1, h1, l2, h2;
  rateci_poisson(1000, RATECI_EXACT, 0.95, &l1, &h1);
  rateci_poisson(1000, RATECI_BYAR, 0.95, &l2, &h2);
  assert_true(fabs(l2 / l1 - 1) < 0.005 && fabs(h2 / h1 - 1) < 0.005);
}

/* Wilson for 114 of 136 (R prop.test(114, 136, correct = FALSE)):
 * 0.7672091064 0.8906787674 (printed to 10 digits). */
static void test_wilson_matches_r_printout(void **state) {
  (void)state;
  double lo, hi;
  rateci_wilson(114, 136, 0.95, &lo, &hi);
  assert_float_equal(lo, 0.7672091064, 5e-10);
  assert_float_equal(hi, 0.8906787674, 5e-10);
}

/* Funnel limits narrow as the denominator grows and enclose the centre. */
static void test_funnel_limits_narrow_with_n(void **state) {
  (void)state;
  for (int prop = 0; prop <= 1; prop++) {
    double c = prop ? 0.55 : 0.0067, prev = INFINITY;
    for (double n = 50; n < 1e6; n *= 3) {
      double lo, hi;
      assert_int_equal(rateci_funnel(prop, c, n, 0.998, &lo, &hi), GSL_SUCCESS);
      assert_true(lo <= c && c <= hi);
      assert_true(hi - lo < prev);
      prev = hi - lo;
    }
  }
}

static void test_bad_arguments_are_refused(void **state) {
  (void)state;
  double lo, hi;
  assert_int_equal(rateci_poisson(-1, RATECI_EXACT, 0.95, &lo, &hi), GSL_EINVAL);
  assert_int_equal(rateci_poisson(NAN, RATECI_BYAR, 0.95, &lo, &hi), GSL_EINVAL);
  assert_int_equal(rateci_wilson(5, 3, 0.95, &lo, &hi), GSL_EINVAL);
  assert_int_equal(rateci_wilson(1, 3, 1.5, &lo, &hi), GSL_EINVAL);
  assert_int_equal(rateci_funnel(1, 1.2, 10, 0.95, &lo, &hi), GSL_EINVAL);
  assert_int_equal(rateci_funnel(0, 0.1, 0, 0.95, &lo, &hi), GSL_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_exact_zero_count_is_closed_form),
    cmocka_unit_test(test_exact_ten_matches_r_printout),
    cmocka_unit_test(test_byar_close_to_exact_for_large_counts),
    cmocka_unit_test(test_wilson_matches_r_printout),
    cmocka_unit_test(test_funnel_limits_narrow_with_n),
    cmocka_unit_test(test_bad_arguments_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/c/test_alphaci.c -- cmocka tests for Feldt's interval for
 * Cronbach's alpha (host/num/alphaci) against R's qf formula and
 * psych::alpha.ci in tests/reference/survey/expected.csv (make_survey.R),
 * plus its argument checks.  Run from the repository root.
 * Tolerance 1e-8 relative: GSL's and R's F quantile inversions agree to
 * about 1e-10; alpha itself comes from the reference file (17 digits). */
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

#include "num/alphaci.h"

#define REF_PATH "tests/reference/survey/expected.csv"
#define TOL 1e-8

/* The value of `name` in the name,value reference file; fails the test if absent. */
static double ref(const char *name) {
  FILE *fh = fopen(REF_PATH, "r");
  if (!fh) fail_msg("cannot open %s (run from the repository root)", REF_PATH);
  char line[256];
  double v = NAN;
  int found = 0;
  while (fgets(line, sizeof line, fh)) {
    char *comma = strchr(line, ',');
    if (!comma) continue;
    *comma = '\0';
    if (strcmp(line, name) == 0) { v = strtod(comma + 1, NULL); found = 1; break; }
  }
  fclose(fh);
  if (!found) fail_msg("%s: no %s", REF_PATH, name);
  return v;
}

static void close_to(double got, double want, const char *what) {
  if (!(fabs(got - want) <= TOL * fabs(want)))
    fail_msg("%s: got %.17g, R %.17g", what, got, want);
}

static void test_feldt_matches_r(void **state) {
  (void)state;
  double lo, hi;
  double a = ref("alpha.raw");
  assert_int_equal(alphaci_feldt(a, 12, 5, 0.95, &lo, &hi), GSL_SUCCESS);
  close_to(lo, ref("alpha.feldt_lo"), "95% lower");
  close_to(hi, ref("alpha.feldt_hi"), "95% upper");
  close_to(lo, ref("psych.ci_lo"), "psych::alpha.ci lower");
  assert_int_equal(alphaci_feldt(a, 12, 5, 0.90, &lo, &hi), GSL_SUCCESS);
  close_to(lo, ref("alpha.feldt90_lo"), "90% lower");
  close_to(hi, ref("alpha.feldt90_hi"), "90% upper");
}

static void test_feldt_interval_holds_alpha_and_narrows_with_n(void **state) {
  (void)state;
  double lo1, hi1, lo2, hi2;
  assert_int_equal(alphaci_feldt(0.8, 20, 6, 0.95, &lo1, &hi1), GSL_SUCCESS);
  assert_true(lo1 < 0.8 && 0.8 < hi1);
  assert_int_equal(alphaci_feldt(0.8, 200, 6, 0.95, &lo2, &hi2), GSL_SUCCESS);
  assert_true(hi2 - lo2 < hi1 - lo1);
}

static void test_feldt_rejects_bad_arguments(void **state) {
  (void)state;
  double lo, hi;
  assert_int_equal(alphaci_feldt(0.8, 1, 5, 0.95, &lo, &hi), GSL_EINVAL);
  assert_int_equal(alphaci_feldt(0.8, 10, 1, 0.95, &lo, &hi), GSL_EINVAL);
  assert_int_equal(alphaci_feldt(1.0, 10, 5, 0.95, &lo, &hi), GSL_EINVAL);
  assert_int_equal(alphaci_feldt(NAN, 10, 5, 0.95, &lo, &hi), GSL_EINVAL);
  assert_int_equal(alphaci_feldt(0.8, 10, 5, 1.0, &lo, &hi), GSL_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_feldt_matches_r),
    cmocka_unit_test(test_feldt_interval_holds_alpha_and_narrows_with_n),
    cmocka_unit_test(test_feldt_rejects_bad_arguments),
  };
  return cmocka_run_group_tests_name("alphaci", tests, NULL, NULL);
}

/* tests/c/test_poly.c -- cmocka tests for R's poly() coefficients
 * (host/num/poly.c) against R at 100,000 rows
 * (tests/reference/formulas/poly_large.csv, written by make_poly_large.R
 * from data made by formula, rebuilt here), and for the distinct-value
 * count the degree check uses.  Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num/poly.h"

/* alpha and norm2 from the reference file (quantity,index,value). */
static void read_ref(double *alpha, double *norm2) {
  FILE *f = fopen("tests/reference/formulas/poly_large.csv", "r");
  assert_non_null(f);
  char line[256], q[32];
  int got = 0;
  while (fgets(line, sizeof line, f)) {
    int i;
    double v;
    if (sscanf(line, "%31[^,],%d,%lf", q, &i, &v) != 3) continue;
    if (strcmp(q, "alpha") == 0 && i >= 1 && i <= 3) alpha[i - 1] = v, got++;
    if (strcmp(q, "norm2") == 0 && i >= 1 && i <= 5) norm2[i - 1] = v, got++;
  }
  fclose(f);
  assert_int_equal(got, 8);
}

/* The 99,900 complete rows of make_poly_large.R: x = ((7919 i) mod 100003)
 * / 1000, i = 1..1e5, leaving out i mod 1000 == 0.  alpha and norm2 to
 * 1e-12 relative: sums of 1e5 products in another order than R's QR (n eps
 * = 2e-11 at worst; measured 8.5e-15). */
static void test_poly_coefs_match_r_at_1e5_rows(void **s) {
  (void)s;
  double *x = malloc(100000 * sizeof *x);
  assert_non_null(x);
  size_t n = 0;
  for (long i = 1; i <= 100000; i++)
    if (i % 1000 != 0) x[n++] = (double)((7919 * i) % 100003) / 1000;
  assert_int_equal(n, 99900);
  double alpha[3], norm2[5], wa[3], wn[5];
  read_ref(wa, wn);
  assert_int_equal(poly_coefs(x, n, 3, alpha, norm2), 0);
  for (int j = 0; j < 3; j++) assert_true(fabs(alpha[j] - wa[j]) <= 1e-12 * fabs(wa[j]));
  for (int j = 0; j < 5; j++) assert_true(fabs(norm2[j] - wn[j]) <= 1e-12 * fabs(wn[j]));
  assert_true(poly_distinct(x, n, 3) > 3);            /* more than the degree: some count above 3 */
  free(x);
}

/* Exact when at most the limit, above the limit otherwise, whether the
 * short scan or the sorted copy settles it. */
static void test_distinct_values(void **s) {
  (void)s;
  double few[] = {2, 1, 2, 1, 2, -0.0, 0.0};
  assert_int_equal(poly_distinct(few, 7, 5), 3);      /* -0 and 0 are one value */
  assert_int_equal(poly_distinct(few, 7, 1), 2);      /* only "above 1" is needed */
  assert_int_equal(poly_distinct(few, 0, 1), 0);
  double *x = malloc(300 * sizeof *x);
  assert_non_null(x);
  for (int i = 0; i < 300; i++) x[i] = (double)(i % 70);
  assert_int_equal(poly_distinct(x, 300, 100), 70);   /* past the 64 scanned: sorted */
  assert_true(poly_distinct(x, 300, 65) > 65);
  assert_int_equal(poly_distinct(x, 300, 69), 70);
  for (int i = 0; i < 300; i++) x[i] = (double)i;
  assert_true(poly_distinct(x, 300, 200) > 200);
  free(x);
  double a[1], nn[3];
  assert_int_equal(poly_coefs(few, 0, 1, a, nn), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_poly_coefs_match_r_at_1e5_rows),
      cmocka_unit_test(test_distinct_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

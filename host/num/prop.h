/* host/num/prop.h -- tests of one or two binomial proportions: R prop.test()
 * (score chi-square, optional Yates correction, Wilson score interval for
 * one sample, Wald interval for a difference) and the plain z tests
 * (Stata prtest).  Pure C on GSL, no Lua. */
#ifndef CSC_PROP_H
#define CSC_PROP_H

#include <stddef.h>

#include "alt.h"

struct prop_result {
  double statistic;     /* X-squared for prop.test, z for the z tests */
  double df;            /* chi-square df (1); NaN for z tests */
  double p_value;
  double conf_int[2];   /* p (one sample) or p1 - p2 (two samples) */
  double estimate[2];   /* x/n; x2/n2 or NaN */
  double null_value;    /* p0, or NaN for two samples */
  double yates;         /* continuity correction actually applied (0 .. 0.5) */
  double min_expected;  /* smallest expected count; R warns when < 5 */
};

/* Counts are doubles so that the Lua binding needs no conversion; they
 * must satisfy 0 <= x <= n, n > 0 (non-integers are accepted, as in R).
 * Return GSL_SUCCESS, GSL_EINVAL for invalid counts, p0 outside (0, 1) or
 * conf_level outside (0, 1), GSL_EDOM when an expected count is 0 (the
 * pooled proportion is 0 or 1; R returns NaN then). */

/* R prop.test(x, n, p = p0, alternative, conf.level, correct). */
int prop_test_one(double x, double n, double p0, enum stats_alt alt,
                  double conf_level, int correct, struct prop_result *r);
/* R prop.test(c(x1, x2), c(n1, n2), alternative, conf.level, correct). */
int prop_test_two(double x1, double n1, double x2, double n2, enum stats_alt alt,
                  double conf_level, int correct, struct prop_result *r);
/* Score z test against p0 with Wald interval (Stata prtest x == p0):
 * z = (x/n - p0) / sqrt(p0 (1 - p0) / n). */
int prop_ztest_one(double x, double n, double p0, enum stats_alt alt,
                   double conf_level, struct prop_result *r);
/* Pooled two-proportion z test with unpooled Wald interval (Stata prtest
 * x1 == x2): z = (p1 - p2) / sqrt(pbar (1 - pbar) (1/n1 + 1/n2)); z^2 is
 * prop.test(correct = FALSE)'s X-squared. */
int prop_ztest_two(double x1, double n1, double x2, double n2, enum stats_alt alt,
                   double conf_level, struct prop_result *r);

#endif

/* host/num/ttest.h -- t-tests as R t.test(): one-sample, paired, and
 * two-sample (Welch or pooled variance).  Pure C on GSL, no Lua. */
#ifndef CSC_TTEST_H
#define CSC_TTEST_H

#include <stddef.h>

#include "alt.h"

/* One t-test.  Fields follow R's htest; the open side of a one-sided
 * interval is -INFINITY or +INFINITY. */
struct ttest_result {
  double statistic;     /* t */
  double df;            /* Welch-Satterthwaite df for Welch; else n - 1 or nx + ny - 2 */
  double p_value;
  double conf_int[2];   /* for the mean, mean difference, or difference in means */
  double estimate[2];   /* mean of x (or of x - y when paired); mean of y, NaN if none */
  double null_value;    /* mu */
  double se;            /* standard error of the estimate (R's $stderr) */
};

/* Return GSL_SUCCESS, or:
 *   GSL_EINVAL  too few observations (one-sample/paired/Welch need n >= 2 per
 *               group; pooled needs nx, ny >= 1 and nx + ny >= 3), a
 *               conf_level outside (0, 1), non-finite data or mu;
 *   GSL_EDOM    "data are essentially constant": se < 10 eps |mean| (R's
 *               test), or se == 0, where R would return NaN.
 * Inputs are never retained.  On error *r is left undefined. */
int ttest_one(const double *x, size_t n, double mu, enum stats_alt alt,
              double conf_level, struct ttest_result *r);
int ttest_paired(const double *x, const double *y, size_t n, double mu,
                 enum stats_alt alt, double conf_level, struct ttest_result *r);
int ttest_two(const double *x, size_t nx, const double *y, size_t ny, double mu,
              int var_equal, enum stats_alt alt, double conf_level,
              struct ttest_result *r);

/* p-value of a t statistic on df degrees of freedom, as R t.test/cor.test:
 * two-sided 2 P(T <= -|t|), less P(T <= t), greater P(T > t). */
double ttest_pvalue(double t, double df, enum stats_alt alt);

#endif

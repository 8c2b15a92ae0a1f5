/* host/num/prop.c -- one- and two-sample tests of proportions.  prop_test_*
 * follow R prop.test() (stats, R 4.2) line by line: Pearson score statistic
 * with Yates' correction capped as R caps it, Wilson score interval (with
 * continuity correction) for one sample, Wald interval for p1 - p2.  The z
 * tests match Stata prtest.  Plain C on GSL (normal, chi-square); no Lua. */
#include "prop.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

static int check_count(double x, double n) {
  if (!isfinite(x) || !isfinite(n) || !(n > 0) || x < 0 || x > n) return GSL_EINVAL;
  return GSL_SUCCESS;
}

static int check_conf(double conf_level) {
  return conf_level > 0 && conf_level < 1 ? GSL_SUCCESS : GSL_EINVAL;
}

/* Normal quantile for the interval: (1 + conf)/2 two-sided, conf one-sided. */
static double zcrit(enum stats_alt alt, double conf_level) {
  return gsl_cdf_ugaussian_Pinv(alt == STATS_TWO_SIDED ? (1 + conf_level) / 2 : conf_level);
}

/* Chi-square on the k x 2 table {x, n - x} against expected {n p, n (1-p)}:
 *   X^2 = sum (|O - E| - yates)^2 / E,
 * p-value: two-sided upper chi-square tail; one-sided from the signed root
 * z = sign(dir) sqrt(X^2) (R's rule). */
static int score_stat(const double *x, const double *n, const double *p, size_t k,
                      double yates, double df, double dir, enum stats_alt alt,
                      struct prop_result *r) {
  double stat = 0, emin = INFINITY;
  for (size_t i = 0; i < k; i++) {
    double o[2] = {x[i], n[i] - x[i]};
    double e[2] = {n[i] * p[i], n[i] * (1 - p[i])};
    for (int j = 0; j < 2; j++) {
      if (!(e[j] > 0)) return GSL_EDOM;
      emin = fmin(emin, e[j]);
      double d = fabs(o[j] - e[j]) - yates;
      stat += d * d / e[j];
    }
  }
  r->statistic = stat;
  r->df = df;
  r->yates = yates;
  r->min_expected = emin;
  if (alt == STATS_TWO_SIDED) {
    r->p_value = gsl_cdf_chisq_Q(stat, df);
  } else {
    double z = (dir > 0 ? 1 : dir < 0 ? -1 : 0) * sqrt(stat);
    r->p_value = alt == STATS_LESS ? gsl_cdf_ugaussian_P(z) : gsl_cdf_ugaussian_Q(z);
  }
  return GSL_SUCCESS;
}

/* Wilson score interval with continuity correction c (0 or capped 0.5):
 *   bound = (pc + z^2/2n +- z sqrt(pc (1 - pc)/n + z^2/4n^2)) / (1 + z^2/n),
 * pc = phat +- c/n, clamped to [0, 1] as R does. */
int prop_test_one(double x, double n, double p0, enum stats_alt alt,
                  double conf_level, int correct, struct prop_result *r) {
  int st;
  if ((st = check_count(x, n)) || (st = check_conf(conf_level))) return st;
  if (!(p0 > 0 && p0 < 1)) return GSL_EINVAL;
  double est = x / n;
  double yates = fmin(correct ? 0.5 : 0, fabs(x - n * p0));
  double z = zcrit(alt, conf_level);
  double z22n = z * z / (2 * n);
  double pc = est + yates / n;
  double pu = pc >= 1 ? 1
                      : (pc + z22n + z * sqrt(pc * (1 - pc) / n + z22n / (2 * n))) /
                            (1 + 2 * z22n);
  pc = est - yates / n;
  double pl = pc <= 0 ? 0
                      : (pc + z22n - z * sqrt(pc * (1 - pc) / n + z22n / (2 * n))) /
                            (1 + 2 * z22n);
  r->conf_int[0] = alt == STATS_LESS ? 0 : fmax(pl, 0);
  r->conf_int[1] = alt == STATS_GREATER ? 1 : fmin(pu, 1);
  r->estimate[0] = est;
  r->estimate[1] = NAN;
  r->null_value = p0;
  return score_stat(&x, &n, &p0, 1, yates, 1, est - p0, alt, r);
}

/* Interval: delta +- (z sqrt(sum p(1-p)/n) + c (1/n1 + 1/n2)), clamped to
 * [-1, 1]; c = min(0.5, |delta| / (1/n1 + 1/n2)) when correcting (R). */
int prop_test_two(double x1, double n1, double x2, double n2, enum stats_alt alt,
                  double conf_level, int correct, struct prop_result *r) {
  int st;
  if ((st = check_count(x1, n1)) || (st = check_count(x2, n2)) ||
      (st = check_conf(conf_level)))
    return st;
  double e1 = x1 / n1, e2 = x2 / n2;
  double delta = e1 - e2;
  double sinv = 1 / n1 + 1 / n2;
  double yates = fmin(correct ? 0.5 : 0, fabs(delta) / sinv);
  double width = zcrit(alt, conf_level) * sqrt(e1 * (1 - e1) / n1 + e2 * (1 - e2) / n2) +
                 yates * sinv;
  r->conf_int[0] = alt == STATS_LESS ? -1 : fmax(delta - width, -1);
  r->conf_int[1] = alt == STATS_GREATER ? 1 : fmin(delta + width, 1);
  r->estimate[0] = e1;
  r->estimate[1] = e2;
  r->null_value = NAN;
  double pbar = (x1 + x2) / (n1 + n2);
  double x[2] = {x1, x2}, n[2] = {n1, n2}, p[2] = {pbar, pbar};
  return score_stat(x, n, p, 2, yates, 1, delta, alt, r);
}

static double z_pvalue(double z, enum stats_alt alt) {
  if (alt == STATS_LESS) return gsl_cdf_ugaussian_P(z);
  if (alt == STATS_GREATER) return gsl_cdf_ugaussian_Q(z);
  return 2 * gsl_cdf_ugaussian_P(-fabs(z));
}

static void wald_ci(double est, double se, enum stats_alt alt, double conf_level,
                    double ci[2]) {
  double z = zcrit(alt, conf_level);
  ci[0] = alt == STATS_LESS ? -INFINITY : est - z * se;
  ci[1] = alt == STATS_GREATER ? INFINITY : est + z * se;
}

int prop_ztest_one(double x, double n, double p0, enum stats_alt alt,
                   double conf_level, struct prop_result *r) {
  int st;
  if ((st = check_count(x, n)) || (st = check_conf(conf_level))) return st;
  if (!(p0 > 0 && p0 < 1)) return GSL_EINVAL;
  double est = x / n;
  double z = (est - p0) / sqrt(p0 * (1 - p0) / n);
  r->statistic = z;
  r->df = NAN;
  r->p_value = z_pvalue(z, alt);
  wald_ci(est, sqrt(est * (1 - est) / n), alt, conf_level, r->conf_int);
  r->estimate[0] = est;
  r->estimate[1] = NAN;
  r->null_value = p0;
  r->yates = 0;
  r->min_expected = fmin(n * p0, n * (1 - p0));
  return GSL_SUCCESS;
}

int prop_ztest_two(double x1, double n1, double x2, double n2, enum stats_alt alt,
                   double conf_level, struct prop_result *r) {
  int st;
  if ((st = check_count(x1, n1)) || (st = check_count(x2, n2)) ||
      (st = check_conf(conf_level)))
    return st;
  double e1 = x1 / n1, e2 = x2 / n2;
  double pbar = (x1 + x2) / (n1 + n2);
  if (!(pbar > 0 && pbar < 1)) return GSL_EDOM;
  double z = (e1 - e2) / sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2));
  r->statistic = z;
  r->df = NAN;
  r->p_value = z_pvalue(z, alt);
  wald_ci(e1 - e2, sqrt(e1 * (1 - e1) / n1 + e2 * (1 - e2) / n2), alt, conf_level,
          r->conf_int);
  r->estimate[0] = e1;
  r->estimate[1] = e2;
  r->null_value = NAN;
  r->yates = 0;
  r->min_expected = fmin(fmin(n1 * pbar, n1 * (1 - pbar)), fmin(n2 * pbar, n2 * (1 - pbar)));
  return GSL_SUCCESS;
}

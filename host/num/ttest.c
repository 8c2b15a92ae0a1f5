/* host/num/ttest.c -- one-sample, paired and two-sample t-tests with confidence
 * intervals, matching R t.test() (stats package, R 4.2) formula for formula.
 * Plain C on GSL (t distribution); no Lua.  The Lua face is host/bind/lstats.c. */
#include "ttest.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* Mean and unbiased variance by two passes in long double, with the
 * mean refined by the mean residual, as R's mean()/var() do; this keeps
 * agreement with R near 1e-15 even for data with a large common offset. */
static int moments(const double *x, size_t n, double *mean, double *var) {
  long double s = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) return GSL_EINVAL;
    s += x[i];
  }
  s /= (long double)n;
  long double t = 0;
  for (size_t i = 0; i < n; i++) t += x[i] - s;
  s += t / (long double)n;
  long double ss = 0;
  for (size_t i = 0; i < n; i++) ss += (x[i] - s) * (x[i] - s);
  *mean = (double)s;
  *var = n > 1 ? (double)(ss / (long double)(n - 1)) : NAN;
  return GSL_SUCCESS;
}

double ttest_pvalue(double t, double df, enum stats_alt alt) {
  switch (alt) {
  case STATS_LESS: return gsl_cdf_tdist_P(t, df);
  case STATS_GREATER: return gsl_cdf_tdist_Q(t, df);
  default: return 2 * gsl_cdf_tdist_P(-fabs(t), df);
  }
}

/* Statistic, p-value and interval from estimate - mu over se, as the tail
 * of R t.test.default: cint = mu + (t +- qt(.) ) * se. */
static void finish(double diff, double mu, double se, double df, enum stats_alt alt,
                   double conf_level, struct ttest_result *r) {
  double t = (diff - mu) / se;
  r->statistic = t;
  r->df = df;
  r->se = se;
  r->null_value = mu;
  r->p_value = ttest_pvalue(t, df, alt);
  double lo, hi;
  if (alt == STATS_LESS) {
    lo = -INFINITY;
    hi = t + gsl_cdf_tdist_Pinv(conf_level, df);
  } else if (alt == STATS_GREATER) {
    lo = t - gsl_cdf_tdist_Pinv(conf_level, df);
    hi = INFINITY;
  } else {
    double alpha = 1 - conf_level;
    double q = gsl_cdf_tdist_Pinv(1 - alpha / 2, df);
    lo = t - q;
    hi = t + q;
  }
  r->conf_int[0] = mu + lo * se;
  r->conf_int[1] = mu + hi * se;
}

static int check_common(double mu, double conf_level) {
  if (!isfinite(mu)) return GSL_EINVAL;
  if (!(conf_level > 0 && conf_level < 1)) return GSL_EINVAL;
  return GSL_SUCCESS;
}

/* The one-sample test from the mean m and variance v of n values (also the
 * paired test, on the differences). */
static int one_sample(double m, double v, size_t n, double mu, enum stats_alt alt,
                      double conf_level, struct ttest_result *r) {
  double se = sqrt(v / (double)n);
  /* R: stop("data are essentially constant") */
  if (se < 10 * DBL_EPSILON * fabs(m) || se == 0) return GSL_EDOM;
  r->estimate[0] = m;
  r->estimate[1] = NAN;
  finish(m, mu, se, (double)(n - 1), alt, conf_level, r);
  return GSL_SUCCESS;
}

int ttest_one(const double *x, size_t n, double mu, enum stats_alt alt,
              double conf_level, struct ttest_result *r) {
  int st = check_common(mu, conf_level);
  if (st) return st;
  if (n < 2) return GSL_EINVAL;
  double m, v;
  if ((st = moments(x, n, &m, &v))) return st;
  return one_sample(m, v, n, mu, alt, conf_level, r);
}

int ttest_paired(const double *x, const double *y, size_t n, double mu,
                 enum stats_alt alt, double conf_level, struct ttest_result *r) {
  int st = check_common(mu, conf_level);
  if (st) return st;
  if (n < 2) return GSL_EINVAL;
  /* R forms x - y and runs the one-sample test; do the same without a
   * scratch array by accumulating the differences directly. */
  long double s = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i]) || !isfinite(y[i])) return GSL_EINVAL;
    s += x[i] - y[i];
  }
  s /= (long double)n;
  long double t = 0;
  for (size_t i = 0; i < n; i++) t += (x[i] - y[i]) - s;
  s += t / (long double)n;
  long double ss = 0;
  for (size_t i = 0; i < n; i++) {
    long double d = (x[i] - y[i]) - s;
    ss += d * d;
  }
  return one_sample((double)s, (double)(ss / (long double)(n - 1)), n, mu, alt, conf_level, r);
}

/* Welch: se^2 = vx/nx + vy/ny, df by Welch-Satterthwaite
 *   df = se^4 / ((vx/nx)^2/(nx-1) + (vy/ny)^2/(ny-1)).
 * Pooled: v = ((nx-1) vx + (ny-1) vy) / (nx+ny-2), se^2 = v (1/nx + 1/ny). */
int ttest_two(const double *x, size_t nx, const double *y, size_t ny, double mu,
              int var_equal, enum stats_alt alt, double conf_level,
              struct ttest_result *r) {
  int st = check_common(mu, conf_level);
  if (st) return st;
  if (var_equal) {
    if (nx < 1 || ny < 1 || nx + ny < 3) return GSL_EINVAL;
  } else if (nx < 2 || ny < 2) {
    return GSL_EINVAL;
  }
  double mx, vx, my, vy;
  if ((st = moments(x, nx, &mx, &vx))) return st;
  if ((st = moments(y, ny, &my, &vy))) return st;
  double se, df;
  if (var_equal) {
    df = (double)(nx + ny - 2);
    double v = 0;
    if (nx > 1) v += (double)(nx - 1) * vx;
    if (ny > 1) v += (double)(ny - 1) * vy;
    v /= df;
    se = sqrt(v * (1.0 / (double)nx + 1.0 / (double)ny));
  } else {
    double sx = sqrt(vx / (double)nx), sy = sqrt(vy / (double)ny);
    se = sqrt(sx * sx + sy * sy);
    df = pow(se, 4) / (pow(sx, 4) / (double)(nx - 1) + pow(sy, 4) / (double)(ny - 1));
  }
  if (se < 10 * DBL_EPSILON * fmax(fabs(mx), fabs(my)) || se == 0) return GSL_EDOM;
  r->estimate[0] = mx;
  r->estimate[1] = my;
  finish(mx - my, mu, se, df, alt, conf_level, r);
  return GSL_SUCCESS;
}

/* host/num/rateci.c -- exact (Garwood) and Byar intervals for a Poisson
 * count, the Wilson interval for a proportion, and funnel-plot control
 * limits (see rateci.h for the formulas and references).  Plain C on GSL. */
#include "rateci.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

static int bad_conf(double c) { return !(c > 0 && c < 1); }

int rateci_poisson(double x, enum rateci_method m, double conf_level, double *lo, double *hi) {
  if (!isfinite(x) || x < 0 || bad_conf(conf_level)) return GSL_EINVAL;
  double a = (1 - conf_level) / 2;
  if (m == RATECI_EXACT) {
    *lo = x > 0 ? gsl_cdf_chisq_Pinv(a, 2 * x) / 2 : 0;
    *hi = gsl_cdf_chisq_Pinv(1 - a, 2 * (x + 1)) / 2;
  } else {
    double z = gsl_cdf_ugaussian_Pinv(1 - a);
    if (x > 0) {
      double t = 1 - 1 / (9 * x) - z / (3 * sqrt(x));
      *lo = x * t * t * t;
      if (*lo < 0) *lo = 0;
    } else {
      *lo = 0;
    }
    double x1 = x + 1;
    double u = 1 - 1 / (9 * x1) + z / (3 * sqrt(x1));
    *hi = x1 * u * u * u;
  }
  return GSL_SUCCESS;
}

int rateci_wilson(double x, double n, double conf_level, double *lo, double *hi) {
  if (!isfinite(x) || !isfinite(n) || !(n > 0) || x < 0 || x > n || bad_conf(conf_level))
    return GSL_EINVAL;
  double z = gsl_cdf_ugaussian_Pinv(1 - (1 - conf_level) / 2);
  double z2 = z * z;
  double root = z * sqrt(z2 + 4 * x * (n - x) / n);
  double den = 2 * (n + z2);
  *lo = fmax(0, (2 * x + z2 - root) / den);
  *hi = fmin(1, (2 * x + z2 + root) / den);
  return GSL_SUCCESS;
}

int rateci_funnel(int proportion, double centre, double n, double conf_level, double *lo,
                  double *hi) {
  if (!isfinite(centre) || !isfinite(n) || !(n > 0) || bad_conf(conf_level)) return GSL_EINVAL;
  if (proportion) {
    if (centre < 0 || centre > 1) return GSL_EINVAL;
    return rateci_wilson(centre * n, n, conf_level, lo, hi);
  }
  if (centre < 0) return GSL_EINVAL;
  double e = centre * n, a = (1 - conf_level) / 2;
  *lo = e > 0 ? gsl_cdf_chisq_Pinv(a, 2 * e) / 2 / n : 0;
  *hi = gsl_cdf_chisq_Pinv(1 - a, 2 * e + 2) / 2 / n;
  return GSL_SUCCESS;
}

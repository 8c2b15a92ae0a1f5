/* host/alphaci.c -- Feldt's F interval for Cronbach's alpha (see
 * alphaci.h).  Plain C on GSL's F quantile; no Lua. */
#include "alphaci.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* Under the classical model (Feldt 1965),
 * (1 - alpha_pop)/(1 - alpha_hat) ~ F(n - 1, (n - 1)(k - 1)). */
int alphaci_feldt(double alpha, size_t n, size_t k, double conf_level, double *lo, double *hi) {
  if (n < 2 || k < 2 || !isfinite(alpha) || !(alpha < 1) || !(conf_level > 0 && conf_level < 1))
    return GSL_EINVAL;
  double d1 = (double)(n - 1), d2 = (double)(n - 1) * (double)(k - 1);
  double a = 1 - conf_level;
  double fhi = gsl_cdf_fdist_Pinv(1 - a / 2, d1, d2);
  double flo = gsl_cdf_fdist_Pinv(a / 2, d1, d2);
  if (!isfinite(fhi) || !isfinite(flo)) return GSL_EDOM;
  *lo = 1 - (1 - alpha) * fhi;
  *hi = 1 - (1 - alpha) * flo;
  return GSL_SUCCESS;
}

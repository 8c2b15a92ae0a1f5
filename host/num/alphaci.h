/* host/alphaci.h -- confidence interval for Cronbach's alpha by Feldt's F
 * method (Feldt, Woodruff & Salih 1987), as psych::alpha.ci and the
 * formula in base R (tests/reference/survey/make_survey.R).  Pure C on
 * GSL, no Lua. */
#ifndef CSC_ALPHACI_H
#define CSC_ALPHACI_H

#include <stddef.h>

/* Feldt interval for alpha from n respondents and k items:
 *   lo = 1 - (1 - alpha) F(1 - a/2; n - 1, (n - 1)(k - 1)),
 *   hi = 1 - (1 - alpha) F(a/2;     n - 1, (n - 1)(k - 1)),
 * with a = 1 - conf_level and F(q; d1, d2) the F quantile.
 * GSL_EINVAL: n < 2, k < 2, alpha not finite or >= 1, conf_level outside (0, 1). */
int alphaci_feldt(double alpha, size_t n, size_t k, double conf_level, double *lo, double *hi);

#endif

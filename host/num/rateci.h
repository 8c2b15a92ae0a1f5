/* host/num/rateci.h -- confidence intervals for a count, a rate and a
 * proportion, and the control limits of a funnel plot.  Pure C on GSL
 * (chi-square and normal quantiles), no Lua; bound to Lua in
 * host/bind/lstats.c (host.stats.rate_ci, .wilson_ci, .funnel_limits).
 *
 * References: Garwood (1936) exact Poisson interval, as R poisson.test();
 * Byar's approximation (Breslow & Day 1987, vol. II, p. 69); Wilson (1927)
 * score interval without continuity correction, as R prop.test(correct =
 * FALSE); funnel limits as Spiegelhalter (2005) with the exact Poisson form
 * for rates and the Wilson form for proportions (the APHO/PHE funnel plot
 * tools). */
#ifndef CSC_RATECI_H
#define CSC_RATECI_H

enum rateci_method { RATECI_EXACT, RATECI_BYAR };

/* Interval for the mean of a Poisson count x >= 0 (a real number is
 * accepted; counts are whole in practice), two-sided at conf_level:
 *   exact: lo = qchisq((1 - c)/2, 2x)/2 (0 when x = 0),
 *          hi = qchisq((1 + c)/2, 2(x + 1))/2;
 *   Byar:  lo = x (1 - 1/(9x) - z/(3 sqrt x))^3 (0 when x = 0),
 *          hi = (x + 1) (1 - 1/(9(x + 1)) + z/(3 sqrt(x + 1)))^3.
 * A rate's interval is the count's times rate / count (or per / population).
 * Returns GSL_SUCCESS or GSL_EINVAL (x < 0, not finite, conf outside (0,1)). */
int rateci_poisson(double x, enum rateci_method m, double conf_level, double *lo, double *hi);

/* Wilson score interval for x successes of n (0 <= x <= n, n > 0):
 *   (2x + z^2 -+ z sqrt(z^2 + 4x(n - x)/n)) / (2(n + z^2)). */
int rateci_wilson(double x, double n, double conf_level, double *lo, double *hi);

/* Funnel-plot control limits at denominator n > 0 around the centre
 * (a proportion 0..1 or a rate per unit of n), two-sided at conf_level:
 *   proportion: the Wilson form with p0 in place of x/n,
 *     (2 n p0 + z^2 -+ z sqrt(z^2 + 4 n p0 (1 - p0))) / (2(n + z^2));
 *   rate: E = centre n expected events,
 *     lo = qchisq((1 - c)/2, 2E)/2 / n, hi = qchisq((1 + c)/2, 2E + 2)/2 / n.
 * Returns GSL_EINVAL for n <= 0, a proportion outside [0,1] or a negative rate. */
int rateci_funnel(int proportion, double centre, double n, double conf_level, double *lo,
                  double *hi);

#endif

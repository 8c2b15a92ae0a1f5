/* host/num/poly.h -- R's poly(): the coefficients of the orthogonal
 * polynomials of a variable (Stieltjes' three-term recurrence), for
 * poly(x, degree) terms in model formulas (lua/csc/formula.lua).  Pure C,
 * no Lua. */
#ifndef CSC_POLY_H
#define CSC_POLY_H

#include <stddef.h>

/* alpha[0..degree-1] and norm2[0..degree+1] (norm2[0] = 1, norm2[1] = n)
 * of the n values x, as R's poly() keeps in attr(, "coefs"): with xc =
 * x - mean(x), P_0 = 1, P_1 = xc - a_1, P_{j+1} = (xc - a_{j+1}) P_j -
 * (norm2[j+1] / norm2[j]) P_{j-1}, a_j = sum xc P_{j-1}^2 / norm2[j],
 * alpha_j = a_j + mean, norm2[j+1] = sum P_j^2.  The poly() columns are
 * P_j / sqrt(norm2[j+1]).  Sums run in row order, so the results are the
 * same bytes on every run.  Returns 0, or -1 when out of memory or n = 0. */
int poly_coefs(const double *x, size_t n, size_t degree, double *alpha, double *norm2);

/* How many distinct values x[0..n-1] has (no NaN) when that is at most
 * limit; otherwise some number above limit (a degree needs more distinct
 * values than itself, and the count is only reported when it has too
 * few).  Returns (size_t)-1 when out of memory. */
size_t poly_distinct(const double *x, size_t n, size_t limit);

#endif

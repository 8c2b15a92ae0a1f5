/* host/num/zeroin.h -- Brent's root finder, as R uniroot().  Pure C, no Lua.
 *
 * Forsythe, Malcolm & Moler (1977) zeroin: bisection combined with secant
 * and inverse quadratic interpolation on [a, b] where f(a), f(b) bracket a
 * root.  R's uniroot() runs the same algorithm with tol = eps^0.25 (about
 * 1.2e-4, ZEROIN_R_TOL) and maxiter = 1000.  Used by ctab.c (fisher.test's
 * odds ratio and its interval). */
#ifndef CSC_ZEROIN_H
#define CSC_ZEROIN_H

#include <float.h>
#include <math.h>

#define ZEROIN_R_TOL pow(DBL_EPSILON, 0.25)
#define ZEROIN_R_MAXITER 1000

typedef double (*zeroin_fn)(double t, void *ctx);

/* A root of f in [a, b], given fa = f(a) and fb = f(b) of opposite signs
 * (or one of them 0): the last iterate once the bracket is narrower than
 * 2 eps |b| + tol / 2, or after maxiter + 1 steps. */
double zeroin(double a, double b, double fa, double fb, double tol, int maxiter, zeroin_fn f,
              void *ctx);

#endif

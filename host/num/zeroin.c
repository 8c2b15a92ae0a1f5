/* host/num/zeroin.c -- Brent's root finder, as R uniroot() (zeroin.h). */
#include "zeroin.h"

#include <float.h>
#include <math.h>

double zeroin(double a, double b, double fa, double fb, double tol, int maxiter, zeroin_fn f,
              void *ctx) {
  if (fa == 0) return a;
  if (fb == 0) return b;
  double c = a, fc = fa;
  for (int it = 0; it <= maxiter; it++) {
    double prev = b - a;
    if (fabs(fc) < fabs(fb)) {   /* keep b the best guess, c on the other side */
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    double tol_act = 2 * DBL_EPSILON * fabs(b) + tol / 2;
    double step = (c - b) / 2;
    if (fabs(step) <= tol_act || fb == 0) return b;
    if (fabs(prev) >= tol_act && fabs(fa) > fabs(fb)) {
      double p, q, cb = c - b;
      if (a == c) {              /* secant */
        double t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {                   /* inverse quadratic interpolation */
        double qa = fa / fc, t1 = fb / fc, t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      /* accept the interpolated point only if it falls well inside [b, c]
       * and shrinks faster than the step before last; else bisect */
      if (p < 0.75 * cb * q - fabs(tol_act * q) / 2 && p < fabs(prev * q / 2)) step = p / q;
    }
    if (fabs(step) < tol_act) step = step > 0 ? tol_act : -tol_act;
    a = b;
    fa = fb;
    b += step;
    fb = f(b, ctx);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

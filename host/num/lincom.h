/* host/num/lincom.h -- inference on linear combinations of coefficients given
 * an estimate b and its covariance V: Wald/F tests of R b = r (Stata test,
 * R car::linearHypothesis), lincom (Stata lincom) and predictions with
 * standard errors.  Pure C on GSL, no Lua. */
#ifndef CSC_LINTEST_H
#define CSC_LINTEST_H

#include <stddef.h>

/* df: residual degrees of freedom for t and F laws (OLS/WLS, as Stata
 * regress); 0 or INFINITY selects the normal and chi-square laws (GLMs,
 * as Stata logit/poisson). */

struct lintest_wald {
  size_t q;        /* number of restrictions */
  double chi2;     /* W = (Rb - r)'(R V R')^-1 (Rb - r) */
  double p_chi2;   /* upper tail of chi-square(q) */
  double F;        /* W / q */
  double df1, df2; /* q, df (df2 is INFINITY when df is 0) */
  double p_F;      /* upper tail of F(q, df); equals p_chi2 when df2 is infinite */
};

/* Rm is q x k row-major (restriction i is row Rm[i*k .. i*k+k-1]), r has q
 * entries (NULL: zeros).  V is k x k.  Returns 0, GSL_EINVAL (q == 0), or
 * GSL_EDOM when R V R' is not positive definite (restrictions that are
 * linearly dependent, or on a coefficient with zero variance). */
int lintest_wald(const double *b, const double *V, size_t k, const double *Rm,
                 const double *r, size_t q, double df, struct lintest_wald *out);

struct lintest_lincom {
  double estimate;   /* c'b - c0 */
  double se;         /* sqrt(c'Vc) */
  double statistic;  /* estimate / se: t on df, or z */
  double df;         /* INFINITY for z */
  double p_value;    /* two-sided */
  double conf_low, conf_high;
};

/* A variance c'Vc whose size is within LINTEST_ZERO_VAR of the sum of its
 * terms' sizes, sum |c_a V_ab c_b|, is zero up to rounding: the terms
 * cancel.  V's entries carry relative errors of about k eps cond(X) (1e-12
 * for cond(X) up to 1e4 and k up to 50), so a quadratic form that
 * small has no correct digit, and its sign is noise.  It arises when the
 * combination rests only on observations the model fits exactly (e.g. the
 * slope of a segment of two periods with its own level and slope), where
 * every sandwich estimator gives exactly 0. */
#define LINTEST_ZERO_VAR 1e-10

/* c'Vc for the k weights c[0], c[stride], ... into *var: 0, with *var = 0
 * when it is zero up to rounding (above), or GSL_EDOM when it is negative
 * beyond rounding or NaN (V is not a covariance matrix). */
int lintest_var(const double *V, size_t k, const double *c, size_t stride, double *var);

/* lincom c'b - c0 with a level (e.g. 0.95) two-sided interval.  Returns 0
 * or GSL_EDOM when c'Vc is negative or NaN (an invalid covariance).  A
 * variance that is zero up to rounding gives se 0 and NaN statistic,
 * p-value and interval: there is nothing to test against. */
int lintest_lincom(const double *b, const double *V, size_t k, const double *c, double c0,
                   double df, double level, struct lintest_lincom *out);

/* Linear predictions x0'b with standard errors sqrt(x0'V x0) for the m rows
 * of X0 (m x k column-major).  fit and se have m entries.  Always 0. */
int lintest_predict(const double *b, const double *V, size_t k, const double *X0, size_t m,
                    double *fit, double *se);

/* Two-sided p-value and critical value for a statistic on df (0/INFINITY: normal). */
double lintest_p_two(double stat, double df);
double lintest_crit(double level, double df);

#endif

/* host/match/effect.h -- treatment effect after matching or weighting: the
 * weighted difference in means, optionally adjusted for covariates, from
 * the weighted least squares fit  y = a + b treat [+ Z c] [+ treat Z d]
 * (R: lm(y ~ treat + Z, weights = w)), with a standard error that respects
 * the design: cluster-robust on matched sets (sandwich::vcovCL, type HC1,
 * as MatchIt's vignette), heteroskedasticity-robust HC0/HC1/HC3
 * (sandwich::vcovHC), or survey::svyglm's (HC0 times n/(n - 1)).  b is the
 * effect; with interactions the covariates are centred on the target
 * group's weighted means, which makes b the g-computation (regression
 * estimation) average effect in that group.  Optionally the control group's
 * outcomes are multiplied by a trend ratio first.  Pure C on GSL, no Lua;
 * uses ols.c, vcov.c and lincom.c; bound by host/bind/lmatch.c. */
#ifndef CSC_EFFECT_H
#define CSC_EFFECT_H

#include <stddef.h>

enum effect_vcov {
  EFFECT_CR1 = 0,   /* clusters (matched sets): G/(G-1) (n-1)/(n-k), vcovCL */
  EFFECT_HC0, EFFECT_HC1, EFFECT_HC3,
  EFFECT_SVY,       /* HC0 * n/(n - 1): survey::svyglm with ids = ~1 */
  EFFECT_CLASSICAL  /* sigma^2 (X'WX)^-1, lm's vcov() */
};

enum effect_target { EFFECT_ATT = 0, EFFECT_ATE, EFFECT_ATC };

struct effect_spec {
  size_t n;
  const double *y;              /* n outcomes (finite) */
  const unsigned char *treat;   /* n, 0/1 */
  const double *w;              /* n weights or NULL; rows with w <= 0 are left out */
  const double *Z;              /* n x q column-major adjustment covariates, or NULL */
  size_t q;
  int interact;                 /* add treat x (Z - target mean) */
  enum effect_target target;    /* group whose weighted means centre Z */
  const size_t *cluster;        /* n ids in 0..G-1 (EFFECT_CR1), or NULL */
  size_t G;
  enum effect_vcov vcov;
  double rescale_control;       /* multiplies control outcomes (1: none) */
  double level;                 /* of the interval, e.g. 0.95 */
  int normal;                   /* z instead of t on the residual df */
};

struct effect_result {
  double estimate, se, statistic, df, p_value, conf_low, conf_high;
  double mean[2];               /* weighted outcome means, [0] control, after rescaling */
  double sum_w[2];
  size_t n_used, n_group[2], G_used, k;
  size_t bad_col;               /* on GSL_ESING: the collinear design column
                                   (0 intercept, 1 treat, 2.. Z, then treat x Z) */
};

/* Returns 0, or GSL_EINVAL (a group empty, too few clusters, bad option:
 * message in err), GSL_ESING (covariates collinear: err names the column
 * index), GSL_EDOM, GSL_ENOMEM. */
int effect_estimate(const struct effect_spec *s, struct effect_result *r, char *err,
                    size_t errlen);

#endif

/* host/num/scale.h -- scale reliability and correlation: Cronbach's alpha (raw
 * and standardised, as psych::alpha), Pearson and Spearman correlation
 * tests as R cor.test().  Pure C on GSL, no Lua. */
#ifndef CSC_SCALE_H
#define CSC_SCALE_H

#include <stddef.h>

#include "alt.h"

struct scale_alpha {
  double raw_alpha;   /* k/(k-1) (1 - sum var_i / var(total)) from covariances */
  double std_alpha;   /* the same from the correlation matrix */
  double average_r;   /* mean off-diagonal correlation */
  size_t n_items, n_obs;
};

/* Cronbach's alpha of x, n_obs rows by n_items columns stored row-major
 * (x[i * n_items + j] is item j of respondent i), complete cases only.
 * GSL_EINVAL: n_items < 2, n_obs < 2 or non-finite data; GSL_EDOM: an item
 * with zero variance (std_alpha undefined) or zero total variance;
 * GSL_ENOMEM. */
int scale_cronbach(const double *x, size_t n_obs, size_t n_items, struct scale_alpha *a);

/* SCALE_SPEARMAN_AUTO: R's default (AS 89 unless there are ties);
 * SCALE_SPEARMAN_T: the t approximation; SCALE_SPEARMAN_AS89: AS 89 (it
 * still falls back to t with ties or n > 1290, as R). */
enum { SCALE_SPEARMAN_AUTO = -1, SCALE_SPEARMAN_T = 0, SCALE_SPEARMAN_AS89 = 1 };

struct scale_cor {
  double estimate;      /* r or rho */
  double statistic;     /* t (Pearson) or S = (n^3 - n)(1 - rho)/6 (Spearman) */
  double df;            /* n - 2 (Pearson); NaN for Spearman */
  double p_value;
  double conf_int[2];   /* Fisher-z interval (Pearson, n > 3); NaN otherwise */
  int exact;            /* Spearman: 1 if AS 89 was used */
  int ties;             /* Spearman: 1 if x or y has ties */
};

/* R cor.test(x, y, method = "pearson").  GSL_EINVAL: n < 3, non-finite
 * data, conf_level outside (0, 1); GSL_EDOM: x or y constant. */
int scale_pearson(const double *x, const double *y, size_t n, enum stats_alt alt,
                  double conf_level, struct scale_cor *r);
/* R cor.test(x, y, method = "spearman", exact = ...).  GSL_EINVAL: n < 2
 * or non-finite data; GSL_EDOM: x or y constant, or n = 2 with ties
 * (no test possible); GSL_ENOMEM. */
int scale_spearman(const double *x, const double *y, size_t n, enum stats_alt alt,
                   int exact, struct scale_cor *r);

/* AS 89 upper tail of Spearman's S as R's C_pRho: P(S >= is), or P(S < is)
 * with lower = 1; exact enumeration of the n! permutations for n <= 9,
 * Edgeworth series beyond. */
double scale_prho(size_t n, double is, int lower);

#endif

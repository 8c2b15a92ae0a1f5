/* host/match/ipw.h -- inverse probability of treatment weights from a propensity
 * score: ATT, ATC and ATE weights (Rosenbaum 1987; Hirano, Imbens & Ridder
 * 2003), stabilisation, trimming units by propensity-score quantiles,
 * truncating weights at quantiles, Kish's effective sample size, common
 * support and a histogram of scores by group.  Pure C, no Lua; bound by
 * host/bind/lmatch.c.  Definitions in docs/methods/matching.md. */
#ifndef CSC_IPW_H
#define CSC_IPW_H

#include <stddef.h>

enum ipw_estimand { IPW_ATT = 0, IPW_ATE, IPW_ATC };

struct ipw_opts {
  enum ipw_estimand estimand;
  int stabilize;        /* multiply each group's weights by its share of the
                           units kept (Robins, Hernan & Brumback 2000 for the
                           ATE; the same rescaling for ATT/ATC) */
  double trim_lo, trim_hi;   /* drop units whose score is below the trim_lo
                                or above the trim_hi quantile of all scores
                                (R quantile type 7); NaN: no limit */
  double trunc_lo, trunc_hi; /* set weights below / above these quantiles of
                                their group's weights to the quantile
                                (winsorising); NaN: no limit */
  size_t nbins;              /* histogram bins of width 1/nbins on [0, 1] */
};

struct ipw_group {
  size_t n;             /* units in the group */
  size_t n_kept;        /* not trimmed */
  double sum_w, sum_w2; /* over kept units */
  double ess;           /* Kish: (sum w)^2 / sum w^2 */
  double w_min, w_max;
  double ps_min, ps_max;/* over all units of the group */
  size_t n_outside;     /* units outside the common support */
  size_t n_truncated;
};

struct ipw_result {
  size_t n;
  double *w;                  /* n: weights, 0 for trimmed units */
  unsigned char *trimmed;     /* n */
  struct ipw_group g[2];      /* [0] control, [1] treated */
  double support_lo, support_hi;   /* [max of the group minima, min of the maxima] */
  double trim_ps_lo, trim_ps_hi;   /* score limits applied (-inf / +inf: none) */
  double trunc_w[2][2];            /* [group][lo, hi] weight limits applied */
  size_t nbins;
  size_t *bin_n[2];           /* nbins counts per group (all units) */
  double *bin_w[2];           /* nbins: weighted share of the group's kept units */
};

/* Weights for scores ps (strictly inside (0, 1)) and groups treat (0/1).
 * Returns 0, GSL_EDOM (a score outside (0, 1): err names the row),
 * GSL_EINVAL (a bad option, or a group left empty), GSL_ENOMEM.  Pair with
 * ipw_result_fini (safe on a zeroed or failed result). */
int ipw_weights(const double *ps, const unsigned char *treat, size_t n,
                const struct ipw_opts *o, struct ipw_result *r, char *err, size_t errlen);
void ipw_result_fini(struct ipw_result *r);

/* R's quantile(x, p, type = 7) of the m values x (sorted in place). */
double ipw_quantile7(double *x, size_t m, double p);

#endif

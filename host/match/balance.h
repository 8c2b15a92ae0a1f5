/* host/match/balance.h -- covariate balance between two groups before and after
 * matching or weighting: group means, standardised mean differences and
 * variance ratios, as R cobalt::bal.tab by default.  Pure C, no Lua; bound
 * by host/bind/lmatch.c.  Conventions in docs/methods/matching.md ("Balance").
 *
 * The SMD denominator is computed once, from the unadjusted sample (with
 * base weights if given), and reused after adjustment, so that a change in
 * the SMD is a change in the mean difference only (cobalt; Stuart 2010):
 *   treated SD   (cobalt's default for the ATT),
 *   control SD   (ATC),
 *   pooled       sqrt((s1^2 + s0^2) / 2)   (ATE; also Stata pstest/kmatch).
 * Variances are weighted, "unbiased":  sum w (x - m)^2 / (sum w - sum w^2 /
 * sum w), which is the n - 1 formula for equal weights; for a binary (0/1)
 * covariate cobalt uses m (1 - m) instead (BALANCE_VAR_COBALT), Stata's
 * summarize-based tables the n - 1 formula (BALANCE_VAR_SAMPLE). */
#ifndef CSC_BALANCE_H
#define CSC_BALANCE_H

#include <stddef.h>
#include <stdint.h>

enum balance_sd { BALANCE_SD_TREATED = 0, BALANCE_SD_CONTROL, BALANCE_SD_POOLED };
enum balance_var { BALANCE_VAR_COBALT = 0, BALANCE_VAR_SAMPLE };

struct balance_opts {
  enum balance_sd sd;
  enum balance_var var;
  int binary_raw;        /* binary covariates: raw difference in proportions
                            instead of the SMD (cobalt's binary = "raw") */
};

/* One covariate.  Index [0] is the control group, [1] the treated. */
struct balance_stat {
  int binary;            /* every value is 0 or 1 */
  size_t n[2];           /* units with a value */
  double mean[2], var[2];          /* unadjusted */
  double mean_adj[2], var_adj[2];  /* adjusted (NaN when no adjustment) */
  double sd_denom;       /* from the unadjusted sample, see above */
  double diff, diff_adj; /* mean[1] - mean[0] */
  double smd, smd_adj;   /* diff / sd_denom (raw diff for binary_raw binaries;
                            NaN when sd_denom is 0) */
  double vr, vr_adj;     /* var[1] / var[0]; NaN for binaries (cobalt) */
  double ess_adj[2];     /* Kish effective sizes of the adjusted groups */
};

/* Balance of x (NaN values are skipped) between treat groups.  base: base
 * weights for the unadjusted sample (NULL: 1).  adj: matching or IPW
 * weights (NULL: no adjusted columns; 0 leaves a unit out).  Returns 0, or
 * GSL_EINVAL when a group has no value (err says which). */
int balance_covariate(const double *x, const unsigned char *treat, const double *base,
                      const double *adj, size_t n, const struct balance_opts *o,
                      struct balance_stat *out, char *err, size_t errlen);

/* The same for a column of whole numbers (every value present), read in
 * place: the same figures, to the bit, as for its values converted to
 * doubles. */
int balance_covariate_i64(const int64_t *x, const unsigned char *treat, const double *base,
                          const double *adj, size_t n, const struct balance_opts *o,
                          struct balance_stat *out, char *err, size_t errlen);

#endif

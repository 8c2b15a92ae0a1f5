/* host/num/ranktest.h -- Wilcoxon rank-sum (Mann-Whitney) and signed-rank
 * tests as R wilcox.test(): exact null distribution for small samples
 * without ties, normal approximation with tie and continuity corrections
 * otherwise.  Pure C on GSL, no Lua. */
#ifndef CSC_RANKTEST_H
#define CSC_RANKTEST_H

#include <stddef.h>

#include "alt.h"

/* exact: RANKTEST_AUTO is R's exact = NULL (exact when every sample has
 * fewer than 50 values); an exact request falls back to the normal
 * approximation when there are ties (or zeros, signed-rank), as R does. */
enum { RANKTEST_AUTO = -1, RANKTEST_APPROX = 0, RANKTEST_EXACT = 1 };

struct ranktest_result {
  double statistic;     /* W (rank-sum, R's W = U of x) or V (signed-rank) */
  double p_value;
  double z;             /* standardised statistic of the approximation; NaN if exact */
  double correction;    /* continuity correction applied (0, +-0.5) */
  int exact;            /* 1 if the exact distribution was used */
  int ties;             /* 1 if tied ranks were present */
  int zeros;            /* signed-rank: 1 if zero differences were dropped */
  size_t n[2];          /* values used: nx, ny (rank-sum) or non-zero n, 0 */
};

/* Average ranks (R rank(x, ties.method = "average")) into rank[0..n-1].
 * Returns GSL_ENOMEM if scratch memory cannot be had. */
int ranktest_rank(const double *x, size_t n, double *rank);

/* R wilcox.test(x, y, mu, alternative, exact, correct): W = sum of ranks
 * of x - mu in the pooled sample minus nx (nx + 1)/2.  Needs nx, ny >= 1
 * and finite data (GSL_EINVAL); GSL_EDOM if every value is tied (the
 * approximation's variance is 0); GSL_ENOMEM. */
int ranktest_ranksum(const double *x, size_t nx, const double *y, size_t ny, double mu,
                     enum stats_alt alt, int exact, int correct,
                     struct ranktest_result *r);

/* R wilcox.test(x, mu = mu, ...) (signed-rank): zeros of x - mu are
 * dropped, V = sum of ranks of |x - mu| over positive differences.
 * GSL_EINVAL for n == 0 or non-finite data, GSL_EDOM if all differences
 * are zero, GSL_ENOMEM. */
int ranktest_signed(const double *x, size_t n, double mu, enum stats_alt alt,
                    int exact, int correct, struct ranktest_result *r);

/* R wilcox.test(x, y, paired = TRUE, ...): signed-rank test on x - y. */
int ranktest_paired(const double *x, const double *y, size_t n, double mu,
                    enum stats_alt alt, int exact, int correct,
                    struct ranktest_result *r);

/* Exact null CDFs, as R pwilcox/psignrank: P(W <= q) for the rank-sum
 * statistic of samples of sizes m and n, P(V <= q) for the signed-rank
 * statistic on n values; upper = 1 gives P(. > q).  Counts are built by
 * dynamic programming in doubles; NaN if memory cannot be had. */
double ranktest_pwilcox(double q, size_t m, size_t n, int upper);
double ranktest_psignrank(double q, size_t n, int upper);

#endif

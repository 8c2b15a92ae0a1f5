/* host/match/match.h -- greedy nearest-neighbour matching as R MatchIt 4.5.1
 * (matchit(method = "nearest")): on a distance score (propensity score or its
 * linear predictor) or by (weighted) Mahalanobis distance with the pooled
 * within-group covariance; k:1, with or without replacement, exact strata,
 * calipers in SD units, matching order data / largest / smallest / random.
 * Pure C on GSL status codes, no Lua.  Bound by host/bind/lmatch.c.
 *
 * Files: match.c (entry, orders, weights, subclasses), match_score.c (the
 * sorted-score search MatchIt uses for a score), match_nn.c (the general
 * search MatchIt uses for Mahalanobis), match_maha.c (the distance),
 * match_kd.c (k-d tree of controls), match_rng.c (R's random numbers).
 * Memory is O(n + n1 * ratio): distances are computed per treated unit on
 * the fly, never as an n1 x n0 matrix.  Covariates can be read in place
 * (xcol: the frame's own float64 or int64 columns, no copy); beyond them a
 * Mahalanobis match holds about 4 + 4 + 1 + 4 x (rank) bytes a control (row
 * index, treated index, live flag, single-precision tree coordinates) and
 * 12 bytes a row of result (weights, subclass), and each treated unit's
 * list of candidates, 12 x (2 ratio + 2) bytes (match_nn.c); row indices
 * are 32-bit, so n must stay below 2^32 - 1.  docs/methods/matching.md has the
 * definitions and where they differ from MatchIt (ties under rounding). */
#ifndef CSC_MATCH_H
#define CSC_MATCH_H

#include <stddef.h>
#include <stdint.h>

#define MATCH_NONE ((size_t)-1)

/* Order in which treated units choose their controls.  MatchIt's default
 * is LARGEST for a score and DATA for Mahalanobis without a score; with
 * replacement the order cannot matter and DATA is used (match_default_order). */
enum match_order { MATCH_DATA = 0, MATCH_LARGEST, MATCH_SMALLEST, MATCH_RANDOM };

/* A covariate column read in place: exactly one of f64 and i64 is set, n
 * values (an int64 value v reads as (double)v, as a gathered copy would). */
struct match_col {
  const double *f64;
  const int64_t *i64;
};

struct match_spec {
  size_t n;                        /* rows */
  const unsigned char *treat;      /* n: 1 focal (treated), 0 control */
  const unsigned char *discarded;  /* n or NULL: rows that may not be matched */
  /* Distance.  With X == NULL the distance is |score_t - score_c| (MatchIt's
   * vector path).  With X it is the Mahalanobis distance on the p columns of
   * X, and score (if any) serves only the caliper and the order (MatchIt's
   * mahvars). */
  const double *score;             /* n or NULL */
  const double *X;                 /* n x p column-major, or NULL */
  const struct match_col *xcol;    /* or (with X NULL) p columns read in place */
  size_t p;
  const double *xweights;          /* p or NULL: per-covariate weights >= 0 */
  const int32_t *exact;            /* n stratum codes >= 0, or NULL.  For the
                                      random order, strata take their draws in
                                      increasing code order (as R's levels) */
  size_t ratio;                    /* controls per treated unit, >= 1 */
  int replace;                     /* controls may be reused */
  enum match_order order;
  uint32_t seed;                   /* MATCH_RANDOM: the seed of R's set.seed() */
  double caliper;                  /* on the score; NaN or <= 0: none */
  int caliper_std;                 /* caliper in SDs of the score (R sd() over
                                      rows not discarded), as std.caliper = TRUE */
  const double *cal_X;             /* n x ncal column-major: caliper covariates */
  size_t ncal;
  const double *cal_width;         /* ncal widths > 0 */
  const unsigned char *cal_std;    /* ncal flags (NULL: all 1): width in SDs */
};

struct match_result {
  size_t n, n1, ratio;
  size_t *treated;     /* n1: rows of the focal units, in row order */
  size_t *mm;          /* n1 x ratio row-major: mm[i * ratio + j] is the row of
                          treated[i]'s j-th control or MATCH_NONE (MatchIt's
                          match.matrix; j is the round without replacement) */
  double *dist;        /* n1 x ratio: distance of each pair (|score difference|
                          or Mahalanobis distance), NaN where mm is MATCH_NONE */
  double *weights;     /* n: matching weights as MatchIt (see match.c) */
  uint32_t *subclass;  /* n: 1..nsub, 0 unmatched; NULL with replacement */
  size_t nsub;
  size_t n1_matched, n0_matched;
  double caliper;      /* caliper on the score in score units, NaN if none */
  double *cal_raw;     /* ncal covariate caliper widths in data units */
  size_t maha_rank;    /* rank of the pooled covariance used (Mahalanobis) */
  size_t maha_dropped; /* covariates with no variance, left out (as MatchIt) */
  int maha_pinv;       /* 1 when the generalised inverse was used */
};

/* Match.  Returns 0, or GSL_EINVAL (bad spec: message in err), GSL_EDOM (a
 * non-finite value; err names the row and column), GSL_ENOMEM.  Pair with
 * match_result_fini (safe on a zeroed or failed result). */
int match_nearest(const struct match_spec *s, struct match_result *r, char *err,
                  size_t errlen);
void match_result_fini(struct match_result *r);

/* MatchIt's default order for a spec: DATA with replacement or without a
 * score, else LARGEST (SMALLEST for the ATC, where the caller flips treat). */
enum match_order match_default_order(const struct match_spec *s, int atc);

/* Common support on the score, as MatchIt's discard option: mark in
 * discarded[] (n) the rows outside the overlap of the two groups' score
 * ranges: MATCH_DISCARD_BOTH drops both groups' rows outside
 * [max of the minima, min of the maxima]; _CONTROL drops controls outside the
 * treated range; _TREATED drops treated outside the control range.  Returns
 * how many rows were marked. */
enum match_discard { MATCH_DISCARD_NONE = 0, MATCH_DISCARD_BOTH, MATCH_DISCARD_CONTROL,
                     MATCH_DISCARD_TREATED };
size_t match_discard(const double *score, const unsigned char *treat, size_t n,
                     enum match_discard how, unsigned char *discarded);

/* Sample standard deviation (n - 1) of x over rows not discarded: R sd(). */
double match_sd(const double *x, size_t n, const unsigned char *discarded);

/* ===== R's random numbers (match_rng.c) =====
 * Mersenne-Twister with R's seeding (set.seed) and R >= 3.6 sampling
 * ("Rejection"), so that a permutation equals R's sample.int(n). */
struct match_rng {
  uint32_t mt[625];    /* mt[0] is R's position counter, mt[1..624] the state */
};
void match_rng_seed(struct match_rng *g, uint32_t seed);   /* set.seed(seed) */
double match_rng_unif(struct match_rng *g);                /* unif_rand() */
double match_rng_index(struct match_rng *g, double dn);    /* R_unif_index(dn) */
/* perm[0..n-1] = sample.int(n) - 1.  work has n entries. */
void match_rng_perm(struct match_rng *g, size_t n, size_t *perm, size_t *work);

#endif

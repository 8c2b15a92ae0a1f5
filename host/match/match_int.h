/* host/match/match_int.h -- shared between the match_*.c files; not for other
 * modules.  The Mahalanobis distance (match_maha.c), the k-d tree of
 * controls (match_kd.c), and the two searches (match_score.c, match_nn.c)
 * that fill a match matrix for the entry point in match.c. */
#ifndef CSC_MATCH_INT_H
#define CSC_MATCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"

/* A value of a covariate column read in place (match.h). */
static inline double match_col_get(const struct match_col *c, size_t i) {
  return c->f64 ? c->f64[i] : (double)c->i64[i];
}

/* ===== Mahalanobis distance (match_maha.c) =====
 * d(a, b)^2 = u' T'T u with u_j = c_j (x_aj - x_bj), c_j = sqrt(w_j) / sd_j:
 * T'T is the inverse of the pooled within-group covariance S of the
 * standardised covariates (T = L^-1 from the Cholesky factor S = LL'), or
 * its generalised inverse when S is (nearly) singular, as MatchIt.  u is
 * formed from the raw differences, so d(a, b) and d(a, b') are bit-equal
 * whenever x_b - x_a = x_a - x_b' (mirror-image ties on discrete data).
 * The covariates are read where they are (the spec's X or xcol). */
struct match_maha {
  size_t p;          /* covariates kept (those with variance) */
  struct match_col *x; /* p: the kept columns, read in place */
  double *c;         /* p: sqrt(w_j) / sd_j */
  double *mean;      /* p: column means (centre of the tree coordinates) */
  size_t r;          /* rank used: rows of T */
  double *T;         /* r x p row-major */
  int lower;         /* T is lower triangular (Cholesky) */
  int pinv;          /* generalised inverse used */
  size_t dropped;    /* columns without variance */
};

int match_maha_init(struct match_maha *m, const struct match_spec *s, char *err, size_t errlen);
void match_maha_fini(struct match_maha *m);
/* Tree coordinates of row i: z = T (c o (x_i - mean)), r entries.
 * ||z_a - z_b|| equals d(a, b) up to rounding.  work has p entries.
 * Returns the sum of |terms| in the row's coordinates, which bounds their
 * rounding (the tree's pruning margin is set from it). */
double match_maha_row(const struct match_maha *m, size_t i, double *z, double *work);
/* d(a, b)^2 exactly as defined above.  work has p entries. */
double match_maha_d2(const struct match_maha *m, size_t a, size_t b, double *work);

/* ===== k-d tree over one stratum's controls (match_kd.c) =====
 * Points can be switched off (used controls); every node counts its live
 * points so that searches skip empty subtrees.  The tree holds the points'
 * coordinates in single precision, in leaf order, and only prunes: every
 * candidate that could win is scored with the caller's exact distance (in
 * double), and searches return the candidates smallest in (exact distance,
 * row): ties go to the lower row, whatever the tree's shape. */
struct match_kd_node {
  uint32_t lo, hi;   /* points at positions lo..hi-1 */
  uint32_t kids;     /* the two children are kids and kids + 1 (0: a leaf) */
  uint32_t live;     /* live points below (never fewer: match_kd_kill) */
};

struct match_kd {
  size_t dim, m, nnode;
  float *zc;               /* m x dim: the points' coordinates in leaf order */
  uint32_t *pt;            /* m: the points' rows in leaf order */
  unsigned char *alive;    /* m, by position: KD_LIVE, and KD_SAME when the
                              point's covariates equal the previous position's */
  unsigned char *rec;      /* once built: each node followed by its box (2 * dim
                              floats: lower bounds, then upper bounds), stride
                              bytes apart, so a search reads one cache line
                              or two for a node and its sibling */
  size_t stride;
  double margin;           /* slack on squared distances: rounding of the
                              double coordinates against the exact distance */
  double fslack;           /* bound on ||z - (float)z|| over the points
                              (INFINITY: no pruning at all) */
  size_t pending;          /* points switched off since the live counts
                              were last brought up to date */
  /* Optional, set by the caller after building: asks for the data that the
   * exact distance to row `row` reads (a hint, no effect on results). */
  void (*prefetch)(const void *pctx, size_t row);
  const void *pctx;
};

#define KD_LIVE 1u
#define KD_SAME 2u

/* Eligibility beyond being alive (calipers).  Return nonzero to accept. */
typedef int (*match_kd_filter)(const void *ctx, size_t t, size_t row);

/* Distance callback: exact squared distance between rows t and c. */
typedef double (*match_kd_dist)(const void *ctx, size_t t, size_t c);

/* Build over m points: rows[] and zc[] (m x dim, the same order) are taken
 * over by the tree (reordered, freed by match_kd_free, also on failure).
 * fslack as in struct match_kd. */
int match_kd_build(struct match_kd *kd, size_t dim, uint32_t *rows, float *zc, size_t m,
                   double margin, double fslack);
void match_kd_free(struct match_kd *kd);
/* Within each leaf the points are in order of their coordinates, then of
 * row, so points with equal coordinates sit together, lowest row first.
 * Mark with KD_SAME each point whose covariates equal those of the point
 * before it (same(ctx, row_a, row_b) nonzero): a search that finds such a
 * point no better than the one before skips it, since its exact distance
 * is the same and its row higher.  This keeps the work per search bounded
 * when many controls are exact duplicates (discrete data at scale). */
typedef int (*match_kd_same)(const void *ctx, size_t row_a, size_t row_b);
/* On threads (same must be safe to call from several); returns 0 or
 * GSL_ENOMEM. */
int match_kd_mark_same(struct match_kd *kd, match_kd_same same, const void *ctx);
/* Switch the point at position pos off.  It is skipped at once; the nodes'
 * live counts (which only let a search skip emptied subtrees) are brought
 * up to date in one bottom-up pass once m / 16 + 64 points have been
 * switched off since the last, so a switch costs O(1) amortised instead of
 * a walk from the root (a cache miss a level at national scale), and the
 * counts never undercount. */
void match_kd_kill(struct match_kd *kd, size_t pos);
/* Up to k live points accepted by filter nearest to row t (tree
 * coordinates zt, dim doubles), ascending in (distance, row), as positions
 * in out_pos[] with squared distances in out_d2[]; returns how many (fewer
 * than k when fewer qualify). */
size_t match_kd_knn(const struct match_kd *kd, const double *zt, size_t t, size_t k,
                    match_kd_dist dist, match_kd_filter filter, const void *ctx, size_t *out_pos,
                    double *out_d2);

/* ===== the two searches =====
 * Both fill r->mm for the treated units of one stratum.  units[] lists the
 * stratum's rows (any order), ord[] its treated rows in matching order;
 * match_tix(r, row) is a treated row's index among all treated units. */
struct match_work {
  const struct match_spec *s;
  struct match_result *r;
  double caliper;          /* on the score, raw units; NaN: none */
  const double *cal_raw;   /* ncal raw widths */
  const struct match_maha *maha;
  uint32_t *tpos;          /* n1 scratch shared by the strata */
};

/* Index of treated row `row` in r->treated (increasing): a binary search,
 * so that no array over all rows is needed for it. */
static inline size_t match_tix(const struct match_result *r, size_t row) {
  size_t lo = 0, hi = r->n1;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->treated[mid] <= row) lo = mid;
    else hi = mid;
  }
  return lo;
}

/* The stratum's rows: units[q], or q itself when units is NULL (no exact
 * strata: every row, in order). */
static inline size_t match_unit(const uint32_t *units, size_t q) {
  return units ? units[q] : q;
}

/* MatchIt's sorted-score search (nn_matchC_vec). */
int match_score_stratum(const struct match_work *w, const uint32_t *units, size_t nu,
                        const size_t *ord, size_t nord);
/* MatchIt's general search (nn_matchC) with Mahalanobis distances. */
int match_nn_stratum(const struct match_work *w, const uint32_t *units, size_t nu,
                     const size_t *ord, size_t nord);

/* Covariate calipers: 1 when row c is within every caliper of row t. */
int match_cal_ok(const struct match_work *w, size_t t, size_t c);

#endif

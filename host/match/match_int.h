/* host/match/match_int.h -- shared between the match_*.c files; not for other
 * modules.  The Mahalanobis distance (match_maha.c), the k-d tree of
 * controls (match_kd.c), and the two searches (match_score.c, match_nn.c)
 * that fill a match matrix for the entry point in match.c. */
#ifndef CSC_MATCH_INT_H
#define CSC_MATCH_INT_H

#include <stddef.h>

#include "match.h"

/* ===== Mahalanobis distance (match_maha.c) =====
 * d(a, b)^2 = u' T'T u with u_j = c_j (x_aj - x_bj), c_j = sqrt(w_j) / sd_j:
 * T'T is the inverse of the pooled within-group covariance S of the
 * standardised covariates (T = L^-1 from the Cholesky factor S = LL'), or
 * its generalised inverse when S is (nearly) singular, as MatchIt.  u is
 * formed from the raw differences, so d(a, b) and d(a, b') are bit-equal
 * whenever x_b - x_a = x_a - x_b' (mirror-image ties on discrete data). */
struct match_maha {
  size_t p;          /* covariates kept (those with variance) */
  size_t *col;       /* p: their columns in X */
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
/* Tree coordinates z_i = T (c o (x_i - mean)) for every row: n x r row-major.
 * ||z_a - z_b|| equals d(a, b) up to rounding.  work has p entries.
 * Returns the largest sum of |terms| in a row's coordinates, which bounds
 * their rounding (the tree's pruning margin is set from it). */
double match_maha_coords(const struct match_maha *m, const double *X, size_t n, double *z,
                         double *work);
/* d(a, b)^2 exactly as defined above.  work has 2p entries. */
double match_maha_d2(const struct match_maha *m, const double *X, size_t n, size_t a, size_t b,
                     double *work);

/* ===== k-d tree over one stratum's controls (match_kd.c) =====
 * Points can be switched off (used controls); every node counts its live
 * points so that searches skip empty subtrees.  Searches return the
 * candidates smallest in (exact distance, row): ties go to the lower row. */
struct match_kd_node {
  size_t lo, hi;     /* points pt[lo..hi-1] */
  size_t left, right;/* children (0: leaf; node 0 is the root) */
  size_t parent;
  size_t live;
  double *box;       /* 2 * dim: lower bounds then upper bounds */
};

struct match_kd {
  size_t dim, m, nnode, capnode;
  const double *z;         /* n x dim row-major coordinates of all rows */
  double *zc;              /* m x dim: the points' coordinates in leaf order */
  size_t *pt;              /* m rows in leaf order */
  unsigned char *alive;    /* m, by position in pt */
  size_t *leaf_of;         /* m: leaf node of each position */
  struct match_kd_node *node;
  double *boxes;
  double margin;           /* absolute slack when pruning (rounding of z) */
};

/* Eligibility beyond being alive (calipers).  Return nonzero to accept. */
typedef int (*match_kd_filter)(const void *ctx, size_t t, size_t row);

/* Distance callback: exact squared distance between rows t and c. */
typedef double (*match_kd_dist)(const void *ctx, size_t t, size_t c);

int match_kd_build(struct match_kd *kd, const double *z, size_t dim, const size_t *rows, size_t m);
void match_kd_free(struct match_kd *kd);
/* Switch the point at position pos off. */
void match_kd_kill(struct match_kd *kd, size_t pos);
/* Up to k live points accepted by filter nearest to row t, ascending in
 * (distance, row), as positions in out_pos[] with squared distances in
 * out_d2[]; returns how many (fewer than k when fewer qualify). */
size_t match_kd_knn(const struct match_kd *kd, size_t t, size_t k, match_kd_dist dist,
                    match_kd_filter filter, const void *ctx, size_t *out_pos, double *out_d2);

/* ===== the two searches =====
 * Both fill r->mm for the treated units of one stratum.  units[] lists the
 * stratum's rows (any order), ord[] its treated rows in matching order;
 * tix[row] is the row's index among all treated units (r->treated). */
struct match_work {
  const struct match_spec *s;
  struct match_result *r;
  const size_t *tix;       /* n: treated index of each treated row */
  double caliper;          /* on the score, raw units; NaN: none */
  const double *cal_raw;   /* ncal raw widths */
  const struct match_maha *maha;
  const double *z;         /* tree coordinates (Mahalanobis) */
  double zmargin;          /* pruning slack for the tree (match_kd.c) */
  size_t *tpos;            /* n1 scratch shared by the strata */
};

/* MatchIt's sorted-score search (nn_matchC_vec). */
int match_score_stratum(const struct match_work *w, const size_t *units, size_t nu,
                        const size_t *ord, size_t nord);
/* MatchIt's general search (nn_matchC) with Mahalanobis distances. */
int match_nn_stratum(const struct match_work *w, const size_t *units, size_t nu,
                     const size_t *ord, size_t nord);

/* Covariate calipers: 1 when row c is within every caliper of row t. */
int match_cal_ok(const struct match_work *w, size_t t, size_t c);

#endif

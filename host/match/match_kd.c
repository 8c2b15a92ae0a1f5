/* host/match/match_kd.c -- a k-d tree (Bentley 1975; Friedman, Bentley & Finkel
 * 1977) over the controls of one stratum, in the coordinates where the
 * Mahalanobis distance is Euclidean, so a treated unit finds its nearest
 * available controls without a distance to every control.  Controls that
 * have been used are switched off and every node counts its live points, so
 * a search skips exhausted regions.  The tree only prunes: every candidate
 * that could win is scored with the caller's exact distance, and the winner
 * is the smallest (distance, row), so results do not depend on the tree's
 * shape.  Pure C, no Lua. */
#include "match_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "data/mem.h"

#define KD_LEAF 8

static double *node_box(const struct match_kd *kd, size_t i) { return kd->boxes + 2 * kd->dim * i; }

static int new_node(struct match_kd *kd, size_t lo, size_t hi, size_t parent, size_t *out) {
  if (kd->nnode == kd->capnode) {
    size_t cap = kd->capnode ? 2 * kd->capnode : 64;
    struct match_kd_node *nn = realloc(kd->node, cap * sizeof *nn);
    if (nn == NULL) return GSL_ENOMEM;
    kd->node = nn;
    double *nb = realloc(kd->boxes, cap * 2 * (kd->dim ? kd->dim : 1) * sizeof *nb);
    if (nb == NULL) return GSL_ENOMEM;
    kd->boxes = nb;
    kd->capnode = cap;
  }
  size_t i = kd->nnode++;
  struct match_kd_node *nd = &kd->node[i];
  nd->lo = lo;
  nd->hi = hi;
  nd->left = nd->right = 0;
  nd->parent = parent;
  nd->live = hi - lo;
  double *b = node_box(kd, i);
  for (size_t a = 0; a < kd->dim; a++) {
    b[a] = INFINITY;
    b[kd->dim + a] = -INFINITY;
  }
  for (size_t q = lo; q < hi; q++) {
    const double *z = kd->z + kd->pt[q] * kd->dim;
    for (size_t a = 0; a < kd->dim; a++) {
      if (z[a] < b[a]) b[a] = z[a];
      if (z[a] > b[kd->dim + a]) b[kd->dim + a] = z[a];
    }
  }
  *out = i;
  return GSL_SUCCESS;
}

/* Partially order pt[lo..hi-1] so that pt[mid] holds the point of rank mid
 * on coordinate a: quickselect with Dijkstra's three-way partition, which
 * stays linear when many coordinates are equal (discrete covariates). */
static void select_mid(struct match_kd *kd, size_t lo, size_t hi, size_t mid, size_t a) {
  size_t *pt = kd->pt;
  const double *z = kd->z;
  size_t dim = kd->dim;
  while (hi - lo > 1) {
    double pivot = z[pt[lo + (hi - lo) / 2] * dim + a];
    size_t lt = lo, gt = hi, i = lo;
    while (i < gt) {
      double v = z[pt[i] * dim + a];
      if (v < pivot) {
        size_t t = pt[lt]; pt[lt] = pt[i]; pt[i] = t;
        lt++;
        i++;
      } else if (v > pivot) {
        gt--;
        size_t t = pt[gt]; pt[gt] = pt[i]; pt[i] = t;
      } else {
        i++;
      }
    }
    if (mid < lt) hi = lt;
    else if (mid >= gt) lo = gt;
    else return;
  }
}

static int build(struct match_kd *kd, size_t lo, size_t hi, size_t parent, size_t *out) {
  size_t me;
  int st = new_node(kd, lo, hi, parent, &me);
  if (st != GSL_SUCCESS) return st;
  *out = me;
  if (hi - lo <= KD_LEAF || kd->dim == 0) {
    for (size_t q = lo; q < hi; q++) kd->leaf_of[q] = me;
    return GSL_SUCCESS;
  }
  /* Split at the median of the widest coordinate. */
  const double *b = node_box(kd, me);
  size_t a = 0;
  double wmax = -1;
  for (size_t d = 0; d < kd->dim; d++)
    if (b[kd->dim + d] - b[d] > wmax) {
      wmax = b[kd->dim + d] - b[d];
      a = d;
    }
  if (!(wmax > 0)) {   /* all points equal: a leaf, however many */
    for (size_t q = lo; q < hi; q++) kd->leaf_of[q] = me;
    return GSL_SUCCESS;
  }
  size_t mid = lo + (hi - lo) / 2;
  select_mid(kd, lo, hi, mid, a);
  size_t l, r;
  if ((st = build(kd, lo, mid, me, &l)) != GSL_SUCCESS) return st;
  if ((st = build(kd, mid, hi, me, &r)) != GSL_SUCCESS) return st;
  kd->node[me].left = l;
  kd->node[me].right = r;
  return GSL_SUCCESS;
}

int match_kd_build(struct match_kd *kd, const double *z, size_t dim, const size_t *rows, size_t m) {
  memset(kd, 0, sizeof *kd);
  kd->dim = dim;
  kd->m = m;
  kd->z = z;
  if (m == 0) return GSL_SUCCESS;
  kd->pt = malloc(m * sizeof *kd->pt);
  kd->alive = malloc(m);
  kd->leaf_of = malloc(m * sizeof *kd->leaf_of);
  if (!kd->pt || !kd->alive || !kd->leaf_of) {
    match_kd_free(kd);
    return GSL_ENOMEM;
  }
  memcpy(kd->pt, rows, m * sizeof *rows);
  memset(kd->alive, 1, m);
  size_t root;
  int st = build(kd, 0, m, (size_t)-1, &root);
  if (st != GSL_SUCCESS) {
    match_kd_free(kd);
    return st;
  }
  /* The points' coordinates again in leaf order, so a leaf is scanned
   * from contiguous memory. */
  kd->zc = malloc((dim > 0 ? m * dim : 1) * sizeof *kd->zc);
  if (kd->zc == NULL) {
    match_kd_free(kd);
    return GSL_ENOMEM;
  }
  for (size_t p = 0; p < m; p++) memcpy(kd->zc + p * dim, z + kd->pt[p] * dim, dim * sizeof *z);
  return GSL_SUCCESS;
}

void match_kd_free(struct match_kd *kd) {
  MEM_RELEASE(kd, kd->pt, kd->alive, kd->leaf_of, kd->node, kd->boxes, kd->zc);
}

void match_kd_kill(struct match_kd *kd, size_t pos) {
  if (!kd->alive[pos]) return;
  kd->alive[pos] = 0;
  for (size_t i = kd->leaf_of[pos]; i != (size_t)-1; i = kd->node[i].parent) kd->node[i].live--;
}

/* ===== search ===== */

struct knn {
  const struct match_kd *kd;
  size_t t, k, found;
  const double *zt;
  match_kd_dist dist;
  match_kd_filter filter;
  const void *ctx;
  size_t *pos;     /* k best positions, ascending in (d2, row) */
  double *d2;
};

/* Squared distance from the query to a node's box, stopping early once it
 * exceeds lim (the result is then only known to be > lim). */
static double box_d2(const struct match_kd *kd, size_t i, const double *zt, double lim) {
  const double *b = node_box(kd, i);
  const size_t dim = kd->dim;
  double s = 0;
  for (size_t a = 0; a < dim; a++) {
    double d = zt[a] < b[a] ? b[a] - zt[a] : zt[a] > b[dim + a] ? zt[a] - b[dim + a] : 0;
    s += d * d;
    if (s > lim) break;
  }
  return s;
}

/* The largest tree distance that can still beat the current k-th: the
 * tree coordinates carry rounding the exact distance does not, so the bound
 * is relaxed by the margin (kd->margin, set from the coordinates' magnitude)
 * and a relative 1e-9. */
static double bound(const struct knn *q) {
  if (q->found < q->k) return INFINITY;
  double worst = q->d2[q->k - 1];
  return worst + 1e-9 * worst + q->kd->margin;
}

static void offer(struct knn *q, size_t pos) {
  const struct match_kd *kd = q->kd;
  size_t row = kd->pt[pos];
  if (q->filter && !q->filter(q->ctx, q->t, row)) return;
  double d2 = q->dist(q->ctx, q->t, row);
  /* Insert in (d2, row) order into the first min(found + 1, k) slots. */
  size_t j = q->found < q->k ? q->found : q->k;
  while (j > 0) {
    double dj = q->d2[j - 1];
    size_t rj = kd->pt[q->pos[j - 1]];
    if (dj < d2 || (dj == d2 && rj < row)) break;
    if (j < q->k) {
      q->d2[j] = dj;
      q->pos[j] = q->pos[j - 1];
    }
    j--;
  }
  if (j < q->k) {
    q->d2[j] = d2;
    q->pos[j] = pos;
    if (q->found < q->k) q->found++;
  }
}

/* Visit node i whose box lies at squared distance lb from the query:
 * nearer child first, each only while it can still hold a winner. */
static void visit(struct knn *q, size_t i, double lb) {
  const struct match_kd *kd = q->kd;
  const struct match_kd_node *nd = &kd->node[i];
  if (nd->live == 0 || lb > bound(q)) return;
  if (nd->left == 0) {
    const size_t dim = kd->dim;
    for (size_t p = nd->lo; p < nd->hi; p++) {
      if (!kd->alive[p]) continue;
      const double *z = kd->zc + p * dim;
      double lim = bound(q), s = 0;
      for (size_t a = 0; a < dim && s <= lim; a++) {
        double d = z[a] - q->zt[a];
        s += d * d;
      }
      if (s <= lim) offer(q, p);
    }
    return;
  }
  double lim = bound(q);
  double dl = kd->node[nd->left].live ? box_d2(kd, nd->left, q->zt, lim) : INFINITY;
  double dr = kd->node[nd->right].live ? box_d2(kd, nd->right, q->zt, lim) : INFINITY;
  if (dl <= dr) {
    visit(q, nd->left, dl);
    visit(q, nd->right, dr);
  } else {
    visit(q, nd->right, dr);
    visit(q, nd->left, dl);
  }
}

size_t match_kd_knn(const struct match_kd *kd, size_t t, size_t k, match_kd_dist dist,
                    match_kd_filter filter, const void *ctx, size_t *out_pos, double *out_d2) {
  if (kd->m == 0 || k == 0) return 0;
  struct knn q = {kd, t, k, 0, kd->z + t * kd->dim, dist, filter, ctx, out_pos, out_d2};
  visit(&q, 0, box_d2(kd, 0, q.zt, INFINITY));
  return q.found;
}

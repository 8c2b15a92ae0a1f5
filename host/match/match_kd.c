/* host/match/match_kd.c -- a k-d tree (Bentley 1975; Friedman, Bentley & Finkel
 * 1977) over the controls of one stratum, in the coordinates where the
 * Mahalanobis distance is Euclidean, so a treated unit finds its nearest
 * available controls without a distance to every control.  Controls that
 * have been used are switched off and every node counts its live points, so
 * a search skips exhausted regions.  The tree only prunes: every candidate
 * that could win is scored with the caller's exact distance (in double, from
 * the covariates), and the winner is the smallest (distance, row), so results
 * do not depend on the tree's shape or on the precision of its coordinates.
 *
 * Compact by design (docs/performance.md, "Memory at 10M rows"): the points'
 * coordinates are held once, in single precision and in leaf order (the
 * median splits permute them with the rows, so a leaf is scanned from
 * contiguous memory and no double-precision copy of all rows exists); rows
 * and node fields are 32-bit; nodes are allocated in pairs of children in one
 * block, and a point is switched off by walking down from the root, so there
 * are no parent links or per-point leaf pointers.  About 4 (row) + 1 (live
 * flag) + 4 x dim (coordinates) bytes a control, and under 2 bytes a control
 * for the nodes.  The single-precision rounding is bounded (kd->fslack) and
 * every pruning test is widened by it.  Pure C, no Lua. */
#include "match_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "data/mem.h"

/* Points a leaf may hold (more only when they are all equal).  Larger leaves
 * mean fewer nodes; a leaf's scan is a few contiguous floats a point. */
#define KD_LEAF 16

static float *node_box(const struct match_kd *kd, size_t i) { return kd->boxes + 2 * kd->dim * i; }

/* Bounding box of the points of node i. */
static void set_box(struct match_kd *kd, size_t i) {
  const size_t dim = kd->dim;
  float *b = node_box(kd, i);
  const struct match_kd_node *nd = &kd->node[i];
  for (size_t a = 0; a < dim; a++) {
    b[a] = INFINITY;
    b[dim + a] = -INFINITY;
  }
  for (size_t q = nd->lo; q < nd->hi; q++) {
    const float *z = kd->zc + q * dim;
    for (size_t a = 0; a < dim; a++) {
      if (z[a] < b[a]) b[a] = z[a];
      if (z[a] > b[dim + a]) b[dim + a] = z[a];
    }
  }
}

/* Swap the points at positions i and j (row and coordinates). */
static void swap_pt(struct match_kd *kd, size_t i, size_t j) {
  uint32_t t = kd->pt[i];
  kd->pt[i] = kd->pt[j];
  kd->pt[j] = t;
  float *a = kd->zc + i * kd->dim, *b = kd->zc + j * kd->dim;
  for (size_t d = 0; d < kd->dim; d++) {
    float v = a[d];
    a[d] = b[d];
    b[d] = v;
  }
}

/* Partially order positions lo..hi-1 so that position mid holds the point
 * of rank mid on coordinate a: quickselect with Dijkstra's three-way
 * partition, which stays linear when many coordinates are equal (discrete
 * covariates). */
static void select_mid(struct match_kd *kd, size_t lo, size_t hi, size_t mid, size_t a) {
  const size_t dim = kd->dim;
  while (hi - lo > 1) {
    float pivot = kd->zc[(lo + (hi - lo) / 2) * dim + a];
    size_t lt = lo, gt = hi, i = lo;
    while (i < gt) {
      float v = kd->zc[i * dim + a];
      if (v < pivot) swap_pt(kd, lt++, i++);
      else if (v > pivot) swap_pt(kd, --gt, i);
      else i++;
    }
    if (mid < lt) hi = lt;
    else if (mid >= gt) lo = gt;
    else return;
  }
}

/* Split node me (box set) at the median of its widest coordinate, and its
 * children in turn.  Children are allocated as a pair, so a node's two
 * children sit side by side. */
static void build(struct match_kd *kd, size_t me) {
  size_t lo = kd->node[me].lo, hi = kd->node[me].hi;
  if (hi - lo <= KD_LEAF || kd->dim == 0) return;
  const float *b = node_box(kd, me);
  size_t a = 0;
  double wmax = -1;
  for (size_t d = 0; d < kd->dim; d++)
    if ((double)b[kd->dim + d] - (double)b[d] > wmax) {
      wmax = (double)b[kd->dim + d] - (double)b[d];
      a = d;
    }
  if (!(wmax > 0)) return;   /* all points equal: a leaf, however many */
  size_t mid = lo + (hi - lo) / 2;
  select_mid(kd, lo, hi, mid, a);
  size_t k = kd->nnode;      /* capacity is reserved by match_kd_build */
  kd->nnode += 2;
  kd->node[me].kids = (uint32_t)k;
  kd->node[k] = (struct match_kd_node){(uint32_t)lo, (uint32_t)mid, 0, (uint32_t)(mid - lo)};
  kd->node[k + 1] = (struct match_kd_node){(uint32_t)mid, (uint32_t)hi, 0, (uint32_t)(hi - mid)};
  set_box(kd, k);
  set_box(kd, k + 1);
  build(kd, k);
  build(kd, k + 1);
}

int match_kd_build(struct match_kd *kd, size_t dim, uint32_t *rows, float *zc, size_t m,
                   double margin, double fslack) {
  memset(kd, 0, sizeof *kd);
  kd->dim = dim;
  kd->m = m;
  kd->pt = rows;
  kd->zc = zc;
  kd->margin = margin;
  kd->fslack = fslack;
  if (m == 0) return GSL_SUCCESS;
  /* A split node has more than KD_LEAF points and leaves at least
   * KD_LEAF / 2 on each side, so there are at most m / (KD_LEAF / 2) leaves
   * (one when m is smaller) and fewer than twice as many nodes.  Pages of
   * the reserve that are never written are never made resident. */
  kd->capnode = 2 * (m / (KD_LEAF / 2) + 1);
  kd->alive = malloc(m);
  kd->node = malloc(kd->capnode * sizeof *kd->node);
  kd->boxes = malloc(kd->capnode * 2 * (dim ? dim : 1) * sizeof *kd->boxes);
  if (!kd->alive || !kd->node || !kd->boxes) {
    match_kd_free(kd);
    return GSL_ENOMEM;
  }
  memset(kd->alive, 1, m);
  kd->nnode = 1;
  kd->node[0] = (struct match_kd_node){0, (uint32_t)m, 0, (uint32_t)m};
  set_box(kd, 0);
  build(kd, 0);
  return GSL_SUCCESS;
}

void match_kd_free(struct match_kd *kd) {
  MEM_RELEASE(kd, kd->pt, kd->zc, kd->alive, kd->node, kd->boxes);
}

void match_kd_kill(struct match_kd *kd, size_t pos) {
  if (!kd->alive[pos]) return;
  kd->alive[pos] = 0;
  size_t i = 0;
  for (;;) {
    struct match_kd_node *nd = &kd->node[i];
    nd->live--;
    if (nd->kids == 0) return;
    i = pos < kd->node[nd->kids].hi ? nd->kids : nd->kids + 1u;
  }
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
  double lim;      /* the current pruning limit on tree distances (see limit) */
};

/* Squared distance from the query to a node's box, stopping early once it
 * exceeds lim (the result is then only known to be > lim). */
static double box_d2(const struct match_kd *kd, size_t i, const double *zt, double lim) {
  const float *b = node_box(kd, i);
  const size_t dim = kd->dim;
  double s = 0;
  for (size_t a = 0; a < dim; a++) {
    double lo = b[a], hi = b[dim + a];
    double d = zt[a] < lo ? lo - zt[a] : zt[a] > hi ? zt[a] - hi : 0;
    s += d * d;
    if (s > lim) break;
  }
  return s;
}

/* The largest squared tree distance that can still beat the current k-th.
 * The exact distance and the double-precision coordinates differ by
 * rounding (kd->margin and a relative 1e-9, as the bound on the squared
 * distance); the single-precision coordinates move a point by at most
 * kd->fslack, so the tree distance to a point is within fslack of its
 * double-precision distance: limit = (sqrt(bound) + fslack)^2, and a
 * relative 1e-12 for the rounding of the test itself. */
static double limit(const struct knn *q) {
  if (q->found < q->k || isinf(q->kd->fslack)) return INFINITY;
  double worst = q->d2[q->k - 1];
  double b = worst + 1e-9 * worst + q->kd->margin;
  double r = sqrt(b) + q->kd->fslack;
  return r * r * (1 + 1e-12);
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
    q->lim = limit(q);
  }
}

/* Visit node i whose box lies at squared distance lb from the query:
 * nearer child first, each only while it can still hold a winner. */
static void visit(struct knn *q, size_t i, double lb) {
  const struct match_kd *kd = q->kd;
  const struct match_kd_node *nd = &kd->node[i];
  if (nd->live == 0 || lb > q->lim) return;
  if (nd->kids == 0) {
    const size_t dim = kd->dim;
    const double *zt = q->zt;
    for (size_t p = nd->lo; p < nd->hi; p++) {
      if (!kd->alive[p]) continue;
      const float *z = kd->zc + p * dim;
      double lim = q->lim, s = 0;
      for (size_t a = 0; a < dim && s <= lim; a++) {
        double d = (double)z[a] - zt[a];
        s += d * d;
      }
      if (s <= lim) offer(q, p);
    }
    return;
  }
  size_t l = nd->kids, r = l + 1;
  double dl = kd->node[l].live ? box_d2(kd, l, q->zt, q->lim) : INFINITY;
  double dr = kd->node[r].live ? box_d2(kd, r, q->zt, q->lim) : INFINITY;
  if (dl <= dr) {
    visit(q, l, dl);
    visit(q, r, dr);
  } else {
    visit(q, r, dr);
    visit(q, l, dl);
  }
}

size_t match_kd_knn(const struct match_kd *kd, const double *zt, size_t t, size_t k,
                    match_kd_dist dist, match_kd_filter filter, const void *ctx, size_t *out_pos,
                    double *out_d2) {
  if (kd->m == 0 || k == 0) return 0;
  struct knn q = {kd, t, k, 0, zt, dist, filter, ctx, out_pos, out_d2, INFINITY};
  visit(&q, 0, box_d2(kd, 0, zt, INFINITY));
  return q.found;
}

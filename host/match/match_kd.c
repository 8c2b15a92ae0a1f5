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
 * splits permute them with the rows, so a leaf is scanned from contiguous
 * memory and no double-precision copy of all rows exists); rows and node
 * fields are 32-bit; a node's two children are allocated side by side, each
 * node with its box in one record; a used point is switched off by its flag
 * and the nodes' live counts are brought up to date in bulk, so there are
 * no parent links or per-point leaf pointers.  About 4 (row) + 1 (flags) +
 * 4 x dim (coordinates) bytes a control, and 2-4 bytes a control for the
 * nodes.  The single-precision rounding is bounded (kd->fslack) and every
 * pruning test is widened by it.
 *
 * Linear work per level: a split costs one Hoare partition around the
 * median of a small sample (the exact median only when the sample misleads),
 * and the tight boxes are computed once, bottom up, after the splits; the
 * subtrees below the third level are built on threads.  Within a leaf,
 * points with equal covariates sit together, lowest row first, and a search
 * skips the rest of such a run once one has lost, so exact duplicates (many
 * at scale on discrete data) cost one distance each.  Pure C, no Lua. */
#include "match_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "data/chunks.h"
#include "data/mem.h"

/* Points a leaf may hold (more only when they are all equal).  Larger leaves
 * mean fewer nodes; a leaf's scan is a few contiguous floats a point. */
#define KD_LEAF 32

/* Node i and its box in the built tree. */
static struct match_kd_node *nd_at(const struct match_kd *kd, size_t i) {
  return (struct match_kd_node *)(void *)(kd->rec + i * kd->stride);
}
static float *node_box(const struct match_kd *kd, size_t i) {
  return (float *)(void *)(kd->rec + i * kd->stride + sizeof(struct match_kd_node));
}

/* Bounding box of the points of node i (a leaf). */
static void leaf_box(struct match_kd *kd, size_t i) {
  const size_t dim = kd->dim;
  float *b = node_box(kd, i);
  const struct match_kd_node *nd = nd_at(kd, i);
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
  if (kd->dim == 2) {   /* the common case (two covariates): one 8-byte move each */
    uint64_t u, v;
    memcpy(&u, a, sizeof u);
    memcpy(&v, b, sizeof v);
    memcpy(a, &v, sizeof v);
    memcpy(b, &u, sizeof u);
    return;
  }
  for (size_t d = 0; d < kd->dim; d++) {
    float v = a[d];
    a[d] = b[d];
    b[d] = v;
  }
}

/* Hoare's partition of positions lo..hi-1 on coordinate a around pivot (a
 * value held by one of them): returns s with every point before s at most
 * pivot and every point from s on at least pivot.  Points equal to the
 * pivot stop both scans and are swapped, so they end up spread over both
 * sides and a run of equal coordinates (discrete covariates) still splits
 * near its middle; about a quarter of the points move, against one swap a
 * point for a three-way partition. */
static size_t partition2(struct match_kd *kd, size_t lo, size_t hi, size_t a, float pivot) {
  const size_t dim = kd->dim;
  const float *z = kd->zc + a;
  ptrdiff_t i = (ptrdiff_t)lo - 1, j = (ptrdiff_t)hi;
  for (;;) {
    do i++; while (z[(size_t)i * dim] < pivot);
    do j--; while (z[(size_t)j * dim] > pivot);
    if (i >= j) return (size_t)j + 1;
    swap_pt(kd, (size_t)i, (size_t)j);
  }
}

/* Dijkstra's three-way partition of positions lo..hi-1 on coordinate a
 * around pivot: [lo, *lt) below, [*lt, *gt) equal, [*gt, hi) above.  It
 * stays linear when many coordinates are equal (discrete covariates). */
static void partition3(struct match_kd *kd, size_t lo, size_t hi, size_t a, float pivot,
                       size_t *lt_out, size_t *gt_out) {
  const size_t dim = kd->dim;
  size_t lt = lo, gt = hi, i = lo;
  while (i < gt) {
    float v = kd->zc[i * dim + a];
    if (v < pivot) swap_pt(kd, lt++, i++);
    else if (v > pivot) swap_pt(kd, --gt, i);
    else i++;
  }
  *lt_out = lt;
  *gt_out = gt;
}

/* Partially order positions lo..hi-1 so that position mid holds the point
 * of rank mid on coordinate a (quickselect). */
static void select_mid(struct match_kd *kd, size_t lo, size_t hi, size_t mid, size_t a) {
  while (hi - lo > 1) {
    size_t lt, gt;
    partition3(kd, lo, hi, a, kd->zc[(lo + (hi - lo) / 2) * kd->dim + a], &lt, &gt);
    if (mid < lt) hi = lt;
    else if (mid >= gt) lo = gt;
    else return;
  }
}

/* A sample of KD_SAMPLE points spread evenly over positions lo..hi-1: the
 * split is chosen from it (the widest coordinate over the sample, and the
 * sample's median as the pivot), so a node costs one partition pass and no
 * scan for its bounding box.  Boxes are computed once the tree stands. */
#define KD_SAMPLE 31

static size_t sample_at(size_t lo, size_t hi, size_t i, size_t cnt) {
  return lo + (2 * i + 1) * (hi - lo) / (2 * cnt);
}

/* The coordinate of widest spread over the sample; -1 when the sample
 * shows none (then over every point: -1 when they are all equal). */
static ptrdiff_t split_axis(const struct match_kd *kd, size_t lo, size_t hi) {
  const size_t dim = kd->dim;
  size_t cnt = hi - lo < KD_SAMPLE ? hi - lo : KD_SAMPLE;
  ptrdiff_t best = -1;
  double wmax = 0;
  for (int pass = 0; pass < 2 && best < 0; pass++)
    for (size_t a = 0; a < dim; a++) {
      float mn = INFINITY, mx = -INFINITY;
      size_t k = pass == 0 ? cnt : hi - lo;
      for (size_t i = 0; i < k; i++) {
        float v = kd->zc[(pass == 0 ? sample_at(lo, hi, i, cnt) : lo + i) * dim + a];
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
      }
      if ((double)mx - (double)mn > wmax) {
        wmax = (double)mx - (double)mn;
        best = (ptrdiff_t)a;
      }
    }
  return best;
}

/* The nodes of a tree, or of one subtree while it is built. */
struct kd_nodes {
  struct match_kd_node *node;
  size_t nnode, capnode;
};

static int new_pair(struct kd_nodes *b, size_t *k) {
  if (b->nnode + 2 > b->capnode) {
    size_t cap = b->capnode + b->capnode / 2 + 2;
    struct match_kd_node *nn = realloc(b->node, cap * sizeof *nn);
    if (nn == NULL) return GSL_ENOMEM;
    b->node = nn;
    b->capnode = cap;
  }
  *k = b->nnode;
  b->nnode += 2;
  return GSL_SUCCESS;
}

/* Subtrees built on threads: in a tree of KD_TASK_MIN points or more, the
 * top KD_TASK_DEPTH levels are split a level at a time (the splits of a
 * level on threads), and the nodes below are built as separate tasks (on
 * disjoint ranges of positions, each into its own nodes), then joined in
 * task order.  The cut depends on the points only, so the tree is the same
 * for any number of threads. */
#define KD_TASK_DEPTH 3
#define KD_TASK_MAX (1u << KD_TASK_DEPTH)
#define KD_TASK_MIN 65536

struct kd_task {
  struct match_kd *kd;
  const struct kd_nodes *top;
  size_t me, base;       /* the subtree's root among the top nodes; its other
                            nodes become base, base + 1, ... */
  struct kd_nodes b;
  int st;
};

/* Where to split positions lo..hi-1: at (about) the median of their widest
 * coordinate, keeping at least an eighth of the points on each side (else
 * the exact median is taken), so the depth stays logarithmic.  Returns 0
 * for a leaf (few points, or all equal). */
static int choose_split(struct match_kd *kd, size_t lo, size_t hi, size_t *split) {
  if (hi - lo <= KD_LEAF || kd->dim == 0) return 0;
  ptrdiff_t ax = split_axis(kd, lo, hi);
  if (ax < 0) return 0;   /* all points equal: a leaf, however many */
  size_t a = (size_t)ax, mid = lo + (hi - lo) / 2, cnt = hi - lo < KD_SAMPLE ? hi - lo : KD_SAMPLE;
  float v[KD_SAMPLE];
  for (size_t i = 0; i < cnt; i++) {
    float x = kd->zc[sample_at(lo, hi, i, cnt) * kd->dim + a];
    size_t j = i;
    for (; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
    v[j] = x;
  }
  *split = partition2(kd, lo, hi, a, v[cnt / 2]);
  if (*split - lo < (hi - lo) / 8 || hi - *split < (hi - lo) / 8) {
    select_mid(kd, lo, hi, mid, a);
    *split = mid;
  }
  return 1;
}

/* Give node me of b the children lo..split-1 and split..hi-1, allocated as
 * a pair, so a node's two children sit side by side, after their parent. */
static int add_kids(struct kd_nodes *b, size_t me, size_t split, size_t *k) {
  size_t lo = b->node[me].lo, hi = b->node[me].hi;
  if (new_pair(b, k) != GSL_SUCCESS) return GSL_ENOMEM;
  b->node[me].kids = (uint32_t)*k;
  b->node[*k] = (struct match_kd_node){(uint32_t)lo, (uint32_t)split, 0, (uint32_t)(split - lo)};
  b->node[*k + 1] = (struct match_kd_node){(uint32_t)split, (uint32_t)hi, 0, (uint32_t)(hi - split)};
  return GSL_SUCCESS;
}

/* Node me of b and everything below it, depth first. */
static int build(struct match_kd *kd, struct kd_nodes *b, size_t me) {
  size_t split, k;
  if (!choose_split(kd, b->node[me].lo, b->node[me].hi, &split)) return GSL_SUCCESS;
  if (add_kids(b, me, split, &k) != GSL_SUCCESS) return GSL_ENOMEM;
  int st = build(kd, b, k);
  return st != GSL_SUCCESS ? st : build(kd, b, k + 1);
}

/* The top KD_TASK_DEPTH levels breadth first, the splits of a level on
 * threads (their ranges are disjoint), the nodes numbered in level order;
 * the nodes left at the last level with more than a leaf's points become
 * tasks. */
struct kd_split_job {
  struct match_kd *kd;
  size_t lo, hi, split;
  int cut;
};

static int split_run(void *arg) {
  struct kd_split_job *j = arg;
  j->cut = choose_split(j->kd, j->lo, j->hi, &j->split);
  return 0;
}

static int build_top(struct match_kd *kd, struct kd_nodes *top, struct kd_task *tasks,
                     size_t *ntask) {
  size_t level[KD_TASK_MAX], nlev = 1;
  level[0] = 0;
  for (unsigned depth = 0; depth < KD_TASK_DEPTH && nlev > 0; depth++) {
    struct kd_split_job jobs[KD_TASK_MAX / 2];
    for (size_t j = 0; j < nlev; j++)
      jobs[j] = (struct kd_split_job){kd, top->node[level[j]].lo, top->node[level[j]].hi, 0, 0};
    chunks_run(split_run, jobs, sizeof *jobs, nlev);
    size_t next[KD_TASK_MAX], nnext = 0, k;
    for (size_t j = 0; j < nlev; j++) {
      if (!jobs[j].cut) continue;
      if (add_kids(top, level[j], jobs[j].split, &k) != GSL_SUCCESS) return GSL_ENOMEM;
      next[nnext++] = k;
      next[nnext++] = k + 1;
    }
    memcpy(level, next, nnext * sizeof *level);
    nlev = nnext;
  }
  for (size_t j = 0; j < nlev; j++)
    if (top->node[level[j]].hi - top->node[level[j]].lo > KD_LEAF)
      tasks[(*ntask)++] = (struct kd_task){kd, top, level[j], 0, {NULL, 0, 0}, GSL_ENOMEM};
  return GSL_SUCCESS;
}

/* One root over positions lo..hi-1; room for about (hi - lo) / (3/4
 * KD_LEAF) leaves, twice as many nodes (grown if needed). */
static int nodes_init(struct kd_nodes *b, size_t lo, size_t hi) {
  b->capnode = 2 * ((hi - lo) / (KD_LEAF / 2) + 1);
  b->node = malloc(b->capnode * sizeof *b->node);
  if (b->node == NULL) return GSL_ENOMEM;
  b->nnode = 1;
  b->node[0] = (struct match_kd_node){(uint32_t)lo, (uint32_t)hi, 0, (uint32_t)(hi - lo)};
  return GSL_SUCCESS;
}

static int task_build(void *arg) {
  struct kd_task *t = arg;
  const struct match_kd_node *r = &t->top->node[t->me];
  t->st = nodes_init(&t->b, r->lo, r->hi);
  if (t->st == GSL_SUCCESS) t->st = build(t->kd, &t->b, 0);
  return 0;
}

/* The tight box of node i, over its points (a leaf) or its two children's. */
static void set_box(struct match_kd *kd, size_t i) {
  const size_t dim = kd->dim;
  const struct match_kd_node *nd = nd_at(kd, i);
  if (nd->kids == 0) {
    leaf_box(kd, i);
    return;
  }
  float *b = node_box(kd, i);
  const float *l = node_box(kd, nd->kids), *r = node_box(kd, nd->kids + 1u);
  for (size_t a = 0; a < dim; a++) {
    b[a] = l[a] < r[a] ? l[a] : r[a];
    b[dim + a] = l[dim + a] > r[dim + a] ? l[dim + a] : r[dim + a];
  }
}

static void order_leaf(struct match_kd *kd, size_t i);

/* A task's subtree once joined: boxes bottom up (a child's index is above
 * its parent's), each leaf in order. */
static int task_finish(void *arg) {
  struct kd_task *t = arg;
  for (size_t i = t->base + t->b.nnode - 1; i-- > t->base;) {
    set_box(t->kd, i);
    order_leaf(t->kd, i);
  }
  set_box(t->kd, t->me);
  order_leaf(t->kd, t->me);
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* (coordinates, row) order of the points at positions i and j. */
static int pt_before(const struct match_kd *kd, size_t i, size_t j) {
  const float *a = kd->zc + i * kd->dim, *b = kd->zc + j * kd->dim;
  for (size_t d = 0; d < kd->dim; d++)
    if (a[d] != b[d]) return a[d] < b[d];
  return kd->pt[i] < kd->pt[j];
}

/* Order-preserving bits of a single-precision coordinate, and back. */
static uint32_t fbits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
static float bitsf(uint32_t u) {
  u = (u & 0x80000000u) ? (u & 0x7fffffffu) : ~u;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Each leaf in (coordinates, row) order, so that points whose coordinates
 * have the same bits sit together, lowest row first (a leaf of equal
 * points, which may be large, only by row).  With one or two coordinates a
 * point's coordinates become one integer key and a leaf is sorted by
 * insertion on (key, row) in registers; beyond, by swaps. */
static void order_leaf(struct match_kd *kd, size_t i) {
  const size_t dim = kd->dim;
  const struct match_kd_node *nd = nd_at(kd, i);
  if (nd->kids != 0) return;
  size_t lo = nd->lo, n = nd->hi - nd->lo;
  if (n > KD_LEAF || dim == 0) {
    qsort(kd->pt + lo, n, sizeof *kd->pt, cmp_u32);
    return;
  }
  if (dim > 2) {
    for (size_t p = lo + 1; p < lo + n; p++)
      for (size_t q = p; q > lo && pt_before(kd, q, q - 1); q--) swap_pt(kd, q, q - 1);
    return;
  }
  uint64_t key[KD_LEAF];
  uint32_t row[KD_LEAF];
  for (size_t p = 0; p < n; p++) {
    const float *z = kd->zc + (lo + p) * dim;
    uint64_t k = fbits(z[0]);
    key[p] = dim == 2 ? k << 32 | fbits(z[1]) : k;
    row[p] = kd->pt[lo + p];
    size_t q = p;
    for (; q > 0 && (key[q - 1] > key[p] || (key[q - 1] == key[p] && row[q - 1] > row[p])); q--);
    if (q == p) continue;
    uint64_t kk = key[p];
    uint32_t rr = row[p];
    memmove(key + q + 1, key + q, (p - q) * sizeof *key);
    memmove(row + q + 1, row + q, (p - q) * sizeof *row);
    key[q] = kk;
    row[q] = rr;
  }
  for (size_t p = 0; p < n; p++) {
    float *z = kd->zc + (lo + p) * dim;
    kd->pt[lo + p] = row[p];
    if (dim == 2) {
      z[0] = bitsf((uint32_t)(key[p] >> 32));
      z[1] = bitsf((uint32_t)key[p]);
    } else {
      z[0] = bitsf((uint32_t)key[p]);
    }
  }
}

/* Positions lo..hi-1 (from 1) of match_kd_mark_same: first the points whose
 * coordinates equal the previous point's (one pass over the coordinates),
 * then the check of their rows, which reads the caller's data at scattered
 * rows: those a few positions ahead are asked for early. */
struct kd_same_job {
  struct match_kd *kd;
  match_kd_same same;
  const void *ctx;
  size_t lo, hi;
};

static int same_run(void *arg) {
  const struct kd_same_job *j = arg;
  struct match_kd *kd = j->kd;
  const size_t dim = kd->dim, ahead = 16;
  for (size_t p = j->lo; p < j->hi; p++)
    if (memcmp(kd->zc + p * dim, kd->zc + (p - 1) * dim, dim * sizeof *kd->zc) == 0)
      kd->alive[p] |= KD_SAME;
  for (size_t p = j->lo; p < j->hi; p++) {
    size_t f = p + ahead;
    if (kd->prefetch && f < j->hi && (kd->alive[f] & KD_SAME)) {
      kd->prefetch(kd->pctx, kd->pt[f - 1]);
      kd->prefetch(kd->pctx, kd->pt[f]);
    }
    if ((kd->alive[p] & KD_SAME) && !j->same(j->ctx, kd->pt[p - 1], kd->pt[p]))
      kd->alive[p] &= (unsigned char)~KD_SAME;
  }
  return 0;
}

/* On threads, over fixed ranges of positions (each point's flag depends
 * on it and the point before only). */
#define KD_SAME_CHUNK 65536
int match_kd_mark_same(struct match_kd *kd, match_kd_same same, const void *ctx) {
  if (kd->m < 2) return GSL_SUCCESS;
  size_t nj = (kd->m - 1 + KD_SAME_CHUNK - 1) / KD_SAME_CHUNK;
  struct kd_same_job *jobs = malloc(nj * sizeof *jobs);
  if (jobs == NULL) return GSL_ENOMEM;
  for (size_t j = 0; j < nj; j++) {
    size_t lo = 1 + j * KD_SAME_CHUNK, hi = lo + KD_SAME_CHUNK;
    jobs[j] = (struct kd_same_job){kd, same, ctx, lo, hi < kd->m ? hi : kd->m};
  }
  chunks_run(same_run, jobs, sizeof *jobs, nj);
  free(jobs);
  return GSL_SUCCESS;
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
  struct kd_nodes top = {NULL, 0, 0};
  struct kd_task tasks[KD_TASK_MAX];
  size_t ntask = 0;
  kd->alive = mem_alloc_large(m);
  int st = GSL_ENOMEM;
  if (!kd->alive || nodes_init(&top, 0, m) != GSL_SUCCESS) goto fail;
  memset(kd->alive, KD_LIVE, m);
  st = m >= KD_TASK_MIN ? build_top(kd, &top, tasks, &ntask) : build(kd, &top, 0);
  if (st != GSL_SUCCESS) goto fail;
  chunks_run(task_build, tasks, sizeof *tasks, ntask);
  kd->nnode = top.nnode;
  for (size_t t = 0; t < ntask; t++) {
    if (tasks[t].st != GSL_SUCCESS) st = tasks[t].st;
    tasks[t].base = kd->nnode;
    kd->nnode += tasks[t].b.nnode - 1;
  }
  if (st != GSL_SUCCESS) goto fail;
  /* Nodes and boxes side by side, in one block aligned to cache lines: the
   * top nodes, then each task's nodes but its root (which keeps its place
   * among the top nodes), their children renumbered. */
  kd->stride = sizeof(struct match_kd_node) + 2 * dim * sizeof(float);
  size_t bytes = (kd->nnode * kd->stride + 63) / 64 * 64;
  kd->rec = aligned_alloc(64, bytes);
  st = GSL_ENOMEM;
  if (kd->rec == NULL) goto fail;
  mem_advise_large(kd->rec, bytes);
  for (size_t i = 0; i < top.nnode; i++) *nd_at(kd, i) = top.node[i];
  for (size_t t = 0; t < ntask; t++) {
    const struct kd_task *tk = &tasks[t];
    for (size_t j = 0; j < tk->b.nnode; j++) {
      struct match_kd_node nd = tk->b.node[j];
      if (nd.kids) nd.kids = (uint32_t)(tk->base + nd.kids - 1);
      *nd_at(kd, j ? tk->base + j - 1 : tk->me) = nd;
    }
  }
  chunks_run(task_finish, tasks, sizeof *tasks, ntask);
  for (size_t i = top.nnode; i-- > 0;) {
    int done = 0;
    for (size_t t = 0; t < ntask; t++) done |= tasks[t].me == i;
    if (done) continue;
    set_box(kd, i);
    order_leaf(kd, i);
  }
  st = GSL_SUCCESS;
fail:
  free(top.node);
  for (size_t t = 0; t < ntask; t++) free(tasks[t].b.node);
  if (st != GSL_SUCCESS) match_kd_free(kd);
  return st;
}

void match_kd_free(struct match_kd *kd) {
  MEM_RELEASE(kd, kd->pt, kd->zc, kd->alive, kd->rec);
}

/* Live counts of every node from the points' flags: a leaf's by counting,
 * a parent's as the sum of its two (children have higher indices). */
static void recount(struct match_kd *kd) {
  for (size_t i = kd->nnode; i-- > 0;) {
    struct match_kd_node *nd = nd_at(kd, i);
    uint32_t live = 0;
    if (nd->kids == 0)
      for (size_t p = nd->lo; p < nd->hi; p++) live += kd->alive[p] & KD_LIVE;
    else
      live = nd_at(kd, nd->kids)->live + nd_at(kd, nd->kids + 1u)->live;
    nd->live = live;
  }
  kd->pending = 0;
}

void match_kd_kill(struct match_kd *kd, size_t pos) {
  if (!(kd->alive[pos] & KD_LIVE)) return;
  kd->alive[pos] &= (unsigned char)~KD_LIVE;
  if (++kd->pending > kd->m / 16 + 64) recount(kd);
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

/* Score the point at pos and insert it among the best k: 1 when it was
 * inserted, 0 when it is no better than the k-th, -1 when filtered out. */
static int offer(struct knn *q, size_t pos) {
  const struct match_kd *kd = q->kd;
  size_t row = kd->pt[pos];
  if (q->filter && !q->filter(q->ctx, q->t, row)) return -1;
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
  if (j >= q->k) return 0;
  q->d2[j] = d2;
  q->pos[j] = pos;
  if (q->found < q->k) q->found++;
  q->lim = limit(q);
  return 1;
}

/* Visit node i whose box lies at squared distance lb from the query:
 * nearer child first, each only while it can still hold a winner. */
static void visit(struct knn *q, size_t i, double lb) {
  const struct match_kd *kd = q->kd;
  const struct match_kd_node *nd = nd_at(kd, i);
  if (nd->live == 0 || lb > q->lim) return;
  if (nd->kids == 0) {
    const size_t dim = kd->dim;
    const double *zt = q->zt;
    if (kd->prefetch) {
      /* The caller's exact distance reads each candidate's own data, at
       * rows scattered over memory: ask for all of the leaf's likely
       * candidates first, so that their fetches overlap.  (Only a hint:
       * the scoring below decides.) */
      for (size_t p = nd->lo; p < nd->hi; p++) {
        if (!(kd->alive[p] & KD_LIVE)) continue;
        const float *z = kd->zc + p * dim;
        double s = 0;
        for (size_t a = 0; a < dim; a++) {
          double d = (double)z[a] - zt[a];
          s += d * d;
        }
        if (s <= q->lim) kd->prefetch(kd->pctx, kd->pt[p]);
      }
    }
    int worse = 0;   /* the last point scored of this run of equal covariates lost */
    for (size_t p = nd->lo; p < nd->hi; p++) {
      unsigned char f = kd->alive[p];
      if (!(f & KD_SAME)) worse = 0;
      if (!(f & KD_LIVE) || worse) continue;
      const float *z = kd->zc + p * dim;
      double lim = q->lim, s = 0;
      for (size_t a = 0; a < dim && s <= lim; a++) {
        double d = (double)z[a] - zt[a];
        s += d * d;
      }
      worse = s <= lim ? offer(q, p) == 0 : 1;
    }
    return;
  }
  size_t l = nd->kids, r = l + 1;
  /* The children's own children are read next: ask for them now, so the
   * memory fetches of the two subtrees overlap (the tree is far larger
   * than the caches at national scale). */
  const struct match_kd_node *nl = nd_at(kd, l), *nr = nd_at(kd, r);
  if (nl->kids) __builtin_prefetch(nd_at(kd, nl->kids));
  if (nr->kids) __builtin_prefetch(nd_at(kd, nr->kids));
  double dl = nl->live ? box_d2(kd, l, q->zt, q->lim) : INFINITY;
  double dr = nr->live ? box_d2(kd, r, q->zt, q->lim) : INFINITY;
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

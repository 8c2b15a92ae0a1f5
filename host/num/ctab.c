/* host/num/ctab.c -- chi-square and Fisher exact tests on contingency tables,
 * as R chisq.test() and fisher.test() (stats, R 4.2).  The 2 x 2 Fisher
 * code follows R's conditional-likelihood functions (dnhyper, mnhyper,
 * pnhyper) and root finder; r x c tables use a network search with exact
 * path bounds (after Mehta & Patel 1983).  Plain C on GSL; no Lua. */
#include "ctab.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "zeroin.h"

/* ===== Chi-square test of independence ===== */

/* X^2 = sum (|O - E| - c)^2 / E, E = row total * column total / n, on
 * (nr - 1)(nc - 1) df; c = min(0.5, min |O - E|) for a 2 x 2 table when
 * correcting (R since 3.x caps the correction so it never flips O - E). */
int ctab_chisq(const double *x, size_t nr, size_t nc, int correct,
               struct ctab_chisq_result *r, double *expected) {
  if (nr < 2 || nc < 2) return GSL_EINVAL;
  for (size_t i = 0; i < nr * nc; i++)
    if (!isfinite(x[i]) || x[i] < 0) return GSL_EINVAL;
  double *sr = calloc(nr + nc, sizeof *sr);
  if (!sr) return GSL_ENOMEM;
  double *sc = sr + nr, n = 0;
  for (size_t i = 0; i < nr; i++)
    for (size_t j = 0; j < nc; j++) {
      sr[i] += x[i * nc + j];
      sc[j] += x[i * nc + j];
      n += x[i * nc + j];
    }
  int st = GSL_SUCCESS;
  for (size_t i = 0; i < nr + nc; i++)
    if (!(sr[i] > 0)) st = GSL_EDOM;
  double yates = 0, emin = INFINITY, stat = 0;
  if (!st && correct && nr == 2 && nc == 2) {
    yates = 0.5;
    for (size_t i = 0; i < 2; i++)
      for (size_t j = 0; j < 2; j++) yates = fmin(yates, fabs(x[i * 2 + j] - sr[i] * sc[j] / n));
  }
  /* column-major, the order R's sum() visits the matrix */
  for (size_t j = 0; j < nc && !st; j++)
    for (size_t i = 0; i < nr; i++) {
      double e = sr[i] * sc[j] / n;
      double d = fabs(x[i * nc + j] - e) - yates;
      stat += d * d / e;
      emin = fmin(emin, e);
      if (expected) expected[i * nc + j] = e;
    }
  free(sr);
  if (st) return st;
  r->statistic = stat;
  r->df = (double)((nr - 1) * (nc - 1));
  r->p_value = gsl_cdf_chisq_Q(stat, r->df);
  r->yates = yates;
  r->min_expected = emin;
  return GSL_SUCCESS;
}

/* ===== Fisher's exact test, 2 x 2 ===== */

/* Given the margins, x11 follows the noncentral hypergeometric law
 *   P(X = s) proportional to C(m, s) C(n, k - s) psi^s,  s = lo .. hi,
 * with m, n the column totals, k the first row total and psi the odds
 * ratio.  These mirror R's dnhyper / mnhyper / pnhyper. */
struct hyper {
  long lo, hi, x;   /* support and observed x11 */
  double *logdc;    /* log dhyper(s; m, n, k), s = lo .. hi */
  double *d;        /* scratch: the law at the last ncp */
};

static void dnhyper(struct hyper *h, double ncp) {
  long len = h->hi - h->lo + 1;
  double lp = log(ncp), mx = -INFINITY, sum = 0;
  for (long i = 0; i < len; i++) {
    h->d[i] = h->logdc[i] + lp * (double)(h->lo + i);
    mx = fmax(mx, h->d[i]);
  }
  for (long i = 0; i < len; i++) sum += h->d[i] = exp(h->d[i] - mx);
  for (long i = 0; i < len; i++) h->d[i] /= sum;
}

static double mnhyper(struct hyper *h, double ncp) {
  if (ncp == 0) return (double)h->lo;
  if (isinf(ncp)) return (double)h->hi;
  dnhyper(h, ncp);
  double s = 0;
  for (long i = 0; i <= h->hi - h->lo; i++) s += (double)(h->lo + i) * h->d[i];
  return s;
}

/* P(X <= q) or, upper, P(X >= q) under odds ratio ncp. */
static double pnhyper(struct hyper *h, double q, double ncp, int upper) {
  if (ncp == 0) return upper ? q <= (double)h->lo : q >= (double)h->lo;
  if (isinf(ncp)) return upper ? q <= (double)h->hi : q >= (double)h->hi;
  dnhyper(h, ncp);
  double s = 0;
  for (long i = 0; i <= h->hi - h->lo; i++) {
    double v = (double)(h->lo + i);
    if (upper ? v >= q : v <= q) s += h->d[i];
  }
  return s;
}

enum root_kind { ROOT_MEAN, ROOT_PLOW, ROOT_PUP };

struct root_ctx {
  struct hyper *h;
  enum root_kind kind;
  int invert;       /* evaluate at 1/t, for odds ratios above 1 */
  double target;    /* x for the mean, alpha for the tails */
};

static double root_f(double t, void *vctx) {
  struct root_ctx *c = vctx;
  double ncp = c->invert ? 1 / t : t;
  if (c->kind == ROOT_MEAN) return mnhyper(c->h, ncp) - c->target;
  return pnhyper(c->h, (double)c->h->x, ncp, c->kind == ROOT_PUP) - c->target;
}

/* uniroot(f, c(0, 1)) or, inverted, 1 / uniroot(f(1/t), c(eps, 1)), as R. */
static double solve(struct hyper *h, enum root_kind kind, int invert, double target) {
  struct root_ctx c = {h, kind, invert, target};
  double lo = invert ? DBL_EPSILON : 0;
  /* R's uniroot() tolerance, which fisher.test() keeps, so the odds-ratio
   * estimate and interval are only as accurate as R's: the aim is to
   * reproduce R's printed values, not to improve on them
   * (docs/methods/tests.md). */
  double t = zeroin(lo, 1, root_f(lo, &c), root_f(1, &c), ZEROIN_R_TOL, ZEROIN_R_MAXITER, root_f,
                    &c);
  return invert ? 1 / t : t;
}

/* Conditional MLE: the psi with E[X; psi] = x (R's mle()). */
static double fisher_mle(struct hyper *h) {
  if (h->x == h->lo) return 0;
  if (h->x == h->hi) return INFINITY;
  double mu = mnhyper(h, 1), x = (double)h->x;
  if (mu > x) return solve(h, ROOT_MEAN, 0, x);
  if (mu < x) return solve(h, ROOT_MEAN, 1, x);
  return 1;
}

/* Upper limit: the psi with P(X <= x; psi) = alpha (R's ncp.U). */
static double fisher_upper(struct hyper *h, double alpha) {
  if (h->x == h->hi) return INFINITY;
  double p = pnhyper(h, (double)h->x, 1, 0);
  if (p < alpha) return solve(h, ROOT_PLOW, 0, alpha);
  if (p > alpha) return solve(h, ROOT_PLOW, 1, alpha);
  return 1;
}

/* Lower limit: the psi with P(X >= x; psi) = alpha (R's ncp.L). */
static double fisher_lower(struct hyper *h, double alpha) {
  if (h->x == h->lo) return 0;
  double p = pnhyper(h, (double)h->x, 1, 1);
  if (p > alpha) return solve(h, ROOT_PUP, 0, alpha);
  if (p < alpha) return solve(h, ROOT_PUP, 1, alpha);
  return 1;
}

static int fisher_2x2(const long *t, double or_null, enum stats_alt alt, double conf_level,
                      struct ctab_fisher_result *r) {
  long m = t[0] + t[2], n = t[1] + t[3], k = t[0] + t[1];
  struct hyper h;
  h.x = t[0];
  h.lo = k - n > 0 ? k - n : 0;
  h.hi = k < m ? k : m;
  long len = h.hi - h.lo + 1;
  h.logdc = malloc(2 * (size_t)len * sizeof *h.logdc);
  if (!h.logdc) return GSL_ENOMEM;
  h.d = h.logdc + len;
  for (long i = 0; i < len; i++) {
    long s = h.lo + i;
    h.logdc[i] = gsl_sf_lnchoose((unsigned)m, (unsigned)s) +
                 gsl_sf_lnchoose((unsigned)n, (unsigned)(k - s)) -
                 gsl_sf_lnchoose((unsigned)(m + n), (unsigned)k);
  }
  double x = (double)h.x;
  if (alt == STATS_LESS) {
    r->p_value = pnhyper(&h, x, or_null, 0);
  } else if (alt == STATS_GREATER) {
    r->p_value = pnhyper(&h, x, or_null, 1);
  } else if (or_null == 0) {
    r->p_value = h.x == h.lo;
  } else if (isinf(or_null)) {
    r->p_value = h.x == h.hi;
  } else {
    /* sum of P(s) over tables no more likely than the observed one, with
     * R's relative fuzz 1 + 1e-7 against rounding */
    dnhyper(&h, or_null);
    double dobs = h.d[h.x - h.lo] * (1 + 1e-7), s = 0;
    for (long i = 0; i < len; i++)
      if (h.d[i] <= dobs) s += h.d[i];
    r->p_value = s;
  }
  r->estimate = fisher_mle(&h);
  if (alt == STATS_LESS) {
    r->conf_int[0] = 0;
    r->conf_int[1] = fisher_upper(&h, 1 - conf_level);
  } else if (alt == STATS_GREATER) {
    r->conf_int[0] = fisher_lower(&h, 1 - conf_level);
    r->conf_int[1] = INFINITY;
  } else {
    double a = (1 - conf_level) / 2;
    r->conf_int[0] = fisher_lower(&h, a);
    r->conf_int[1] = fisher_upper(&h, a);
  }
  r->null_value = or_null;
  r->two_by_two = 1;
  free(h.logdc);
  return GSL_SUCCESS;
}

/* ===== Fisher's exact test, r x c: network search ===== */

/* Fill columns one at a time.  A node is the multiset of row totals still
 * to fill (kept sorted, since rows are exchangeable for what remains) at a
 * stage (column).  With lf(k) = log k!, a table has probability
 *   P = exp(K - sum lf(x_ij)),  K = sum lf(R_i) + sum lf(C_j) - lf(N),
 * so a path from the root carries "past" = -sum lf(x) over filled columns.
 * For each node we know exactly, over all completions f = -sum lf(x):
 *   the maximum and minimum of f (dynamic programming over the network), and
 *   log sum exp(f) = lf(M) - sum lf(r_i) - sum_{j >= stage} lf(C_j).
 * The observed table has P_obs; the p-value sums P over tables with
 * P <= P_obs (1 + 1e-7).  A (node, past) pair whose best completion is at or
 * under that level contributes all of its completions in closed form; one
 * whose worst completion is above it contributes nothing; only the rest
 * are expanded (Mehta & Patel's network algorithm, as R's FEXACT).
 * Pasts reaching a node that are equal to 1e-9 (log scale, i.e. relative
 * 1e-9 in probability, well inside the 1e-7 fuzz) are merged with a
 * multiplicity.  The search meets in the middle: pasts go forward to the
 * middle stage; completion values are listed backward (sorted, merged the
 * same way) from the stage after it; each qualifying pair is summed by
 * bisection in the pasts' prefix sums. */

#define NET_MAX_NODES 2000000u
#define NET_MAX_PAST 5000000u   /* pasts alive at once */
#define NET_MAX_TAIL 5000000u   /* completion values kept, all nodes */

struct past { double v, w; };   /* log value, multiplicity */

struct node {
  size_t key;                   /* offset of its row totals in net.keys */
  size_t stage;
  int bounded, listed, tailed;
  double maxf, minf;            /* max and min completion value */
  struct past *past;            /* forward: pasts waiting at this node */
  size_t np, cap;
  struct past *tail;            /* backward: completion values, sorted */
  size_t ntail;
};

/* A distinct child of a node: where x leads, its cost, how many x do. */
struct kid {
  size_t id;
  double cost, mult;
};

struct net {
  size_t nr, nc;                /* rows of the state, stages */
  const int *col;               /* column totals in stage order */
  const double *lf;             /* lf[k] = log k! */
  struct node *nodes;
  size_t nnodes, capnodes;
  int *keys;                    /* nr ints per node */
  size_t capkeys;
  size_t *slots, nslots;        /* open addressing: node index + 1, 0 = empty */
  size_t **lists, *list_len, *list_cap;   /* nodes holding pasts, per stage */
  int *scratch;                 /* per stage: r, x, child key (3 nr ints) */
  struct past *tmp;             /* merge sort buffer */
  size_t captmp;
  size_t live_past, live_tail;
};

static uint64_t key_hash(const int *k, size_t nr) {
  uint64_t h = 1469598103934665603u;   /* FNV-1a */
  for (size_t i = 0; i < nr; i++) {
    h ^= (uint64_t)(unsigned)k[i];
    h *= 1099511628211u;
  }
  return h;
}

static int net_rehash(struct net *t, size_t nslots) {
  size_t *s = calloc(nslots, sizeof *s);
  if (!s) return GSL_ENOMEM;
  for (size_t id = 0; id < t->nnodes; id++) {
    size_t i = (size_t)key_hash(t->keys + t->nodes[id].key, t->nr) & (nslots - 1);
    while (s[i]) i = (i + 1) & (nslots - 1);
    s[i] = id + 1;
  }
  free(t->slots);
  t->slots = s;
  t->nslots = nslots;
  return GSL_SUCCESS;
}

/* Find or add the node with row totals key (sorted).  The remaining total
 * fixes the stage, so the key alone identifies a node. */
static int net_node(struct net *t, const int *key, size_t stage, size_t *id) {
  size_t nr = t->nr;
  size_t i = (size_t)key_hash(key, nr) & (t->nslots - 1);
  while (t->slots[i]) {
    size_t cand = t->slots[i] - 1;
    if (memcmp(t->keys + t->nodes[cand].key, key, nr * sizeof *key) == 0) {
      *id = cand;
      return GSL_SUCCESS;
    }
    i = (i + 1) & (t->nslots - 1);
  }
  if (t->nnodes >= NET_MAX_NODES) return GSL_EMAXITER;
  if (t->nnodes == t->capnodes) {
    size_t cap = t->capnodes ? 2 * t->capnodes : 1024;
    struct node *nn = realloc(t->nodes, cap * sizeof *nn);
    if (!nn) return GSL_ENOMEM;
    t->nodes = nn;
    t->capnodes = cap;
  }
  if ((t->nnodes + 1) * nr > t->capkeys) {
    size_t cap = t->capkeys ? 2 * t->capkeys : 1024 * nr;
    int *nk = realloc(t->keys, cap * sizeof *nk);
    if (!nk) return GSL_ENOMEM;
    t->keys = nk;
    t->capkeys = cap;
  }
  size_t nid = t->nnodes++;
  memcpy(t->keys + nid * nr, key, nr * sizeof *key);
  t->nodes[nid] = (struct node){.key = nid * nr, .stage = stage};
  t->slots[i] = nid + 1;
  *id = nid;
  if (2 * t->nnodes > t->nslots) return net_rehash(t, 2 * t->nslots);
  return GSL_SUCCESS;
}

/* Compositions x of total into parts 0 <= x_i <= r_i, in decreasing
 * lexicographic order; comp_first fills greedily from the left. */
static int comp_first(const int *r, size_t nr, int total, int *x) {
  for (size_t i = 0; i < nr; i++) {
    x[i] = r[i] < total ? r[i] : total;
    total -= x[i];
  }
  return total == 0;
}

static int comp_next(const int *r, size_t nr, int *x) {
  int sx = 0, cap = 0;   /* sums of x and of r to the right of i */
  for (size_t i = nr - 1; i-- > 0;) {
    sx += x[i + 1];
    cap += r[i + 1];
    if (x[i] > 0 && sx < cap) {
      x[i]--;
      int rem = sx + 1;
      for (size_t l = i + 1; l < nr; l++) {
        x[l] = r[l] < rem ? r[l] : rem;
        rem -= x[l];
      }
      return 1;
    }
  }
  return 0;
}

/* child key: r - x sorted in decreasing order (insertion sort; nr is small) */
static void child_key(const int *r, const int *x, size_t nr, int *out) {
  for (size_t i = 0; i < nr; i++) {
    int v = r[i] - x[i];
    size_t j = i;
    while (j > 0 && out[j - 1] < v) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = v;
  }
}

static double cost(const struct net *t, const int *x) {
  double s = 0;
  for (size_t i = 0; i < t->nr; i++) s -= t->lf[x[i]];
  return s;
}

static int kid_cmp(const void *a, const void *b) {
  const struct kid *x = a, *y = b;
  if (x->id != y->id) return (x->id > y->id) - (x->id < y->id);
  return (x->cost > y->cost) - (x->cost < y->cost);
}

/* The distinct children of node id (at stage < nc - 1) with multiplicities:
 * rows with equal remaining totals make many x lead to the same child at
 * the same cost.  Adds nodes as needed.  *kids is malloc'd. */
static int net_kids(struct net *t, size_t id, struct kid **kids, size_t *nk) {
  size_t nr = t->nr, stage = t->nodes[id].stage;
  int *r = t->scratch + 3 * nr * stage, *x = r + nr, *ck = x + nr;
  memcpy(r, t->keys + t->nodes[id].key, nr * sizeof *r);
  struct kid *k = NULL;
  size_t n = 0, cap = 0;
  if (!comp_first(r, nr, t->col[stage], x)) return GSL_ESANITY;
  do {
    child_key(r, x, nr, ck);
    size_t cid;
    int st = net_node(t, ck, stage + 1, &cid);
    if (!st && n == cap) {
      size_t c = cap ? 2 * cap : 16;
      struct kid *nk2 = realloc(k, c * sizeof *nk2);
      if (!nk2) st = GSL_ENOMEM;
      else {
        k = nk2;
        cap = c;
      }
    }
    if (st) {
      free(k);
      return st;
    }
    k[n++] = (struct kid){cid, cost(t, x), 1};
  } while (comp_next(r, nr, x));
  qsort(k, n, sizeof *k, kid_cmp);
  size_t m = 0;
  for (size_t i = 1; i < n; i++) {
    /* the same lf terms summed in another order: equal to rounding */
    if (k[i].id == k[m].id && k[i].cost - k[m].cost <= 1e-9) k[m].mult += 1;
    else k[++m] = k[i];
  }
  *kids = k;
  *nk = m + 1;
  return GSL_SUCCESS;
}

/* Exact max and min over completions of -sum lf(x), by recursion with memo. */
static int net_bounds(struct net *t, size_t id) {
  if (t->nodes[id].bounded) return GSL_SUCCESS;
  double mx, mn;
  if (t->nodes[id].stage == t->nc - 1) {
    mx = mn = cost(t, t->keys + t->nodes[id].key);   /* the last column is what is left */
  } else {
    struct kid *k;
    size_t nk;
    int st = net_kids(t, id, &k, &nk);
    if (st) return st;
    mx = -INFINITY;
    mn = INFINITY;
    for (size_t i = 0; i < nk; i++) {
      if ((st = net_bounds(t, k[i].id))) {
        free(k);
        return st;
      }
      mx = fmax(mx, k[i].cost + t->nodes[k[i].id].maxf);
      mn = fmin(mn, k[i].cost + t->nodes[k[i].id].minf);
    }
    free(k);
  }
  t->nodes[id].maxf = mx;
  t->nodes[id].minf = mn;
  t->nodes[id].bounded = 1;
  return GSL_SUCCESS;
}

/* Sort a[0..n-1] by v: a natural merge sort, since the arrays here are
 * concatenations of a few sorted runs (O(n log runs)). */
static int sort_past(struct net *t, struct past *a, size_t n) {
  if (n < 2) return GSL_SUCCESS;
  if (n > t->captmp) {
    struct past *p = realloc(t->tmp, n * sizeof *p);
    if (!p) return GSL_ENOMEM;
    t->tmp = p;
    t->captmp = n;
  }
  struct past *src = a, *dst = t->tmp;
  for (;;) {
    size_t i = 0;
    while (i < n) {
      size_t m1 = i + 1;
      while (m1 < n && src[m1 - 1].v <= src[m1].v) m1++;
      if (i == 0 && m1 == n) {   /* one run: sorted */
        if (src != a) memcpy(a, src, n * sizeof *a);
        return GSL_SUCCESS;
      }
      size_t m2 = m1;
      if (m2 < n) {
        m2++;
        while (m2 < n && src[m2 - 1].v <= src[m2].v) m2++;
      }
      size_t p = i, q = m1, o = i;
      while (p < m1 && q < m2) dst[o++] = src[q].v < src[p].v ? src[q++] : src[p++];
      while (p < m1) dst[o++] = src[p++];
      while (q < m2) dst[o++] = src[q++];
      i = m2;
    }
    struct past *sw = src;
    src = dst;
    dst = sw;
  }
}

/* Sort and merge values equal to within 1e-9; returns the new length. */
static int merge_sorted(struct net *t, struct past *a, size_t *n) {
  int st = sort_past(t, a, *n);
  if (st || *n == 0) return st;
  size_t k = 0;
  for (size_t i = 1; i < *n; i++) {
    if (a[i].v - a[k].v <= 1e-9) a[k].w += a[i].w;
    else a[++k] = a[i];
  }
  *n = k + 1;
  return GSL_SUCCESS;
}

static int merge_past(struct net *t, struct node *nd) {
  size_t before = nd->np;
  int st = merge_sorted(t, nd->past, &nd->np);
  t->live_past -= before - nd->np;
  return st;
}

/* Append a past to a node, merging when its array fills up so that memory
 * tracks the number of distinct pasts, not the number of paths. */
static int add_past(struct net *t, size_t id, double v, double w) {
  struct node *nd = &t->nodes[id];
  if (nd->np == nd->cap) {
    int st = merge_past(t, nd);
    if (st) return st;
    if (nd->cap == 0 || 2 * nd->np > nd->cap) {
      size_t cap = nd->cap ? 2 * nd->cap : 4;
      struct past *p = realloc(nd->past, cap * sizeof *p);
      if (!p) return GSL_ENOMEM;
      nd->past = p;
      nd->cap = cap;
    }
  }
  nd->past[nd->np++] = (struct past){v, w};
  if (++t->live_past > NET_MAX_PAST) return GSL_EMAXITER;
  if (!nd->listed) {
    size_t s = nd->stage;
    if (t->list_len[s] == t->list_cap[s]) {
      size_t cap = t->list_cap[s] ? 2 * t->list_cap[s] : 64;
      size_t *l = realloc(t->lists[s], cap * sizeof *l);
      if (!l) return GSL_ENOMEM;
      t->lists[s] = l;
      t->list_cap[s] = cap;
    }
    t->lists[s][t->list_len[s]++] = id;
    nd->listed = 1;
  }
  return GSL_SUCCESS;
}

/* The sorted, merged completion values of a node (with multiplicities),
 * built backward from the last stage with memo. */
static int net_tail(struct net *t, size_t id) {
  if (t->nodes[id].tailed) return GSL_SUCCESS;
  struct past *list = NULL;
  size_t n = 0;
  int st = GSL_SUCCESS;
  if (t->nodes[id].stage == t->nc - 1) {
    if (!(list = malloc(sizeof *list))) return GSL_ENOMEM;
    list[n++] = (struct past){cost(t, t->keys + t->nodes[id].key), 1};
  } else {
    struct kid *k;
    size_t nk, total = 0;
    if ((st = net_kids(t, id, &k, &nk))) return st;
    for (size_t i = 0; i < nk && !st; i++) {
      st = net_tail(t, k[i].id);
      total += t->nodes[k[i].id].ntail;
    }
    if (!st && t->live_tail + total > NET_MAX_TAIL) st = GSL_EMAXITER;
    if (!st && !(list = malloc((total ? total : 1) * sizeof *list))) st = GSL_ENOMEM;
    for (size_t i = 0; i < nk && !st; i++) {
      const struct node *ch = &t->nodes[k[i].id];
      for (size_t j = 0; j < ch->ntail; j++)
        list[n++] = (struct past){k[i].cost + ch->tail[j].v, k[i].mult * ch->tail[j].w};
    }
    free(k);
    if (!st) st = merge_sorted(t, list, &n);
    if (st) {
      free(list);
      return st;
    }
  }
  t->nodes[id].tail = list;
  t->nodes[id].ntail = n;
  t->nodes[id].tailed = 1;
  t->live_tail += n;
  return GSL_SUCCESS;
}

/* Add sum of w c m exp(K + v + cost + f) over pasts (v, w), sorted
 * ascending, and a child's completions (f, c) with v + cost + f <= thr:
 * for each f the qualifying pasts are a prefix, found by bisection, whose
 * sum of w exp(v - vref) is pre[] (prefix sums). */
static void combine(const struct past *pv, size_t np, const long double *pre, double vref,
                    const struct kid *k, const struct past *tl, size_t nt, double thr,
                    double K, long double *p) {
  for (size_t j = 0; j < nt; j++) {
    double lim = thr - k->cost - tl[j].v;
    size_t lo = 0, hi = np;   /* first index with v > lim */
    while (lo < hi) {
      size_t m = lo + (hi - lo) / 2;
      if (pv[m].v <= lim) lo = m + 1;
      else hi = m;
    }
    if (lo == 0) break;      /* larger f only shrink the prefix */
    *p += (long double)(k->mult * tl[j].w * exp(K + k->cost + tl[j].v + vref)) * pre[lo];
  }
}

/* Process the pasts waiting at node id (stage s): resolve those the bounds
 * decide, then expand the rest forward (s < mid) or, at s == mid, combine
 * them with each child's completion list.  Terms are exp() in double
 * (relative error ~1e-16), summed in long double. */
static int net_visit(struct net *t, size_t id, size_t mid, double thr, double K,
                     long double *p) {
  struct node *nd = &t->nodes[id];
  size_t s = nd->stage, nr = t->nr;
  int st = merge_past(t, nd);
  size_t np = nd->np;
  const int *r = t->keys + nd->key;
  int M = 0;
  double lsum = 0;   /* log sum over completions of exp(f) */
  for (size_t i = 0; i < nr; i++) {
    M += r[i];
    lsum -= t->lf[r[i]];
  }
  lsum += t->lf[M];
  for (size_t j = s; j < t->nc; j++) lsum -= t->lf[t->col[j]];
  size_t nu = 0;     /* undecided pasts, compacted in order */
  for (size_t k = 0; k < np && !st; k++) {
    struct past pk = nd->past[k];
    if (pk.v + nd->maxf <= thr) *p += (long double)(pk.w * exp(K + pk.v + lsum));
    else if (pk.v + nd->minf <= thr) nd->past[nu++] = pk;
  }
  if (!st && nu > 0 && s + 1 < t->nc) {
    struct kid *k;
    size_t nk;
    if (!(st = net_kids(t, id, &k, &nk))) {
      if (s == mid) {
        /* meet in the middle: these pasts against each child's completions */
        long double *pre = malloc((nu + 1) * sizeof *pre);
        const struct past *pv = t->nodes[id].past;
        double vref = pv[nu - 1].v;
        if (!pre) st = GSL_ENOMEM;
        else {
          pre[0] = 0;
          for (size_t i = 0; i < nu; i++)
            pre[i + 1] = pre[i] + (long double)(pv[i].w * exp(pv[i].v - vref));
        }
        for (size_t i = 0; i < nk && !st; i++) {
          if ((st = net_tail(t, k[i].id))) break;
          const struct node *ch = &t->nodes[k[i].id];
          combine(t->nodes[id].past, nu, pre, vref, &k[i], ch->tail, ch->ntail, thr, K, p);
        }
        free(pre);
      } else {
        for (size_t i = 0; i < nk && !st; i++)
          for (size_t j = 0; j < nu && !st; j++) {
            struct past pj = t->nodes[id].past[j];
            st = add_past(t, k[i].id, pj.v + k[i].cost, pj.w * k[i].mult);
          }
      }
      free(k);
    }
  }
  nd = &t->nodes[id];
  free(nd->past);
  nd->past = NULL;
  nd->cap = 0;
  t->live_past -= nd->np;
  nd->np = 0;
  return st;
}

/* Two-sided p-value for a table of integers t (nr x nc, row-major, no zero
 * margins, nr <= nc). */
static int fisher_network(const int *t, size_t nr, size_t nc, double *pvalue) {
  int st = GSL_SUCCESS;
  int *rows = calloc(nr, sizeof *rows), *cols = calloc(nc, sizeof *cols);
  long ntot = 0;
  struct net net = {0};
  double *lf = NULL;
  if (!rows || !cols) {
    st = GSL_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < nr; i++)
    for (size_t j = 0; j < nc; j++) {
      rows[i] += t[i * nc + j];
      cols[j] += t[i * nc + j];
      ntot += t[i * nc + j];
    }
  if (!(lf = malloc(((size_t)ntot + 1) * sizeof *lf))) {
    st = GSL_ENOMEM;
    goto done;
  }
  for (long k = 0; k <= ntot; k++) lf[k] = gsl_sf_lnfact((unsigned)k);
  double lobs = 0;
  for (size_t i = 0; i < nr * nc; i++) lobs -= lf[t[i]];
  double thr = lobs + log1p(1e-7);   /* P <= P_obs (1 + 1e-7), as R */
  double K = -lf[ntot];
  for (size_t i = 0; i < nr; i++) K += lf[rows[i]];
  for (size_t j = 0; j < nc; j++) K += lf[cols[j]];
  /* larger columns first, rows in decreasing order (the key order) */
  for (size_t j = 1; j < nc; j++)
    for (size_t l = j; l > 0 && cols[l - 1] < cols[l]; l--) {
      int tmp = cols[l];
      cols[l] = cols[l - 1];
      cols[l - 1] = tmp;
    }
  for (size_t i = 1; i < nr; i++)
    for (size_t l = i; l > 0 && rows[l - 1] < rows[l]; l--) {
      int tmp = rows[l];
      rows[l] = rows[l - 1];
      rows[l - 1] = tmp;
    }
  net.nr = nr;
  net.nc = nc;
  net.col = cols;
  net.lf = lf;
  net.scratch = malloc(3 * nr * nc * sizeof *net.scratch);
  net.lists = calloc(nc, sizeof *net.lists);
  net.list_len = calloc(nc, sizeof *net.list_len);
  net.list_cap = calloc(nc, sizeof *net.list_cap);
  if (!net.scratch || !net.lists || !net.list_len || !net.list_cap) {
    st = GSL_ENOMEM;
    goto done;
  }
  size_t root;
  if ((st = net_rehash(&net, 1024)) || (st = net_node(&net, rows, 0, &root)) ||
      (st = net_bounds(&net, root)) || (st = add_past(&net, root, 0, 1)))
    goto done;
  long double p = 0;
  size_t mid = nc / 2;   /* stages 0 .. mid-1 expand forward; mid combines */
  for (size_t s = 0; s <= mid && !st; s++)
    for (size_t li = 0; li < net.list_len[s] && !st; li++)
      st = net_visit(&net, net.lists[s][li], mid, thr, K, &p);
  if (!st) *pvalue = fmax(0, fmin(1, (double)p));
done:
  for (size_t id = 0; id < net.nnodes; id++) {
    free(net.nodes[id].past);
    free(net.nodes[id].tail);
  }
  if (net.lists)
    for (size_t s = 0; s < nc; s++) free(net.lists[s]);
  free(net.lists);
  free(net.list_len);
  free(net.list_cap);
  free(net.nodes);
  free(net.keys);
  free(net.slots);
  free(net.scratch);
  free(net.tmp);
  free(lf);
  free(rows);
  free(cols);
  return st;
}

int ctab_fisher(const double *x, size_t nr, size_t nc, double or_null, enum stats_alt alt,
                double conf_level, struct ctab_fisher_result *r) {
  if (nr < 2 || nc < 2) return GSL_EINVAL;
  double total = 0;
  for (size_t i = 0; i < nr * nc; i++) {
    if (!(x[i] >= 0) || x[i] != floor(x[i]) || x[i] > INT_MAX) return GSL_EINVAL;
    total += x[i];
  }
  if (total > 1e7) return GSL_EINVAL;   /* log-factorial table size */
  r->estimate = r->conf_int[0] = r->conf_int[1] = NAN;
  r->two_by_two = 0;
  r->null_value = or_null;
  if (nr == 2 && nc == 2) {
    if (!(or_null >= 0) || !(conf_level > 0 && conf_level < 1)) return GSL_EINVAL;
    long t[4] = {(long)x[0], (long)x[1], (long)x[2], (long)x[3]};
    return fisher_2x2(t, or_null, alt, conf_level, r);
  }
  if (alt != STATS_TWO_SIDED || or_null != 1) return GSL_EINVAL;
  /* drop empty rows and columns (they do not change any probability) and
   * put the shorter side in the state, the longer along the stages */
  size_t *ri = malloc((nr + nc) * sizeof *ri);
  if (!ri) return GSL_ENOMEM;
  size_t *ci = ri + nr, kr = 0, kc = 0;
  for (size_t i = 0; i < nr; i++) {
    double s = 0;
    for (size_t j = 0; j < nc; j++) s += x[i * nc + j];
    if (s > 0) ri[kr++] = i;
  }
  for (size_t j = 0; j < nc; j++) {
    double s = 0;
    for (size_t i = 0; i < nr; i++) s += x[i * nc + j];
    if (s > 0) ci[kc++] = j;
  }
  if (kr < 2 || kc < 2) {   /* a single possible table */
    free(ri);
    r->p_value = 1;
    return GSL_SUCCESS;
  }
  int transpose = kr > kc;
  size_t sr = transpose ? kc : kr, sc = transpose ? kr : kc;
  int *t = malloc(sr * sc * sizeof *t);
  if (!t) {
    free(ri);
    return GSL_ENOMEM;
  }
  for (size_t i = 0; i < kr; i++)
    for (size_t j = 0; j < kc; j++) {
      int v = (int)x[ri[i] * nc + ci[j]];
      if (transpose) t[j * sc + i] = v;
      else t[i * sc + j] = v;
    }
  free(ri);
  int st = fisher_network(t, sr, sc, &r->p_value);
  free(t);
  return st;
}

/* host/data/frameops_group.c -- grouped aggregation (dplyr's group_by +
 * summarise, data.table's keyby).  The common case (one key of small whole
 * numbers, aggregates that accumulate or pick a row) runs as one fused pass
 * in frameops_gfused.c; this file has the general path.  Groups are found
 * in one pass over the rows:
 * a single key of small whole numbers (text codes, bool, dates, int64 in a
 * narrow range) indexes a table directly, any other key goes through a hash
 * table on the key values (frameops.c).  The groups are then sorted (only
 * they, not the rows).  count, n, sum, mean, var and sd accumulate per group
 * in sweeps over fixed row chunks on all cores (the summation order is
 * described at those functions, and in docs/frames.md); the other aggregates
 * gather each group's rows (a counting sort) and run over them.
 * Missing values are skipped by every aggregate (na.rm = TRUE). */
#include "frameops_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chunks.h"
#include "mem.h"

static const char *const agg_names[FRAMEOPS_NAGG] = {
  "count", "n", "sum", "mean", "sd", "var", "min", "max",
  "median", "quantile", "first", "last", "n_distinct"};

const char *frameops_agg_name(enum frameops_agg fn) {
  return (unsigned)fn < FRAMEOPS_NAGG ? agg_names[fn] : "?";
}

int frameops_agg_parse(const char *s, enum frameops_agg *out) {
  for (int k = 0; k < FRAMEOPS_NAGG; k++)
    if (strcmp(s, agg_names[k]) == 0) { *out = (enum frameops_agg)k; return 0; }
  return -1;
}

const char *frameops_agg_suggest(const char *s) {
  const char *best = NULL;
  size_t bestd = 3, ls = strlen(s);   /* within two edits */
  for (int k = 0; k < FRAMEOPS_NAGG; k++) {
    size_t d = frame_edit_distance(s, ls, agg_names[k], strlen(agg_names[k]));
    if (d < bestd) { bestd = d; best = agg_names[k]; }
  }
  return best;
}

static int numeric_fn(enum frameops_agg fn) {
  return fn == FRAMEOPS_SUM || fn == FRAMEOPS_MEAN || fn == FRAMEOPS_SD || fn == FRAMEOPS_VAR ||
         fn == FRAMEOPS_MEDIAN || fn == FRAMEOPS_QUANTILE;
}

static int numeric_type(enum frame_type t) {
  return t == FRAME_F64 || t == FRAME_I64 || t == FRAME_BOOL;
}

/* The rows of each group: group g (in output order) has rows
 * list[start[g] .. start[g+1]-1], in row order. */
struct grouping {
  size_t ng;
  size_t *start, *list;
  size_t *rep;        /* first row of each group, output order */
};

/* ===== numeric helpers ===== */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Quantile of sorted x[0..n-1] (n > 0) by R's type 7 (the default of R's
 * quantile(), numpy's "linear"): index h = (n - 1) p, then linear
 * interpolation between x[floor h] and x[ceil h], computed exactly as R
 * does ((1 - f) lo + f hi, only when the two differ). */
static double quantile7(const double *x, size_t n, double p) {
  double h = (double)(n - 1) * p;
  size_t lo = (size_t)floor(h), hi = (size_t)ceil(h);
  if (hi >= n) hi = n - 1;
  if (lo >= n) lo = n - 1;
  double q = x[lo];
  if (h > (double)lo && x[hi] != q) {
    double f = h - (double)lo;
    q = (1 - f) * q + f * x[hi];
  }
  return q;
}

static uint64_t distinct_key(const struct frame_col *c, size_t i) {
  switch (c->type) {
  case FRAME_F64: {
    double d = c->v.f64[i] == 0 ? 0.0 : c->v.f64[i];   /* -0 and 0 are one value */
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
  }
  case FRAME_I64: return (uint64_t)c->v.i64[i];
  case FRAME_BOOL: return c->v.b[i];
  case FRAME_DATE: return (uint64_t)(int64_t)c->v.date[i];
  case FRAME_CAT: return (uint64_t)c->v.cat[i];
  default: return 0;
  }
}

/* ===== one aggregate column ===== */

static struct frame_col *agg_column(const struct frameops_aggspec *a, const struct frame_col *c,
                                    const struct grouping *gr, double *xs, uint64_t *us,
                                    size_t *pick, char *err, size_t errlen) {
  const char *op = "aggregate";
  size_t ng = gr->ng;
  enum frameops_agg fn = a->fn;
  struct frame_col *o = NULL;

  if (fn == FRAMEOPS_MIN || fn == FRAMEOPS_MAX || fn == FRAMEOPS_FIRST || fn == FRAMEOPS_LAST) {
    struct fo_key k;
    if (fo_key_init(&k, c, 0) != 0) return fo_oom(err, errlen, op);
    for (size_t g = 0; g < ng; g++) {
      size_t best = FO_NONE;
      for (size_t r = gr->start[g]; r < gr->start[g + 1]; r++) {
        size_t i = gr->list[r];
        if (fo_missing(c, i)) continue;
        if (best == FO_NONE || fn == FRAMEOPS_LAST) { best = i; if (fn == FRAMEOPS_FIRST) break; continue; }
        int d = fo_cmp_rows(&k, 1, i, best);
        if ((fn == FRAMEOPS_MIN && d < 0) || (fn == FRAMEOPS_MAX && d > 0)) best = i;
      }
      pick[g] = best;
    }
    fo_key_free(&k);
    o = fo_take(c, pick, ng, a->name, NA_CALC);
    return o ? o : fo_oom(err, errlen, op);
  }

  int int_out = fn == FRAMEOPS_COUNT || fn == FRAMEOPS_N || fn == FRAMEOPS_N_DISTINCT ||
                (fn == FRAMEOPS_SUM && c->type != FRAME_F64);
  o = fo_col_alloc(a->name, int_out ? FRAME_I64 : FRAME_F64, ng, NULL);
  if (!o) return fo_oom(err, errlen, op);

  for (size_t g = 0; g < ng; g++) {
    size_t r0 = gr->start[g], r1 = gr->start[g + 1], m = 0;
    if (fn == FRAMEOPS_N_DISTINCT) {
      for (size_t r = r0; r < r1; r++)
        if (!fo_missing(c, gr->list[r])) us[m++] = distinct_key(c, gr->list[r]);
      qsort(us, m, sizeof *us, cmp_u64);
      int64_t nd = 0;
      for (size_t i = 0; i < m; i++) nd += i == 0 || us[i] != us[i - 1];
      o->v.i64[g] = nd;
      continue;
    }
    if (int_out && fn == FRAMEOPS_SUM) {        /* int64 or bool: exact, overflow checked */
      int64_t s = 0;
      for (size_t r = r0; r < r1; r++) {
        size_t i = gr->list[r];
        if (fo_missing(c, i)) continue;
        int64_t v = c->type == FRAME_BOOL ? c->v.b[i] : c->v.i64[i];
        if ((v > 0 && s > INT64_MAX - v) || (v < 0 && s < INT64_MIN - v)) {
          frame_col_free(o);
          return fo_nerr(err, errlen, "%s: the sum of \"%s\" for \"%s\" overflows int64 in "
                         "group %zu; convert the column to float64 first", op, c->name,
                         a->name, g + 1);
        }
        s += v;
      }
      o->v.i64[g] = s;
      continue;
    }
    for (size_t r = r0; r < r1; r++) {
      size_t i = gr->list[r];
      if (!fo_missing(c, i)) xs[m++] = frame_col_getd(c, i);
    }
    if (fn == FRAMEOPS_N) { o->v.i64[g] = (int64_t)m; continue; }
    double v = NAN;
    switch (fn) {
    case FRAMEOPS_SUM: {
      struct fo_nsum s = {0, 0};
      for (size_t i = 0; i < m; i++) fo_nsum_add(&s, xs[i]);
      v = fo_nsum_get(&s);                          /* 0 for no values */
      break;
    }
    case FRAMEOPS_MEDIAN:
    case FRAMEOPS_QUANTILE:
      if (m > 0) {
        qsort(xs, m, sizeof *xs, cmp_double);
        if (fn == FRAMEOPS_QUANTILE) v = quantile7(xs, m, a->p);
        else v = m % 2 ? xs[m / 2] : 0.5 * xs[m / 2 - 1] + 0.5 * xs[m / 2];
      }
      break;
    default: break;
    }
    if (isnan(v)) {
      if (fo_set_missing(o, g, NA_CALC) != 0) { frame_col_free(o); return fo_oom(err, errlen, op); }
    } else {
      o->v.f64[g] = v;
    }
  }
  return o;
}

/* ===== accumulating aggregates: count, n, sum, mean, var, sd =====
 * Sweeps over the rows (one; two for var and sd) in the
 * fixed row chunks of chunks.h, on all cores.  Each chunk adds its rows'
 * values to its own partial result for every group, in row order; the
 * partials are then folded into the totals in chunk order.  The chunks
 * depend only on the number of rows, so the result is the same bytes
 * whatever the number of threads, and the same as one pass in row order
 * when there is one chunk (up to CHUNK_ROWS rows).  Compensated sums fold
 * a chunk's sum with Neumaier's step and add its compensation.  og[i] is
 * row i's group in output order. */

static int streams(enum frameops_agg fn) {
  return fn == FRAMEOPS_N || fn == FRAMEOPS_SUM || fn == FRAMEOPS_MEAN || fn == FRAMEOPS_VAR ||
         fn == FRAMEOPS_SD;
}

enum sweep_pass { SW_N, SW_ISUM, SW_SUM, SW_SQ };

struct gpart {          /* one chunk's partial results for one group */
  struct fo_nsum s;     /* sum (SW_SUM) */
  double ss, dev;       /* squared deviations and deviations (SW_SQ) */
  int64_t m, isum;      /* values present (SW_N, SW_SUM); exact int sum (SW_ISUM) */
  int bad;              /* the int sum overflowed */
};

struct sweep {          /* one pass over one chunk */
  enum sweep_pass pass;
  const struct frame_col *c;
  const size_t *og;
  const struct fo_gstat *st;   /* the means, for SW_SQ */
  struct gpart *p;             /* this chunk's partials, ng of them */
  size_t lo, hi, ng;
};

static int sweep_run(void *arg) {
  struct sweep *w = arg;
  const struct frame_col *c = w->c;
  const size_t *og = w->og;
  const struct fo_gstat *st = w->st;
  struct gpart *p = w->p;
  size_t lo = w->lo, hi = w->hi;
  memset(p, 0, w->ng * sizeof *p);
  switch (w->pass) {
  case SW_N:
    if (c->type == FRAME_F64 || c->type == FRAME_I64 || c->type == FRAME_BOOL)
      FO_EACH_VALUE(c, lo, hi, (void)x; p[og[i]].m++);
    else
      for (size_t i = lo; i < hi; i++) p[og[i]].m += !(c->na && c->na[i]);
    break;
  case SW_ISUM:
    for (size_t i = lo; i < hi; i++) {
      if (c->na && c->na[i]) continue;
      struct gpart *t = &p[og[i]];
      int64_t v = c->type == FRAME_BOOL ? c->v.b[i] : c->v.i64[i];
      t->bad |= __builtin_add_overflow(t->isum, v, &t->isum);
    }
    break;
  case SW_SUM: FO_EACH_VALUE(c, lo, hi, struct gpart *t = &p[og[i]]; fo_nsum_add(&t->s, x); t->m++); break;
  default:
    FO_EACH_VALUE(c, lo, hi, size_t g = og[i]; double d = x - st[g].mean; p[g].ss += d * d; p[g].dev += d);
    break;
  }
  return 0;
}

/* Fold one chunk's partials into the totals (chunk order is the caller's). */
static void sweep_fold(enum sweep_pass pass, struct fo_gstat *st, const struct gpart *p, size_t ng) {
  for (size_t g = 0; g < ng; g++) {
    struct fo_gstat *t = &st[g];
    switch (pass) {
    case SW_N: t->m += p[g].m; break;
    case SW_ISUM: t->bad |= p[g].bad | __builtin_add_overflow(t->isum, p[g].isum, &t->isum); break;
    case SW_SUM: fo_nsum_add(&t->s, p[g].s.s); t->s.c += p[g].s.c; t->m += p[g].m; break;
    default: t->ss += p[g].ss; t->dev += p[g].dev; break;
    }
  }
}

/* Partials kept at once when the chunks run in parallel (ng of them per
 * chunk); with more groups the chunks run one after the other through one
 * buffer, folded in the same order, so the same bytes. */
#define SWEEP_MAX_PARTIALS ((size_t)1 << 18)

/* One pass over all rows into st (which the caller zeroed).  -1 on OOM. */
static int sweep_all(enum sweep_pass pass, const struct frame_col *c, const size_t *og, size_t n,
                     size_t ng, struct fo_gstat *st) {
  size_t nc = chunks_count(n), ng1 = ng ? ng : 1;
  int par = nc > 1 && ng1 <= SWEEP_MAX_PARTIALS / nc;
  size_t nbuf = par ? nc : 1;
  struct gpart *buf = malloc(nbuf * ng1 * sizeof *buf);
  struct sweep *w = malloc(nbuf * sizeof *w);
  if (!buf || !w) { free(buf); free(w); return -1; }
  for (size_t k = 0; k < nc; k++) {
    size_t b = par ? k : 0;
    w[b] = (struct sweep){pass, c, og, st, buf + b * ng1, n * k / nc, n * (k + 1) / nc, ng};
    if (!par) {
      sweep_run(&w[0]);
      sweep_fold(pass, st, w[0].p, ng);
    }
  }
  if (par) {
    chunks_run(sweep_run, w, sizeof *w, nc);
    for (size_t k = 0; k < nc; k++) sweep_fold(pass, st, w[k].p, ng);
  }
  free(buf); free(w);
  return 0;
}

void fo_stream_means(struct fo_gstat *st, size_t ng) {
  for (size_t g = 0; g < ng; g++) {
    st[g].mean = st[g].m ? fo_nsum_mean(&st[g].s, st[g].m) : NAN;
    st[g].fin = st[g].m && isfinite(st[g].mean);
  }
}

struct frame_col *fo_stream_finish(const struct frameops_aggspec *a, const struct frame_col *c,
                                   const struct fo_gstat *st, size_t ng, char *err, size_t errlen) {
  enum frameops_agg fn = a->fn;
  int int_sum = fn == FRAMEOPS_SUM && c->type != FRAME_F64;
  struct frame_col *o = fo_col_alloc(a->name, fn == FRAMEOPS_N || int_sum ? FRAME_I64 : FRAME_F64,
                                     ng, NULL);
  if (!o) return fo_oom(err, errlen, "aggregate");
  if (fn == FRAMEOPS_N) {
    for (size_t g = 0; g < ng; g++) o->v.i64[g] = st[g].m;
    return o;
  }
  if (int_sum) {   /* exact; the first group (in output order) to overflow is named */
    for (size_t g = 0; g < ng; g++) {
      if (st[g].bad) {
        frame_col_free(o);
        return fo_nerr(err, errlen, "aggregate: the sum of \"%s\" for \"%s\" overflows int64 in "
                       "group %zu; convert the column to float64 first", c->name, a->name, g + 1);
      }
      o->v.i64[g] = st[g].isum;
    }
    return o;
  }
  for (size_t g = 0; g < ng; g++) {
    double v = NAN, m = (double)st[g].m;
    switch (fn) {
    case FRAMEOPS_SUM: v = fo_nsum_get(&st[g].s); break;   /* 0 for no values */
    case FRAMEOPS_MEAN: v = st[g].mean; break;
    default:
      if (st[g].m > 1) {
        v = (st[g].ss - st[g].dev * st[g].dev / m) / (m - 1);
        if (v < 0) v = 0;
        if (fn == FRAMEOPS_SD) v = sqrt(v);
      }
      break;
    }
    if (isnan(v)) {
      if (fo_set_missing(o, g, NA_CALC) != 0) { frame_col_free(o); return fo_oom(err, errlen, "aggregate"); }
    } else {
      o->v.f64[g] = v;
    }
  }
  return o;
}

static struct frame_col *agg_stream(const struct frameops_aggspec *a, const struct frame_col *c,
                                    const size_t *og, size_t n, size_t ng, struct fo_gstat *st,
                                    char *err, size_t errlen) {
  enum frameops_agg fn = a->fn;
  int int_sum = fn == FRAMEOPS_SUM && c->type != FRAME_F64;
  memset(st, 0, (ng ? ng : 1) * sizeof *st);
  enum sweep_pass first = fn == FRAMEOPS_N ? SW_N : int_sum ? SW_ISUM : SW_SUM;
  if (sweep_all(first, c, og, n, ng, st) != 0) return fo_oom(err, errlen, "aggregate");
  if (fn == FRAMEOPS_MEAN || fn == FRAMEOPS_VAR || fn == FRAMEOPS_SD) {
    fo_stream_means(st, ng);
    if (fn != FRAMEOPS_MEAN && sweep_all(SW_SQ, c, og, n, ng, st) != 0)
      return fo_oom(err, errlen, "aggregate");
  }
  return fo_stream_finish(a, c, st, ng, err, errlen);
}

/* ===== finding the groups ===== */

/* A single key of small whole numbers indexes a table of group numbers
 * directly, so a row's group is one load: text by its dictionary code (one
 * code per distinct string), bool by 0 or 1, dates and int64 by their value
 * less the smallest when the values span at most DIRECT_SPAN(n) numbers.
 * Groups are numbered in order of first appearance and every missing key
 * (whatever its reason) is one group, as in the hash path.  Returns 1 with
 * gid[0..n-1], *rep (first row of each group, malloc'd) and *ng set; 0 when
 * the key is not of that kind; -1 out of memory. */
#define DIRECT_SPAN(n) ((n) / 2 + 4096)

#define DIRECT_LOOP(KEY)                                                                \
  for (size_t i = 0; i < n; i++) {                                                      \
    size_t k_ = na && na[i] ? span : (size_t)(KEY);                                     \
    uint32_t t_ = tab[k_];                                                              \
    if (!t_) { rep[ng] = i; t_ = tab[k_] = (uint32_t)++ng; }                            \
    gid[i] = t_ - 1;                                                                    \
  }

static int direct_groups(const struct frame_col *c, size_t n, size_t *gid, size_t **rep_out,
                         size_t *ng_out) {
  const uint8_t *na = c->na;
  uint64_t span;
  int64_t lo = 0;
  if (n >= UINT32_MAX) return 0;
  switch (c->type) {
  case FRAME_CAT:
    span = c->dict->n;
    for (size_t i = 0; i < n; i++)   /* codes of present values are in the dictionary */
      if (!(na && na[i]) && (uint32_t)c->v.cat[i] >= span) return 0;
    break;
  case FRAME_BOOL: span = 2; break;
  case FRAME_I64: case FRAME_DATE: {
    int64_t hi = INT64_MIN;
    lo = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
      if (na && na[i]) continue;
      int64_t v = c->type == FRAME_I64 ? c->v.i64[i] : c->v.date[i];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    span = lo > hi ? 0 : (uint64_t)hi - (uint64_t)lo;   /* INT64_MIN..INT64_MAX: 2^64 - 1 */
    span += lo <= hi && span != UINT64_MAX;              /* values; never wraps to 0 */
    break;
  }
  default: return 0;
  }
  if (span > DIRECT_SPAN(n)) return 0;
  uint32_t *tab = calloc(span + 1, sizeof *tab);
  size_t *rep = malloc(((span + 1 < n ? span + 1 : n) + 1) * sizeof *rep), ng = 0;
  if (!tab || !rep) { free(tab); free(rep); return -1; }
  switch (c->type) {
  case FRAME_CAT: { const int32_t *v = c->v.cat; DIRECT_LOOP(v[i]) break; }
  case FRAME_BOOL: { const uint8_t *v = c->v.b; DIRECT_LOOP(v[i] != 0) break; }
  case FRAME_DATE: { const int32_t *v = c->v.date; DIRECT_LOOP((uint64_t)v[i] - (uint64_t)lo) break; }
  default: { const int64_t *v = c->v.i64; DIRECT_LOOP((uint64_t)v[i] - (uint64_t)lo) break; }
  }
  free(tab);
  *rep_out = rep;
  *ng_out = ng;
  return 1;
}

/* ===== checking the request ===== */

static int check_aggs(const struct frame *f, const char *const *keys, size_t nkeys,
                      const struct frameops_aggspec *aggs, size_t naggs, char *err, size_t errlen) {
  const char *op = "aggregate";
  if (fo_distinct_names(keys, nkeys, op, "group key", err, errlen) != 0) return -1;
  for (size_t k = 0; k < nkeys; k++)
    if (fo_col(f, keys[k], op, NULL, err, errlen) < 0) return -1;
  for (size_t a = 0; a < naggs; a++) {
    const struct frameops_aggspec *s = &aggs[a];
    if ((unsigned)s->fn >= FRAMEOPS_NAGG)
      return fo_err(err, errlen, "%s: aggregate %zu has an unknown function", op, a + 1);
    if (!s->name || !s->name[0])
      return fo_err(err, errlen, "%s: aggregate %zu (%s) has no output name", op, a + 1,
                    agg_names[s->fn]);
    for (size_t k = 0; k < nkeys; k++)
      if (strcmp(s->name, keys[k]) == 0)
        return fo_err(err, errlen, "%s: output column \"%s\" is also a group key", op, s->name);
    for (size_t b = 0; b < a; b++)
      if (strcmp(s->name, aggs[b].name) == 0)
        return fo_err(err, errlen, "%s: output column \"%s\" given twice", op, s->name);
    if (s->fn == FRAMEOPS_COUNT) continue;
    if (!s->column)
      return fo_err(err, errlen, "%s: \"%s\" (%s) needs a column", op, s->name, agg_names[s->fn]);
    int j = fo_col(f, s->column, op, NULL, err, errlen);
    if (j < 0) return -1;
    enum frame_type t = f->col[j]->type;
    if (numeric_fn(s->fn) && !numeric_type(t))
      return fo_err(err, errlen, "%s: \"%s\": %s needs a number column, and \"%s\" is %s", op,
                    s->name, agg_names[s->fn], s->column, frame_type_name(t));
    if (s->fn == FRAMEOPS_QUANTILE && !(s->p >= 0 && s->p <= 1))
      return fo_err(err, errlen, "%s: \"%s\": quantile probability %g is not between 0 and 1",
                    op, s->name, s->p);
  }
  return 0;
}

/* ===== the operation ===== */


struct frame *frameops_aggregate(const struct frame *f, const char *const *keys, size_t nkeys,
                                 const struct frameops_aggspec *aggs, size_t naggs,
                                 char *err, size_t errlen) {
  const char *op = "aggregate";
  if (check_aggs(f, keys, nkeys, aggs, naggs, err, errlen) != 0) return NULL;
  if (nkeys == 1 && naggs <= FO_FUSED_MAX_AGGS) {   /* the common case in one pass */
    const struct frame_col *cols[FO_FUSED_MAX_AGGS];
    for (size_t a = 0; a < naggs; a++)
      cols[a] = aggs[a].fn == FRAMEOPS_COUNT ? NULL : f->col[frame_find(f, aggs[a].column)];
    struct frame *fo;
    int d = fo_aggregate_fused(f->col[frame_find(f, keys[0])], cols, aggs, naggs, f->nrow, &fo,
                               err, errlen);
    if (d < 0) return fo_oom(err, errlen, op);
    if (d > 0) return fo;
  }
  size_t n = f->nrow, n1 = n ? n : 1;
  struct fo_key *kk = calloc(nkeys ? nkeys : 1, sizeof *kk);
  struct fo_groups gs;
  int have_gs = 0;
  struct grouping gr = {0, NULL, NULL, NULL};
  size_t *gid = mem_alloc_large(n1 * sizeof *gid), *pos = NULL, *fill = NULL, *pick = NULL;
  double *xs = NULL;
  uint64_t *us = NULL;
  struct frame *o = NULL;
  int ok = kk && gid;

  for (size_t k = 0; ok && k < nkeys; k++)
    ok = fo_key_init(&kk[k], f->col[frame_find(f, keys[k])], 0) == 0;

  /* group ids in order of first appearance; rep: each group's first row */
  size_t *rep = NULL, *direct_rep = NULL;
  if (ok && nkeys == 1) {
    int d = direct_groups(kk[0].c, n, gid, &direct_rep, &gr.ng);
    ok = d >= 0;
    rep = direct_rep;
  }
  if (ok && nkeys > 0 && !rep) {
    ok = fo_groups_init(&gs) == 0;
    have_gs = ok;
    for (size_t i = 0; ok && i < n; i++) ok = fo_groups_add(&gs, kk, nkeys, i, &gid[i]) == 0;
    gr.ng = ok ? gs.n : 0;
    rep = gs.rep;
  } else if (ok && nkeys == 0) {
    for (size_t i = 0; i < n; i++) gid[i] = 0;
    gr.ng = 1;                                   /* one group, even with no rows */
  }
  int need_list = 0;
  for (size_t a = 0; a < naggs; a++)
    if (aggs[a].fn != FRAMEOPS_COUNT && !streams(aggs[a].fn)) need_list = 1;
  size_t ng1 = gr.ng ? gr.ng : 1;
  struct fo_gstat *st = NULL;
  if (ok) {
    gr.rep = malloc(ng1 * sizeof *gr.rep);
    gr.start = calloc(ng1 + 1, sizeof *gr.start);
    pos = malloc(ng1 * sizeof *pos);
    st = calloc(ng1, sizeof *st);
    ok = gr.rep && gr.start && pos && st;
  }
  if (ok && need_list) {
    gr.list = mem_alloc_large(n1 * sizeof *gr.list);
    fill = malloc(ng1 * sizeof *fill);
    pick = malloc(ng1 * sizeof *pick);
    xs = malloc(n1 * sizeof *xs);
    us = malloc(n1 * sizeof *us);
    ok = gr.list && fill && pick && xs && us;
  }
  /* output order: groups sorted by their key values (missing last) */
  if (ok && nkeys > 0) {
    if (gr.ng) memcpy(gr.rep, rep, gr.ng * sizeof *gr.rep);
    ok = fo_sort_idx(gr.rep, gr.ng, kk, nkeys) == 0;
    for (size_t g = 0; ok && g < gr.ng; g++) pos[gid[gr.rep[g]]] = g;
  } else if (ok) {
    gr.rep[0] = 0;
    pos[0] = 0;
  }
  /* each row's group in output order; group sizes */
  if (ok) {
    for (size_t i = 0; i < n; i++) {
      gid[i] = pos[gid[i]];
      gr.start[gid[i] + 1]++;
    }
    for (size_t g = 0; g < gr.ng; g++) gr.start[g + 1] += gr.start[g];
  }
  /* rows of each group, by a counting sort that keeps row order */
  if (ok && need_list) {
    memcpy(fill, gr.start, gr.ng * sizeof *fill);
    for (size_t i = 0; i < n; i++) gr.list[fill[gid[i]]++] = i;
  }
  if (ok) {
    o = frame_new();
    ok = o != NULL;
  }
  if (ok) o->nrow = gr.ng;
  for (size_t k = 0; ok && k < nkeys; k++) {
    struct frame_col *c = frame_col_take(kk[k].c, gr.rep, gr.ng, NULL);
    ok = c && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }
  int failed_msg = 0;
  for (size_t a = 0; ok && a < naggs; a++) {
    const struct frame_col *c = aggs[a].fn == FRAMEOPS_COUNT
      ? NULL : f->col[frame_find(f, aggs[a].column)];
    struct frame_col *oc;
    if (!c) {
      oc = fo_col_alloc(aggs[a].name, FRAME_I64, gr.ng, NULL);
      for (size_t g = 0; oc && g < gr.ng; g++) oc->v.i64[g] = (int64_t)(gr.start[g + 1] - gr.start[g]);
    } else if (streams(aggs[a].fn)) {
      oc = agg_stream(&aggs[a], c, gid, n, gr.ng, st, err, errlen);
      if (!oc) failed_msg = 1;
    } else {
      oc = agg_column(&aggs[a], c, &gr, xs, us, pick, err, errlen);
      if (!oc) failed_msg = 1;
    }
    ok = oc && frame_add(o, oc) == 0;
    if (!ok) frame_col_free(oc);
  }

  for (size_t k = 0; kk && k < nkeys; k++) fo_key_free(&kk[k]);
  free(kk);
  if (have_gs) fo_groups_free(&gs);
  free(gid); free(pos); free(fill); free(pick); free(xs); free(us); free(st); free(direct_rep);
  free(gr.rep); free(gr.start); free(gr.list);
  if (!ok) {
    frame_free(o);
    return failed_msg ? NULL : fo_oom(err, errlen, op);
  }
  return o;
}

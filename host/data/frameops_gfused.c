/* host/data/frameops_gfused.c -- group-by in one fused pass, for the common
 * case: a single key of small whole numbers (text by its dictionary code,
 * bool, dates and int64 in a narrow range) and aggregates that accumulate
 * (count, n, sum, mean, var, sd) or pick a row (min, max, first, last).
 * The key's value, less the smallest, is the group's slot: no group-index
 * column is made.  The rows are cut into the fixed chunks of chunks.h and
 * run on all cores; each chunk reads the key and every aggregated column
 * once, block by block (the block's slots computed once, in L1), adding
 * each row to its own per-chunk, per-slot partials.  An int64 or date key's
 * range is not found by a pass of its own: every chunk numbers its slots
 * from the first chunk's range, and a chunk that meets a value outside it
 * widens its slots to its own range joined to them (widen); the fold maps
 * each chunk's slots to the whole column's.  The partials are then
 * folded in chunk order exactly as frameops_group.c's sweeps fold theirs,
 * so the results are the same bytes as that general path, on any number of
 * threads.  A mean comes from its compensated sum (fo_nsum_mean); var and
 * sd take a second pass over their columns for the squared deviations from
 * it (the corrected two-pass algorithm), as in frameops_group.c. */
#include "frameops_int.h"

#include <stdlib.h>
#include <string.h>

#include "chunks.h"

/* Rows whose slots are computed at once (on the stack). */
#define FUSED_BLOCK 2048
/* Partials kept at once: every chunk's, for every aggregate and slot.  Above
 * this (many distinct key values) the general path is used. */
#define FUSED_MAX_BYTES ((size_t)32 << 20)
/* The same bound on the key's span as the general path's direct table. */
#define DIRECT_SPAN(n) ((n) / 2 + 4096)

enum fused_pass { FP_FIRST, FP_SQ };

struct fpart {          /* one chunk's partial for one aggregate and slot */
  struct fo_nsum s;     /* sum (FP_FIRST) */
  double ss, dev;       /* squared deviations and deviations (FP_SQ) */
  double bx;            /* min, max: the best value so far (float64, bool) */
  int64_t m, isum, bi;  /* values present; exact int sum; best int64 or date */
  size_t row;           /* min, max, first, last: its row, FO_NONE for none */
  int bad;              /* the int sum overflowed */
};

/* A chunk's slots: value v is slot v - lo for v in lo .. lo + span - 1, the
 * missing key slot span. */
struct fslots { int64_t lo; uint32_t span; };

struct fctx {
  const struct frame_col *key;
  int64_t lo;                          /* int64 and date keys: the smallest value */
  uint32_t span;                       /* slots of values; slot span is the missing key */
  size_t S;                            /* span + 1 */
  int local;                           /* int64, date: each chunk's slots from its own range */
  size_t maxS;                         /* a chunk's slots at most (local), else the general path */
  /* The chunks' partials, allocated once per pass by the calling thread
   * (memory the threads' own allocations would take fresh from the kernel
   * on every call): cap slots a chunk; a chunk that needs more allocates its
   * own. */
  struct fpart *pool;
  int64_t *pcnt;
  size_t cap;
  struct fslots guess;                 /* local keys: the first chunk's range, every chunk's start */
  const struct frame_col *const *cols; /* per aggregate, NULL for count */
  const struct frameops_aggspec *aggs;
  size_t naggs;
  const struct fo_gstat *st;           /* naggs x S totals: the means for FP_SQ */
};

struct fjob {
  const struct fctx *x;
  enum fused_pass pass;
  size_t lo, hi;
  struct fslots k;      /* this chunk's numbering of the slots */
  size_t idx;           /* the chunk's number */
  struct fpart *p;      /* naggs x (k.span + 1): in x->pool, or the chunk's own when own */
  int64_t *cnt;         /* k.span + 1: rows (FP_FIRST) */
  int own;
  int bad;              /* JOB_CODE, JOB_WIDE or JOB_OOM */
};

enum { JOB_CODE = 1,    /* a text code outside its dictionary */
       JOB_WIDE,        /* the chunk's key spans more slots than x->maxS */
       JOB_OOM };

static int int_sum(const struct frameops_aggspec *a, const struct frame_col *c) {
  return a->fn == FRAMEOPS_SUM && c->type != FRAME_F64;
}

static int has_mean(enum frameops_agg fn) {
  return fn == FRAMEOPS_MEAN || fn == FRAMEOPS_VAR || fn == FRAMEOPS_SD;
}

/* Slots of rows b0..b1-1 into k[0..b1-b0).  -1 when a text code is outside
 * its dictionary (then the general path decides) or a date or int64 value
 * outside lo .. lo + span - 1 (then the chunk widens its slots). */
#define SLOTS_LOOP                                                                        \
  do {                                                                                    \
    if (!na) {                                                                            \
      for (size_t i = b0; i < b1; i++) {                                                  \
        uint64_t d = (uint64_t)v[i] - lo;                                                 \
        over |= d >= span;                                                                \
        k[i - b0] = (uint32_t)d;                                                          \
      }                                                                                   \
    } else {                                                                              \
      for (size_t i = b0; i < b1; i++) {                                                  \
        uint64_t d = (uint64_t)v[i] - lo;                                                 \
        over |= !na[i] & (d >= span);                                                     \
        k[i - b0] = na[i] ? span : (uint32_t)d;                                           \
      }                                                                                   \
    }                                                                                     \
  } while (0)
static int block_slots(const struct frame_col *c, struct fslots ks, size_t b0, size_t b1,
                       uint32_t *k) {
  const uint8_t *na = c->na;
  uint32_t span = ks.span;
  switch (c->type) {
  case FRAME_CAT: {
    const int32_t *v = c->v.cat;
    uint32_t over = 0;
    for (size_t i = b0; i < b1; i++) {
      uint32_t s = (uint32_t)v[i];
      if (na && na[i]) s = span;
      else over |= s >= span;
      k[i - b0] = s;
    }
    return over ? -1 : 0;
  }
  case FRAME_BOOL: {
    const uint8_t *v = c->v.b;
    for (size_t i = b0; i < b1; i++) k[i - b0] = na && na[i] ? span : v[i] != 0;
    return 0;
  }
  case FRAME_DATE: {
    const int32_t *v = c->v.date;
    uint64_t lo = (uint64_t)ks.lo, over = 0;
    SLOTS_LOOP;
    return over ? -1 : 0;
  }
  default: {
    const int64_t *v = c->v.i64;
    uint64_t lo = (uint64_t)ks.lo, over = 0;
    SLOTS_LOOP;
    return over ? -1 : 0;
  }
  }
}

static int is_missing(const struct frame_col *c, size_t i) {
  return (c->na && c->na[i]) || (c->type == FRAME_F64 && c->v.f64[i] != c->v.f64[i]);
}

static int64_t int_value(const struct frame_col *c, size_t i) {
  switch (c->type) {
  case FRAME_I64: return c->v.i64[i];
  case FRAME_DATE: return c->v.date[i];
  default: return c->v.b[i];
  }
}

/* The exact int64 (or bool) sums of rows b0..b1-1 into p[slot].isum, with
 * p[slot].bad set where a partial sum overflowed.  Overflow is rare, so the
 * block first runs with one flag for all its rows; if that is set, the
 * block's adds (which wrap) are taken back and it runs again flagging each
 * slot, as the general path does. */
#define ISUM_LOOP(V, BODY)                                                             \
  do {                                                                                  \
    if (!na) { for (size_t i = b0; i < b1; i++) { int64_t v = (V)[i]; BODY; } }        \
    else { for (size_t i = b0; i < b1; i++) if (!na[i]) { int64_t v = (V)[i]; BODY; } } \
  } while (0)
#define ISUM_ALL(BODY)                                                                  \
  do {                                                                                  \
    if (c->type == FRAME_BOOL) ISUM_LOOP(c->v.b, BODY);                                 \
    else ISUM_LOOP(c->v.i64, BODY);                                                     \
  } while (0)

static void isum_block(const struct frame_col *c, size_t b0, size_t b1, const uint32_t *k,
                       struct fpart *p) {
  const uint8_t *na = c->na;
  int ovf = 0;
  ISUM_ALL(ovf |= __builtin_add_overflow(p[k[i - b0]].isum, v, &p[k[i - b0]].isum));
  if (!ovf) return;
  ISUM_ALL(p[k[i - b0]].isum = (int64_t)((uint64_t)p[k[i - b0]].isum - (uint64_t)v));
  ISUM_ALL(struct fpart *t = &p[k[i - b0]]; t->bad |= __builtin_add_overflow(t->isum, v, &t->isum));
}

/* Aggregate a over rows b0..b1-1 (slots k) into its partials p (S of them). */
static void block_agg(const struct fctx *x, enum fused_pass pass, size_t a, size_t b0, size_t b1,
                      const uint32_t *k, struct fpart *p) {
  const struct frameops_aggspec *s = &x->aggs[a];
  const struct frame_col *c = x->cols[a];
  const struct fo_gstat *st = x->st + a * x->S;
  if (!c) return;                                   /* count: from the slots' rows */
  if (pass == FP_SQ) {
    FO_EACH_VALUE(c, b0, b1, uint32_t g = k[i - b0]; double d = x - st[g].mean; p[g].ss += d * d; p[g].dev += d);
    return;
  }
  switch (s->fn) {
  case FRAMEOPS_N:
    if (c->type == FRAME_F64 || c->type == FRAME_I64 || c->type == FRAME_BOOL)
      FO_EACH_VALUE(c, b0, b1, (void)x; p[k[i - b0]].m++);
    else
      for (size_t i = b0; i < b1; i++) p[k[i - b0]].m += !(c->na && c->na[i]);
    break;
  case FRAMEOPS_SUM: case FRAMEOPS_MEAN: case FRAMEOPS_VAR: case FRAMEOPS_SD:
    if (int_sum(s, c)) {
      isum_block(c, b0, b1, k, p);
    } else {
      FO_EACH_VALUE(c, b0, b1, struct fpart *t = &p[k[i - b0]]; fo_nsum_add(&t->s, x); t->m++);
    }
    break;
  case FRAMEOPS_MIN: case FRAMEOPS_MAX: {
    int mx = s->fn == FRAMEOPS_MAX;
    if (c->type == FRAME_F64) {
      FO_EACH_VALUE(c, b0, b1, struct fpart *t = &p[k[i - b0]];
                    if (t->row == FO_NONE || (mx ? x > t->bx : x < t->bx)) { t->row = i; t->bx = x; });
    } else {
      for (size_t i = b0; i < b1; i++) {
        if (c->na && c->na[i]) continue;
        struct fpart *t = &p[k[i - b0]];
        int64_t v = int_value(c, i);
        if (t->row == FO_NONE || (mx ? v > t->bi : v < t->bi)) { t->row = i; t->bi = v; }
      }
    }
    break;
  }
  case FRAMEOPS_FIRST:
    for (size_t i = b0; i < b1; i++)
      if (p[k[i - b0]].row == FO_NONE && !is_missing(c, i)) p[k[i - b0]].row = i;
    break;
  case FRAMEOPS_LAST:
    for (size_t i = b0; i < b1; i++)
      if (!is_missing(c, i)) p[k[i - b0]].row = i;
    break;
  default: break;
  }
}

/* Smallest and largest present value of an int64 or date key in rows
 * lo..hi-1; *min > *max when every one is missing. */
static void rows_range(const struct frame_col *c, size_t lo, size_t hi, int64_t *min, int64_t *max) {
  const uint8_t *na = c->na;
  int64_t a = INT64_MAX, b = INT64_MIN;
  if (c->type == FRAME_DATE) {
    const int32_t *v = c->v.date;
    for (size_t i = lo; i < hi; i++) {
      if (na && na[i]) continue;
      a = v[i] < a ? v[i] : a;
      b = v[i] > b ? v[i] : b;
    }
  } else if (!na) {
    const int64_t *v = c->v.i64;
    for (size_t i = lo; i < hi; i++) {
      a = v[i] < a ? v[i] : a;
      b = v[i] > b ? v[i] : b;
    }
  } else {
    const int64_t *v = c->v.i64;
    for (size_t i = lo; i < hi; i++) {
      if (na[i]) continue;
      a = v[i] < a ? v[i] : a;
      b = v[i] > b ? v[i] : b;
    }
  }
  *min = a;
  *max = b;
}

/* The span of values min..max (0 when min > max: every value missing) into
 * *span; 0 when span + 1 slots are more than x->maxS (also when max - min
 * does not fit in 64 bits). */
static int slots_for(const struct fctx *x, int64_t min, int64_t max, uint64_t *span) {
  *span = 0;
  if (min > max) return 1;
  uint64_t d = (uint64_t)max - (uint64_t)min;   /* exact: max >= min */
  if (x->maxS < 2 || d >= x->maxS - 1) return 0;
  *span = d + 1;
  return 1;
}

/* A value outside the chunk's slots (those of the first chunk's range, at
 * the start): the slots become those of the chunk's own range joined to
 * them, and the partials so far move to their new places.  0, JOB_WIDE or
 * JOB_OOM. */
static int widen(struct fjob *j) {
  const struct fctx *x = j->x;
  int64_t mn, mx;
  rows_range(x->key, j->lo, j->hi, &mn, &mx);
  if (j->k.span) {
    int64_t top = (int64_t)((uint64_t)j->k.lo + j->k.span - 1);
    mn = j->k.lo < mn ? j->k.lo : mn;
    mx = top > mx ? top : mx;
  }
  uint64_t span;
  if (!slots_for(x, mn, mx, &span)) return JOB_WIDE;
  size_t S = (size_t)span + 1, oS = (size_t)j->k.span + 1, na = x->naggs ? x->naggs : 1;
  size_t shift = j->k.span ? (size_t)((uint64_t)j->k.lo - (uint64_t)mn) : 0;
  struct fpart *p = malloc(na * S * sizeof *p);
  int64_t *cnt = calloc(S, sizeof *cnt);
  if (!p || !cnt) { free(p); free(cnt); return JOB_OOM; }
  for (size_t q = 0; q < x->naggs * S; q++) p[q] = (struct fpart){.row = FO_NONE};
  for (size_t g = 0; g < oS; g++) {
    size_t to = g == j->k.span ? S - 1 : g + shift;   /* the missing key stays last */
    cnt[to] = j->cnt[g];
    for (size_t a = 0; a < x->naggs; a++) p[a * S + to] = j->p[a * oS + g];
  }
  if (j->own) { free(j->p); free(j->cnt); }
  j->own = 1;
  j->p = p;
  j->cnt = cnt;
  j->k = (struct fslots){mn > mx ? 0 : mn, (uint32_t)span};
  return 0;
}

static int fused_run(void *arg) {

  struct fjob *j = arg;
  const struct fctx *x = j->x;
  uint32_t k[FUSED_BLOCK];
  int local = x->local && j->pass == FP_FIRST;
  j->k = local ? x->guess : (struct fslots){x->lo, x->span};
  size_t S = (size_t)j->k.span + 1, na = x->naggs ? x->naggs : 1;
  if (S <= x->cap) {
    j->p = x->pool + j->idx * na * x->cap;
    j->cnt = x->pcnt + j->idx * x->cap;
  } else {
    j->own = 1;
    j->p = malloc(na * S * sizeof *j->p);
    j->cnt = malloc(S * sizeof *j->cnt);
    if (!j->p || !j->cnt) { j->bad = JOB_OOM; return 0; }
  }
  for (size_t q = 0; q < x->naggs * S; q++) j->p[q] = (struct fpart){.row = FO_NONE};
  for (size_t g = 0; g < S; g++) j->cnt[g] = 0;
  for (size_t b0 = j->lo; b0 < j->hi; b0 += FUSED_BLOCK) {
    size_t b1 = j->hi - b0 < FUSED_BLOCK ? j->hi : b0 + FUSED_BLOCK;
    if (block_slots(x->key, j->k, b0, b1, k) != 0) {
      if (!local) { j->bad = JOB_CODE; return 0; }
      if ((j->bad = widen(j)) != 0) return 0;
      S = (size_t)j->k.span + 1;
      block_slots(x->key, j->k, b0, b1, k);
    }
    if (j->pass == FP_FIRST)
      for (size_t i = b0; i < b1; i++) j->cnt[k[i - b0]]++;
    for (size_t a = 0; a < x->naggs; a++) {
      enum frameops_agg fn = x->aggs[a].fn;
      if (j->pass == FP_SQ && fn != FRAMEOPS_VAR && fn != FRAMEOPS_SD) continue;
      block_agg(x, j->pass, a, b0, b1, k, j->p + a * S);
    }
  }
  return 0;
}

/* Is chunk partial p better than the total b for min or max? */
static int better(const struct frameops_aggspec *s, const struct frame_col *c,
                  const struct fpart *p, const struct fpart *b) {
  if (p->row == FO_NONE) return 0;
  if (b->row == FO_NONE) return 1;
  int mx = s->fn == FRAMEOPS_MAX;
  if (c->type == FRAME_F64) return mx ? p->bx > b->bx : p->bx < b->bx;
  return mx ? p->bi > b->bi : p->bi < b->bi;
}

/* The chunk's slot for the whole column's slot g, or -1 when the chunk
 * has no such value (its partial is then empty). */
static long chunk_slot(const struct fctx *x, const struct fjob *j, size_t g) {
  if (g == x->span) return (long)j->k.span;
  if (!x->local) return (long)g;
  uint64_t d = (uint64_t)x->lo + g - (uint64_t)j->k.lo;   /* the value less the chunk's lo */
  return d < j->k.span ? (long)d : -1;
}

/* Fold one chunk into the totals: st (sums) and best (rows), naggs x S.
 * Every slot is folded, an empty one as a partial of zeros, so the totals
 * are the same bytes however the chunk numbered its slots. */
static void fused_fold(const struct fctx *x, const struct fjob *j, struct fo_gstat *st,
                       struct fpart *best, int64_t *cnt) {
  static const struct fpart zero = {.row = FO_NONE};
  size_t S = x->S, jS = (size_t)j->k.span + 1;
  if (j->pass == FP_FIRST)
    for (size_t g = 0; g < S; g++) {
      long l = chunk_slot(x, j, g);
      cnt[g] += l < 0 ? 0 : j->cnt[l];
    }
  for (size_t a = 0; a < x->naggs; a++) {
    const struct frameops_aggspec *s = &x->aggs[a];
    const struct frame_col *c = x->cols[a];
    const struct fpart *pa = j->p + a * jS;
    struct fo_gstat *t = st + a * S;
    struct fpart *b = best + a * S;
    if (!c) continue;
    for (size_t g = 0; g < S; g++) {
      long l = chunk_slot(x, j, g);
      const struct fpart *p = l < 0 ? &zero : &pa[l];
      switch (j->pass) {
      case FP_SQ:
        if (s->fn == FRAMEOPS_VAR || s->fn == FRAMEOPS_SD) { t[g].ss += p->ss; t[g].dev += p->dev; }
        break;
      default:
        switch (s->fn) {
        case FRAMEOPS_N: t[g].m += p->m; break;
        case FRAMEOPS_MIN: case FRAMEOPS_MAX: if (better(s, c, p, &b[g])) b[g] = *p; break;
        case FRAMEOPS_FIRST: if (b[g].row == FO_NONE) b[g].row = p->row; break;
        case FRAMEOPS_LAST: if (p->row != FO_NONE) b[g].row = p->row; break;
        default:
          if (int_sum(s, c)) {
            t[g].bad |= p->bad | __builtin_add_overflow(t[g].isum, p->isum, &t[g].isum);
          } else {
            fo_nsum_add(&t[g].s, p->s.s);
            t[g].s.c += p->s.c;
            t[g].m += p->m;
          }
          break;
        }
      }
    }
  }
}

static void jobs_free(struct fctx *x, struct fjob *jobs, size_t nc) {
  for (size_t c = 0; c < nc; c++) {
    if (jobs[c].own) { free(jobs[c].p); free(jobs[c].cnt); }
    jobs[c].p = NULL;
    jobs[c].cnt = NULL;
    jobs[c].own = 0;
  }
  free(x->pool);
  free(x->pcnt);
  x->pool = NULL;
  x->pcnt = NULL;
  x->cap = 0;
}

/* One pass over all rows, every chunk on the threads.  jobs are the
 * caller's (nc of them).  After FP_FIRST of a key numbered per chunk, the
 * whole column's lo, span and S are set from the chunks' ranges.  0: the
 * chunks' partials ready to fold; JOB_CODE or JOB_WIDE: the general path
 * decides (the column's span is wider than the fused path takes); JOB_OOM. */
static int fused_pass(struct fctx *x, enum fused_pass pass, struct fjob *jobs, size_t nc) {
  for (size_t c = 0; c < nc; c++) jobs[c].pass = pass, jobs[c].bad = 0;
  /* the pool: every chunk's slots as many as the first chunk's (a local
   * key's chunks usually span alike: all the values, or a sorted run each) */
  x->cap = x->S;
  if (x->local && pass == FP_FIRST) {
    int64_t mn, mx;
    rows_range(x->key, jobs[0].lo, jobs[0].hi, &mn, &mx);
    uint64_t span;
    if (!slots_for(x, mn, mx, &span)) return JOB_WIDE;   /* one chunk is already too wide */
    x->guess = (struct fslots){mn > mx ? 0 : mn, (uint32_t)span};
    x->cap = (size_t)span + 1;
  }
  size_t na = x->naggs ? x->naggs : 1;
  x->pool = malloc(nc * na * x->cap * sizeof *x->pool);
  x->pcnt = malloc(nc * x->cap * sizeof *x->pcnt);
  if (!x->pool || !x->pcnt) return JOB_OOM;
  chunks_run(fused_run, jobs, sizeof *jobs, nc);
  int bad = 0;
  for (size_t c = 0; c < nc; c++) bad = jobs[c].bad > bad ? jobs[c].bad : bad;
  if (bad) return bad;
  if (x->local && pass == FP_FIRST) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t c = 0; c < nc; c++) {
      if (jobs[c].k.span == 0) continue;
      lo = jobs[c].k.lo < lo ? jobs[c].k.lo : lo;
      int64_t h = (int64_t)((uint64_t)jobs[c].k.lo + jobs[c].k.span - 1);
      hi = h > hi ? h : hi;
    }
    uint64_t span;
    if (!slots_for(x, lo, hi, &span)) return JOB_WIDE;
    x->lo = lo > hi ? 0 : lo;
    x->span = (uint32_t)span;
    x->S = span + 1;
  }
  return 0;
}

/* ===== the operation ===== */

static int supported(const struct frameops_aggspec *a, const struct frame_col *c) {
  switch (a->fn) {
  case FRAMEOPS_COUNT: case FRAMEOPS_N: case FRAMEOPS_SUM: case FRAMEOPS_MEAN:
  case FRAMEOPS_VAR: case FRAMEOPS_SD: case FRAMEOPS_FIRST: case FRAMEOPS_LAST:
    return 1;
  case FRAMEOPS_MIN: case FRAMEOPS_MAX:   /* text compares by string: the general path */
    return c->type == FRAME_F64 || c->type == FRAME_I64 || c->type == FRAME_BOOL ||
           c->type == FRAME_DATE;
  default: return 0;
  }
}

int fo_aggregate_fused(const struct frame_col *key, const struct frame_col *const *cols,
                       const struct frameops_aggspec *aggs, size_t naggs, size_t n,
                       struct frame **out, char *err, size_t errlen) {
  *out = NULL;
  if (n == 0 || n >= UINT32_MAX || naggs > FO_FUSED_MAX_AGGS) return 0;
  for (size_t a = 0; a < naggs; a++)
    if (!supported(&aggs[a], cols[a])) return 0;
  size_t nc = chunks_count(n), per = naggs * sizeof(struct fpart) + sizeof(int64_t) +
    sizeof(size_t);
  struct fctx x = {key, 0, 0, 0, 0, 0, NULL, NULL, 0, {0, 0}, cols, aggs, naggs, NULL};
  /* slots at most: the general path's direct-table bound on the span, and
   * every chunk's partials within FUSED_MAX_BYTES */
  x.maxS = FUSED_MAX_BYTES / per / nc;
  x.maxS = x.maxS < DIRECT_SPAN(n) + 1 ? x.maxS : DIRECT_SPAN(n) + 1;
  switch (key->type) {
  case FRAME_CAT: x.span = (uint32_t)(key->dict->n < UINT32_MAX ? key->dict->n : UINT32_MAX - 1); break;
  case FRAME_BOOL: x.span = 2; break;
  case FRAME_I64: case FRAME_DATE: x.local = 1; break;   /* span from the chunks' ranges */
  default: return 0;
  }
  if (!x.local && (size_t)x.span + 1 > x.maxS) return 0;
  x.S = (size_t)x.span + 1;

  struct fjob *jobs = calloc(nc, sizeof *jobs);
  int64_t *cnt = NULL;
  size_t *first = NULL;
  struct fo_gstat *st = NULL;
  struct fpart *best = NULL;
  struct fo_gstat *ost = NULL;
  size_t *rep = NULL, *slot = NULL, *pick = NULL;
  struct fo_key kk = {0};
  struct frame *o = NULL;
  int rc = -1, msg = 0;
  if (!jobs) goto done;
  for (size_t c = 0; c < nc; c++)
    jobs[c] = (struct fjob){&x, FP_FIRST, n * c / nc, n * (c + 1) / nc, {0, 0}, c, NULL, NULL, 0, 0};

  int bad = fused_pass(&x, FP_FIRST, jobs, nc);
  if (bad) { rc = bad == JOB_OOM ? -1 : 0; goto done; }
  size_t S = x.S;
  cnt = calloc(S, sizeof *cnt);
  first = malloc(S * sizeof *first);
  st = calloc((naggs ? naggs : 1) * S, sizeof *st);
  best = malloc((naggs ? naggs : 1) * S * sizeof *best);
  if (!cnt || !first || !st || !best) goto done;
  x.st = st;
  for (size_t g = 0; g < S; g++) first[g] = FO_NONE;
  for (size_t q = 0; q < naggs * S; q++) best[q] = (struct fpart){.row = FO_NONE};
  for (size_t c = 0; c < nc; c++) fused_fold(&x, &jobs[c], st, best, cnt);
  jobs_free(&x, jobs, nc);
  struct fslots whole = {x.lo, x.span};
  /* each group's first row: rows in order until every group has one (all
   * within the first few blocks, unless a group first appears late) */
  size_t need = 0;
  for (size_t g = 0; g < S; g++) need += cnt[g] > 0;
  for (size_t b0 = 0; need && b0 < n; b0 += FUSED_BLOCK) {
    uint32_t k[FUSED_BLOCK];
    size_t b1 = n - b0 < FUSED_BLOCK ? n : b0 + FUSED_BLOCK;
    block_slots(key, whole, b0, b1, k);
    for (size_t i = b0; need && i < b1; i++)
      if (first[k[i - b0]] == FO_NONE) first[k[i - b0]] = i, need--;
  }
  int sq = 0;
  for (size_t a = 0; a < naggs; a++)
    if (cols[a] && has_mean(aggs[a].fn)) {
      fo_stream_means(st + a * S, S);
      sq |= aggs[a].fn != FRAMEOPS_MEAN;
    }
  if (sq) {
    bad = fused_pass(&x, FP_SQ, jobs, nc);
    if (bad) goto done;   /* only JOB_OOM: the slots are the whole column's now */
    for (size_t c = 0; c < nc; c++) fused_fold(&x, &jobs[c], st, best, cnt);
    jobs_free(&x, jobs, nc);
  }

  /* the groups: slots with rows, sorted by key value (missing last) */
  size_t ng = 0;
  for (size_t g = 0; g < S; g++) ng += cnt[g] > 0;
  size_t ng1 = ng ? ng : 1;
  rep = malloc(ng1 * sizeof *rep);
  slot = malloc(S * sizeof *slot);
  pick = malloc(ng1 * sizeof *pick);
  ost = malloc(ng1 * sizeof *ost);
  if (!rep || !slot || !pick || !ost || fo_key_init(&kk, key, 0) != 0) goto done;
  ng = 0;
  for (size_t g = 0; g < S; g++)
    if (cnt[g]) rep[ng++] = first[g];
  if (fo_sort_idx(rep, ng, &kk, 1) != 0) goto done;
  if (!(o = frame_new())) goto done;
  o->nrow = ng;
  struct frame_col *kc = frame_col_take(key, rep, ng, NULL);
  if (!kc || frame_add(o, kc) != 0) { frame_col_free(kc); goto done; }
  /* each output group's slot: the slot of its first row */
  for (size_t g = 0; g < ng; g++) {
    uint32_t k1[1];
    block_slots(key, whole, rep[g], rep[g] + 1, k1);
    slot[g] = k1[0];
  }
  for (size_t a = 0; a < naggs; a++) {
    const struct frame_col *c = cols[a];
    struct frame_col *oc;
    if (!c) {
      oc = fo_col_alloc(aggs[a].name, FRAME_I64, ng, NULL);
      for (size_t g = 0; oc && g < ng; g++) oc->v.i64[g] = cnt[slot[g]];
    } else if (aggs[a].fn == FRAMEOPS_MIN || aggs[a].fn == FRAMEOPS_MAX ||
               aggs[a].fn == FRAMEOPS_FIRST || aggs[a].fn == FRAMEOPS_LAST) {
      for (size_t g = 0; g < ng; g++) pick[g] = best[a * S + slot[g]].row;
      oc = fo_take(c, pick, ng, aggs[a].name, NA_CALC);
    } else {
      for (size_t g = 0; g < ng; g++) ost[g] = st[a * S + slot[g]];
      oc = fo_stream_finish(&aggs[a], c, ost, ng, err, errlen);
      if (!oc) { msg = 1; goto done; }
    }
    if (!oc || frame_add(o, oc) != 0) { frame_col_free(oc); goto done; }
  }
  rc = 1;
done:
  fo_key_free(&kk);
  if (jobs) jobs_free(&x, jobs, nc);
  free(jobs); free(cnt); free(first); free(st);
  free(best); free(ost); free(rep); free(slot); free(pick);
  if (rc == 1) { *out = o; return 1; }
  frame_free(o);
  if (msg) return 1;   /* *out NULL, err written */
  return rc;
}

/* host/data/frameops_join.c -- left and inner joins.  The right frame's
 * distinct keys are numbered (in order of first appearance) and point to the
 * right rows holding each key, in right order; every left row then looks its
 * keys up once.  A single key of small whole numbers (int64, dates, bool in
 * a narrow range; text by dictionary code, one code per distinct string)
 * looks up by indexing a table, any other key through a hash table on the key
 * values (frameops.c).  When every left row has exactly one result row (a
 * many-to-one lookup that matches, or any many-to-one left join) the left
 * columns are the left frame's own, shared read-only, and only the right
 * columns are gathered.  The cost is linear in the rows of both frames plus
 * the rows produced. */
#include "frameops_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chunks.h"
#include "mem.h"

static int keys_compatible(enum frame_type a, enum frame_type b) {
  if (a == b) return 1;
  return (a == FRAME_I64 && b == FRAME_F64) || (a == FRAME_F64 && b == FRAME_I64);
}

static char *with_suffix(const char *name, const char *suffix) {
  size_t a = strlen(name), b = strlen(suffix);
  char *s = malloc(a + b + 1);
  if (!s) return NULL;
  memcpy(s, name, a);
  memcpy(s + a, suffix, b + 1);
  return s;
}

/* Result column names: left columns, then right non-key columns.  owned[k]
 * holds the suffixed names (freed by the caller); names[k] points to the
 * name in use.  Returns the count, or FO_NONE after writing err. */
static size_t result_names(const struct frame *l, const struct frame *r, const int *lkey,
                           const int *rkey, const char *sx, const char *sy,
                           const char **names, char **owned, char *err, size_t errlen) {
  size_t m = 0;
  for (size_t j = 0; j < l->ncol; j++, m++) {
    const char *nm = l->col[j]->name;
    names[m] = nm;
    int jr = frame_find(r, nm);
    if (!lkey[j] && jr >= 0 && !rkey[jr]) {
      if (!(owned[m] = with_suffix(nm, sx))) { fo_oom(err, errlen, "join"); return FO_NONE; }
      names[m] = owned[m];
    }
  }
  for (size_t j = 0; j < r->ncol; j++) {
    if (rkey[j]) continue;
    const char *nm = r->col[j]->name;
    names[m] = nm;
    if (frame_find(l, nm) >= 0) {
      if (!(owned[m] = with_suffix(nm, sy))) { fo_oom(err, errlen, "join"); return FO_NONE; }
      names[m] = owned[m];
    }
    m++;
  }
  for (size_t a = 0; a < m; a++)
    for (size_t b = 0; b < a; b++)
      if (strcmp(names[a], names[b]) == 0) {
        fo_err(err, errlen, "join: two result columns would be called \"%s\"; rename a column "
               "or choose other suffixes", names[a]);
        return FO_NONE;
      }
  return m;
}

/* ===== looking keys up by direct indexing ===== */

/* Tables indexed by key value stay within DIRECT_SPAN(rows of both frames). */
#define DIRECT_SPAN(n) ((n) / 2 + 4096)

/* Right groups and left look-ups for a single key of small whole numbers:
 * rgid[i] (right row i's group, in order of first appearance; FO_NONE for a
 * missing key), lg[i] (left row i's group, FO_NONE when it has none) and *ng.
 * Returns 1 when done, 0 when the key is not of that kind (nothing useful
 * written), -1 out of memory. */
#define KEYV(c, i) ((c)->type == FRAME_I64 ? (c)->v.i64[i] : (c)->type == FRAME_DATE \
                    ? (int64_t)(c)->v.date[i] : (int64_t)((c)->v.b[i] != 0))

/* The range of a whole-number key column (int64, date or boolean) over its
 * rows that are not missing: the smallest value in *lo and the number of
 * values from the smallest to the largest (0 when every row is missing;
 * UINT64_MAX, wider than any table, when they are 2^64 values: INT64_MIN
 * and INT64_MAX both present). */
static uint64_t key_span(const struct frame_col *cr, size_t nr, const uint8_t *nar, int64_t *lo) {
  int64_t l = INT64_MAX, h = INT64_MIN;
  for (size_t i = 0; i < nr; i++) {
    if (nar && nar[i]) continue;
    int64_t v = KEYV(cr, i);
    l = v < l ? v : l;
    h = v > h ? v : h;
  }
  *lo = l;
  if (l > h) return 0;
  uint64_t d = (uint64_t)h - (uint64_t)l;
  return d == UINT64_MAX ? UINT64_MAX : d + 1;
}

static int direct_lookup(const struct frame_col *cl, const struct frame_col *cr, size_t nl,
                         size_t nr, size_t *rgid, size_t *lg, size_t *ng_out) {
  enum frame_type t = cr->type;
  if (cl->type != t || nr >= UINT32_MAX) return 0;
  const uint8_t *nal = cl->na, *nar = cr->na;
  size_t ng = 0, limit = DIRECT_SPAN(nl + nr);
  if (t == FRAME_CAT) {
    const struct frame_dict *dl = cl->dict, *dr = cr->dict;
    if (dr->n > limit || (dl != dr && dl->n > limit)) return 0;
    for (size_t i = 0; i < nr; i++)
      if (!(nar && nar[i]) && (uint32_t)cr->v.cat[i] >= dr->n) return 0;
    for (size_t i = 0; i < nl; i++)
      if (!(nal && nal[i]) && (uint32_t)cl->v.cat[i] >= dl->n) return 0;
    uint32_t *tab = calloc(dr->n + 1, sizeof *tab), *lmap = NULL;
    if (!tab) return -1;
    for (size_t i = 0; i < nr; i++) {
      if (nar && nar[i]) { rgid[i] = FO_NONE; continue; }
      uint32_t *s = &tab[cr->v.cat[i]];
      if (!*s) *s = (uint32_t)++ng;
      rgid[i] = *s - 1;
    }
    if (dl != dr) {   /* each left string's group, through the right dictionary */
      lmap = calloc(dl->n + 1, sizeof *lmap);
      if (!lmap) { free(tab); return -1; }
      for (size_t c = 0; c < dl->n; c++) {
        int32_t rc = frame_dict_find(dr, dl->str[c], dl->len[c]);
        lmap[c] = rc < 0 ? 0 : tab[rc];
      }
    }
    const uint32_t *map = lmap ? lmap : tab;
    for (size_t i = 0; i < nl; i++) {
      uint32_t g = nal && nal[i] ? 0 : map[cl->v.cat[i]];
      lg[i] = g ? g - 1 : FO_NONE;
    }
    free(tab);
    free(lmap);
    *ng_out = ng;
    return 1;
  }
  if (t != FRAME_I64 && t != FRAME_DATE && t != FRAME_BOOL) return 0;
  int64_t lo;
  uint64_t span = key_span(cr, nr, nar, &lo);
  if (span > limit) return 0;
  uint32_t *tab = calloc(span + 1, sizeof *tab);
  if (!tab) return -1;
  for (size_t i = 0; i < nr; i++) {
    if (nar && nar[i]) { rgid[i] = FO_NONE; continue; }
    uint32_t *s = &tab[(uint64_t)KEYV(cr, i) - (uint64_t)lo];
    if (!*s) *s = (uint32_t)++ng;
    rgid[i] = *s - 1;
  }
  for (size_t i = 0; i < nl; i++) {
    uint64_t k = (uint64_t)KEYV(cl, i) - (uint64_t)lo;   /* below lo wraps past span */
    uint32_t g = (nal && nal[i]) || k >= span ? 0 : tab[k];
    lg[i] = g ? g - 1 : FO_NONE;
  }
  free(tab);
  *ng_out = ng;
  return 1;
}

/* ===== a many-to-one lookup on a small key, without row lists =====
 * The common join of a national extract to an authority table: a single key
 * of small whole numbers, each key at most once on the right, every left row
 * kept (a left join, or an inner join where every left row matches).  Then
 * result row i is left row i: the left columns are shared, and each right
 * column is gathered straight from the left key through a table of right
 * rows indexed by the key (no per-row group or row-index arrays), on the
 * fixed row chunks of chunks.h.  The result is the same as the general
 * path's, column for column. */

struct lkctx {
  const struct frame_col *kl;     /* the left key */
  int64_t lo;                     /* int64, date, bool: the right keys' smallest value */
  uint64_t span;                  /* entries of row_of */
  const size_t *row_of;           /* text: by left code; else by value - lo: right row */
  const struct frame_col *const *src;
  struct frame_col *const *dst;
  size_t ncols;
};

struct lkjob { const struct lkctx *x; size_t lo, hi, unmatched; };

#define LOOKUP_BLOCK 2048

/* Right rows of left rows b0..b1-1 into r (FO_NONE: no match; a key
 * outside the table, text codes included, matches nothing). */
static void lookup_rows(const struct lkctx *x, size_t b0, size_t b1, size_t *r) {
  const struct frame_col *c = x->kl;
  const uint8_t *na = c->na;
  uint64_t span = x->span, lo = (uint64_t)x->lo;
  for (size_t i = b0; i < b1; i++) {
    uint64_t k;
    switch (c->type) {
    case FRAME_CAT: k = (uint32_t)c->v.cat[i]; break;
    case FRAME_DATE: k = (uint64_t)(int64_t)c->v.date[i] - lo; break;
    case FRAME_BOOL: k = (uint64_t)(int64_t)(c->v.b[i] != 0) - lo; break;
    default: k = (uint64_t)c->v.i64[i] - lo; break;
    }
    r[i - b0] = (na && na[i]) || k >= span ? FO_NONE : x->row_of[k];
  }
}

static int lookup_run(void *arg) {
  struct lkjob *j = arg;
  const struct lkctx *x = j->x;
  size_t r[LOOKUP_BLOCK];
  for (size_t b0 = j->lo; b0 < j->hi; b0 += LOOKUP_BLOCK) {
    size_t b1 = j->hi - b0 < LOOKUP_BLOCK ? j->hi : b0 + LOOKUP_BLOCK, m = b1 - b0;
    lookup_rows(x, b0, b1, r);
    for (size_t q = 0; q < m; q++) j->unmatched += r[q] == FO_NONE;
    for (size_t k = 0; k < x->ncols; k++) {
      const struct frame_col *c = x->src[k];
      struct frame_col *o = x->dst[k];
#define LK_GATHER(V, NONE)                                                              \
  for (size_t q = 0; q < m; q++) o->V[b0 + q] = r[q] == FO_NONE ? (NONE) : c->V[r[q]];
      switch (c->type) {
      case FRAME_F64: LK_GATHER(v.f64, NAN) break;
      case FRAME_I64: LK_GATHER(v.i64, 0) break;
      case FRAME_BOOL: LK_GATHER(v.b, 0) break;
      default: LK_GATHER(v.cat, 0) break;   /* date and text share int32 storage */
      }
#undef LK_GATHER
      if (o->na)
        for (size_t q = 0; q < m; q++)
          o->na[b0 + q] = r[q] == FO_NONE ? NA_CALC : c->na ? c->na[r[q]] : NA_NONE;
    }
  }
  return 0;
}

/* The table of right rows by key: 1 built, 0 not this kind of join (a key
 * repeated on the right, a wide span), -1 out of memory. */
static int lookup_table(const struct frame_col *cl, const struct frame_col *cr, size_t nl,
                        size_t nr, struct lkctx *x, size_t **row_of) {
  enum frame_type t = cr->type;
  const uint8_t *nar = cr->na;
  size_t limit = DIRECT_SPAN(nl + nr), *tab;
  if (cl->type != t) return 0;
  if (t == FRAME_CAT) {
    const struct frame_dict *dl = cl->dict, *dr = cr->dict;
    if (dr->n > limit || dl->n > limit) return 0;
    size_t *rtab = malloc((dr->n ? dr->n : 1) * sizeof *rtab);
    if (!rtab) return -1;
    for (size_t c = 0; c < dr->n; c++) rtab[c] = FO_NONE;
    for (size_t i = 0; i < nr; i++) {
      if (nar && nar[i]) continue;
      uint32_t c = (uint32_t)cr->v.cat[i];
      if (c >= dr->n || rtab[c] != FO_NONE) { free(rtab); return 0; }
      rtab[c] = i;
    }
    if (dl == dr) {
      tab = rtab;
    } else {   /* each left string's right row, through the right dictionary */
      tab = malloc((dl->n ? dl->n : 1) * sizeof *tab);
      if (!tab) { free(rtab); return -1; }
      for (size_t c = 0; c < dl->n; c++) {
        int32_t rc = frame_dict_find(dr, dl->str[c], dl->len[c]);
        tab[c] = rc < 0 ? FO_NONE : rtab[rc];
      }
      free(rtab);
    }
    x->lo = 0;
    x->span = dl->n;
  } else if (t == FRAME_I64 || t == FRAME_DATE || t == FRAME_BOOL) {
    int64_t lo;
    uint64_t span = key_span(cr, nr, nar, &lo);
    if (span > limit) return 0;
    tab = malloc((span ? span : 1) * sizeof *tab);
    if (!tab) return -1;
    for (uint64_t k = 0; k < span; k++) tab[k] = FO_NONE;
    for (size_t i = 0; i < nr; i++) {
      if (nar && nar[i]) continue;
      size_t *s = &tab[(uint64_t)KEYV(cr, i) - (uint64_t)lo];
      if (*s != FO_NONE) { free(tab); return 0; }
      *s = i;
    }
    x->lo = lo;
    x->span = span;
  } else {
    return 0;
  }
  *row_of = tab;
  x->row_of = tab;
  return 1;
}

/* 1: *out is the join (or NULL on OOM, then -1); 0: not this kind of join. */
static int lookup_join(const struct frame *left, const struct frame *right,
                       const struct frame_col *cl, const struct frame_col *cr, enum frameops_how how,
                       const int *rkey, const char *const *names, struct frame **out) {
  size_t nl = left->nrow, nr = right->nrow, ncl = left->ncol;
  *out = NULL;
  if (nl == 0 || nr >= UINT32_MAX) return 0;
  struct lkctx x = {cl, 0, 0, NULL, NULL, NULL, 0};
  size_t *row_of = NULL;
  int d = lookup_table(cl, cr, nl, nr, &x, &row_of);
  if (d <= 0) return d;
  size_t nc = chunks_count(nl), ncr = 0;
  for (size_t j = 0; j < right->ncol; j++) ncr += !rkey[j];
  const struct frame_col **src = calloc(ncr ? ncr : 1, sizeof *src);
  struct frame_col **dst = calloc(ncr ? ncr : 1, sizeof *dst);
  struct lkjob *jobs = malloc(nc * sizeof *jobs);
  struct frame *o = NULL;
  int rc = -1;
  if (!src || !dst || !jobs) goto done;
  for (size_t j = 0, k = 0; j < right->ncol; j++) {
    if (rkey[j]) continue;
    const struct frame_col *c = right->col[j];
    src[k] = c;
    /* missing values kept in an array from the start; dropped below if
     * none was taken, as frame_col_take does */
    if (!(dst[k] = fo_col_alloc(names[ncl + k], c->type, nl, c->dict))) goto done;
    if ((how == FRAMEOPS_LEFT || c->na) && !(dst[k]->na = calloc(nl, 1))) goto done;
    k++;
  }
  x.src = src;
  x.dst = dst;
  x.ncols = ncr;
  for (size_t c = 0; c < nc; c++) jobs[c] = (struct lkjob){&x, nl * c / nc, nl * (c + 1) / nc, 0};
  chunks_run(lookup_run, jobs, sizeof *jobs, nc);
  size_t unmatched = 0;
  for (size_t c = 0; c < nc; c++) unmatched += jobs[c].unmatched;
  if (how == FRAMEOPS_INNER && unmatched) { rc = 0; goto done; }   /* rows dropped */
  for (size_t k = 0; k < ncr; k++) {
    struct frame_col *c = dst[k];
    if (unmatched) continue;          /* as fo_take: a missing value from no row */
    frame_col_set_meta(c, src[k]->meta);
    int any = 0;
    for (size_t i = 0; c->na && i < nl && !any; i++) any = c->na[i] != NA_NONE;
    if (c->na && !any) { free(c->na); c->na = NULL; }
  }
  if (!(o = frame_new())) goto done;
  o->nrow = nl;
  for (size_t j = 0; j < ncl; j++) {
    struct frame_col *c = frame_col_take(left->col[j], NULL, nl, names[j]);   /* shared */
    if (!c || frame_add(o, c) != 0) { frame_col_free(c); goto done; }
  }
  for (size_t k = 0; k < ncr; k++) {
    if (frame_add(o, dst[k]) != 0) goto done;
    dst[k] = NULL;
  }
  rc = 1;
done:
  for (size_t k = 0; dst && k < ncr; k++) frame_col_free(dst[k]);
  free(src); free(dst); free(jobs); free(row_of);
  if (rc == 1) { *out = o; return 1; }
  frame_free(o);
  return rc;
}

struct frame *frameops_join(const struct frame *left, const struct frame *right,
                            const char *const *keys_left, const char *const *keys_right,
                            size_t nkeys, enum frameops_how how,
                            const struct frameops_join_opts *opts, char *err, size_t errlen) {
  const char *op = "join";
  if (nkeys == 0) return fo_nerr(err, errlen, "join: at least one key column is needed");
  if (how != FRAMEOPS_LEFT && how != FRAMEOPS_INNER)
    return fo_nerr(err, errlen, "join: unknown kind of join (use left or inner)");
  if (fo_distinct_names(keys_left, nkeys, op, "left key", err, errlen) != 0 ||
      fo_distinct_names(keys_right, nkeys, op, "right key", err, errlen) != 0)
    return NULL;
  for (size_t k = 0; k < nkeys; k++) {
    int jl = fo_col(left, keys_left[k], op, "left", err, errlen);
    if (jl < 0) return NULL;
    int jr = fo_col(right, keys_right[k], op, "right", err, errlen);
    if (jr < 0) return NULL;
    enum frame_type tl = left->col[jl]->type, tr = right->col[jr]->type;
    if (!keys_compatible(tl, tr))
      return fo_nerr(err, errlen, "join: key \"%s\" is %s in the left frame but \"%s\" is %s in "
                     "the right frame; convert one so they have the same type", keys_left[k],
                     frame_type_name(tl), keys_right[k], frame_type_name(tr));
  }
  const char *sx = opts && opts->suffix_x ? opts->suffix_x : ".x";
  const char *sy = opts && opts->suffix_y ? opts->suffix_y : ".y";

  size_t nl = left->nrow, nr = right->nrow, ncl = left->ncol, ncr = right->ncol;
  size_t nco = ncl + ncr;
  int *lkey = calloc(ncl ? ncl : 1, sizeof *lkey), *rkey = calloc(ncr ? ncr : 1, sizeof *rkey);
  const char **names = calloc(nco ? nco : 1, sizeof *names);
  char **owned = calloc(nco ? nco : 1, sizeof *owned);
  struct fo_key *kl = calloc(nkeys, sizeof *kl), *kr = calloc(nkeys, sizeof *kr);
  size_t *rgid = mem_alloc_large((nr ? nr : 1) * sizeof *rgid);
  size_t *lg = mem_alloc_large((nl ? nl : 1) * sizeof *lg);
  size_t *start = NULL, *fill = NULL, *list = NULL, *lidx = NULL, *ridx = NULL;
  struct fo_groups gs;
  int have_gs = 0, msg = 0;
  struct frame *o = NULL;
  size_t nout = 0, m = 0;
  int ok = lkey && rkey && names && owned && kl && kr && rgid && lg;

  for (size_t k = 0; ok && k < nkeys; k++) {
    int jl = frame_find(left, keys_left[k]), jr = frame_find(right, keys_right[k]);
    lkey[jl] = rkey[jr] = 1;
    ok = fo_key_init(&kl[k], left->col[jl], 0) == 0 && fo_key_init(&kr[k], right->col[jr], 0) == 0;
  }
  if (ok) {
    nout = result_names(left, right, lkey, rkey, sx, sy, names, owned, err, errlen);
    if (nout == FO_NONE) ok = 0, msg = 1;
  }
  if (ok && nkeys == 1) {
    int d = lookup_join(left, right, kl[0].c, kr[0].c, how, rkey, names, &o);
    if (d != 0) {
      ok = d > 0;
      goto done;
    }
  }
  /* distinct right keys and the right rows of each, in right order; each
   * left row's group (lg) */
  size_t ng = 0;
  int looked_up = 0;
  if (ok && nkeys == 1) {
    int d = direct_lookup(kl[0].c, kr[0].c, nl, nr, rgid, lg, &ng);
    ok = d >= 0;
    looked_up = d == 1;
  }
  if (ok && !looked_up) ok = have_gs = fo_groups_init(&gs) == 0;
  for (size_t i = 0; ok && !looked_up && i < nr; i++) {
    if (fo_any_missing(kr, nkeys, i)) rgid[i] = FO_NONE;   /* never matches */
    else ok = fo_groups_add(&gs, kr, nkeys, i, &rgid[i]) == 0;
  }
  if (ok && !looked_up) {
    ng = gs.n;
    for (size_t i = 0; i < nl; i++) lg[i] = fo_groups_find(&gs, kr, kl, nkeys, i);
  }
  if (ok) {
    start = calloc(ng + 1, sizeof *start);
    fill = malloc((ng ? ng : 1) * sizeof *fill);
    list = malloc((nr ? nr : 1) * sizeof *list);
    ok = start && fill && list;
  }
  if (ok) {
    for (size_t i = 0; i < nr; i++) if (rgid[i] != FO_NONE) start[rgid[i] + 1]++;
    for (size_t g = 0; g < ng; g++) start[g + 1] += start[g];
    memcpy(fill, start, ng * sizeof *fill);
    for (size_t i = 0; i < nr; i++) if (rgid[i] != FO_NONE) list[fill[rgid[i]]++] = i;
  }
  /* count the result rows; one_each: every left row gives exactly one */
  int one_each = 1;
  for (size_t i = 0; ok && i < nl; i++) {
    size_t add = lg[i] == FO_NONE ? (how == FRAMEOPS_LEFT) : start[lg[i] + 1] - start[lg[i]];
    one_each &= add == 1;
    if (m > SIZE_MAX / sizeof(size_t) - add) {
      fo_err(err, errlen, "join: the result would have too many rows (is a key repeated in "
             "both frames?)");
      ok = 0, msg = 1;
    }
    m += add;
  }
  /* A many-to-many join on a repeated key grows as the product of the
   * groups; stop before allocating gigabytes for what is almost always a
   * missing key column. */
  if (ok && m > FRAMEOPS_JOIN_MAX_ROWS) {
    fo_err(err, errlen, "join: the result would have %zu rows (more than %zu): is a key repeated in "
           "both frames? join on all the key columns, or aggregate one side first", m,
           (size_t)FRAMEOPS_JOIN_MAX_ROWS);
    ok = 0, msg = 1;
  }
  if (ok) {
    lidx = one_each ? NULL : mem_alloc_large((m ? m : 1) * sizeof *lidx);
    ridx = mem_alloc_large((m ? m : 1) * sizeof *ridx);
    ok = (one_each || lidx) && ridx;
  }
  if (ok && one_each) {   /* result row i is left row i */
    for (size_t i = 0; i < nl; i++) ridx[i] = lg[i] == FO_NONE ? FO_NONE : list[start[lg[i]]];
  } else if (ok) {
    size_t p = 0;
    for (size_t i = 0; i < nl; i++) {
      if (lg[i] == FO_NONE) {
        if (how == FRAMEOPS_LEFT) { lidx[p] = i; ridx[p++] = FO_NONE; }
        continue;
      }
      for (size_t r = start[lg[i]]; r < start[lg[i] + 1]; r++) { lidx[p] = i; ridx[p++] = list[r]; }
    }
  }
  if (ok) ok = (o = frame_new()) != NULL;
  if (ok) o->nrow = m;
  size_t q = 0;
  for (size_t j = 0; ok && j < ncl; j++, q++) {
    struct frame_col *c = frame_col_take(left->col[j], lidx, m, names[q]);   /* NULL: shared */
    ok = c && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }
  for (size_t j = 0; ok && j < ncr; j++) {
    if (rkey[j]) continue;
    struct frame_col *c = fo_take(right->col[j], ridx, m, names[q++], NA_CALC);
    ok = c && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }

done:
  for (size_t k = 0; k < nkeys && kl && kr; k++) { fo_key_free(&kl[k]); fo_key_free(&kr[k]); }
  for (size_t k = 0; owned && k < nco; k++) free(owned[k]);
  if (have_gs) fo_groups_free(&gs);
  free(lkey); free(rkey); free(names); free(owned); free(kl); free(kr);
  free(rgid); free(lg); free(start); free(fill); free(list); free(lidx); free(ridx);
  if (!ok) {
    frame_free(o);
    return msg ? NULL : fo_oom(err, errlen, op);
  }
  return o;
}
